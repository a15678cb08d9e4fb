// Reads the first worksheet of an XLSX workbook into rows of text (what
// agencies actually send). Shared strings, inline strings and numbers are
// read as their text; numbers keep the text Excel stored (an ID typed as a
// number shows as 1.10105194912310E+17 and is reported as such later).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/files/import/row_reader.h"

namespace zizhu::tools {

// True when a file's first bytes are those of a ZIP file (XLSX is a ZIP of
// XML parts).
bool LooksLikeXlsx(absl::string_view first_bytes);

// Rows of the workbook at `path`, read a piece at a time; CsvRow::line is the
// spreadsheet row number. Empty cells are empty strings; blank rows are
// skipped.
absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsxRows(const std::string& path);

// The same for a workbook in memory (tests, fuzzing).
absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& bytes);

}  // namespace zizhu::tools
