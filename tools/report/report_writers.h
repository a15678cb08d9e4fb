// Writing a report out: XLSX (one sheet per table, native charts, what
// offices open), CSV (one file per table, UTF-8 with a byte-order mark so
// that Excel reads the Chinese headings) and JSON (for the console). Every
// writer is deterministic: the same report gives the same bytes (the XLSX's
// creation time is a parameter, never the clock).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/report/report_table.h"

namespace zizhu::report {

// The sheet's name ("受助学生" / "aided"), at most 31 characters.
std::string SheetName(const Table& table, Language language);

absl::Status WriteXlsx(const Report& report, const std::string& path, absl::Time created);
// Writes `dir`/<table name>.csv for every table; creates `dir`.
absl::Status WriteCsvs(const Report& report, const std::string& dir);
std::string CsvOf(const Table& table);
// The whole report, tables in order; `figures_only` leaves out the "about"
// and "revisions" tables (what a sign-off fingerprints: the period's own
// figures, not the point, the sign-off state or another period's changes).
std::string JsonOf(const Report& report, bool figures_only = false);
// SHA-256 (hex) of JsonOf(report, true).
std::string FiguresSha256(const Report& report);

// Writes `content` to `path` through a temporary file and a rename, so that
// a reader never sees half a file and a re-run replaces it whole.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace zizhu::report
