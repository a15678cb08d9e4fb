// RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or
// LF line ends, comma separator. Input is UTF-8 text.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zizhu::tools {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// An incremental parser: text arrives in pieces of any size (a piece may end
// inside a field, a quote or a CRLF); complete rows come out as soon as their
// line ends. Blank lines are skipped. Memory is one row.
class CsvParser {
 public:
  void Feed(absl::string_view text, std::deque<CsvRow>* out);
  // End of input: the last row (without a final newline) comes out; an
  // unterminated quote is INVALID_ARGUMENT naming the line.
  absl::Status Finish(std::deque<CsvRow>* out);

 private:
  void EndField();
  void EndRow(std::deque<CsvRow>* out);

  CsvRow row_{1, {}};
  std::string field_;
  int line_ = 1;
  int quote_line_ = 0;
  bool in_quotes_ = false;
  bool quote_pending_ = false;  // a '"' inside quotes: an escape or the closing quote
  bool cr_pending_ = false;     // a '\r' outside quotes: a CRLF or a literal CR
  bool field_started_ = false;
};

// Parses a whole document (tests, fuzzing); the importers stream instead.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(const std::string& text);

// Quotes a field for writing when needed.
std::string CsvField(const std::string& value);

}  // namespace zizhu::tools
