// RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or
// LF line ends, comma separator. Input is UTF-8 text.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zizhu::tools {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// Parses a whole document. Blank lines are skipped. An unterminated quote is
// INVALID_ARGUMENT naming the line.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(const std::string& text);

// Quotes a field for writing when needed.
std::string CsvField(const std::string& value);

}  // namespace zizhu::tools
