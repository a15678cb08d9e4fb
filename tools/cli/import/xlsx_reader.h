// Reads the first worksheet of an XLSX workbook into rows of text (what
// agencies actually send). Shared strings, inline strings and numbers are
// read as their text; numbers keep the text Excel stored (an ID typed as a
// number shows as 1.10105194912310E+17 and is reported as such later).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/cli/import/csv_reader.h"

namespace zizhu::tools {

// True when `bytes` start like a ZIP file (XLSX is a ZIP of XML parts).
bool LooksLikeXlsx(const std::string& bytes);

// Rows in sheet order; CsvRow::line is the spreadsheet row number. Empty
// cells are empty strings; trailing empty rows are dropped.
absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& bytes);

}  // namespace zizhu::tools
