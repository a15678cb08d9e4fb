#include "libs/files/import/csv_reader.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {

void CsvParser::EndField() {
  row_.fields.push_back(std::move(field_));
  field_.clear();
  field_started_ = false;
}

void CsvParser::EndRow(std::deque<CsvRow>* out) {
  EndField();
  bool blank = row_.fields.size() == 1 && row_.fields[0].empty();
  if (!blank) out->push_back(std::move(row_));
  row_ = CsvRow();
  row_.line = line_;
}

void CsvParser::Feed(absl::string_view text, std::deque<CsvRow>* out) {
  for (char c : text) {
    if (quote_pending_) {
      quote_pending_ = false;
      if (c == '"') {  // "" inside quotes
        field_.push_back('"');
        continue;
      }
      in_quotes_ = false;  // the closing quote; `c` is read as outside quotes
    }
    if (in_quotes_) {
      if (c == '"') {
        quote_pending_ = true;
      } else {
        if (c == '\n') ++line_;
        field_.push_back(c);
      }
      continue;
    }
    if (cr_pending_) {
      cr_pending_ = false;
      if (c != '\n') {  // a lone CR is text
        field_.push_back('\r');
        field_started_ = true;
      }
    }
    if (c == '"' && !field_started_) {
      in_quotes_ = true;
      field_started_ = true;
      quote_line_ = line_;
    } else if (c == ',') {
      EndField();
    } else if (c == '\r') {
      cr_pending_ = true;
    } else if (c == '\n') {
      ++line_;
      EndRow(out);
    } else {
      field_.push_back(c);
      field_started_ = true;
    }
  }
}

absl::Status CsvParser::Finish(std::deque<CsvRow>* out) {
  if (quote_pending_) {
    quote_pending_ = false;
    in_quotes_ = false;
  }
  if (in_quotes_)
    return Refusal(absl::StatusCode::kInvalidArgument, "CSV_QUOTE_UNCLOSED", {{"line", std::to_string(quote_line_)}},
                   absl::StrCat("line ", quote_line_, ": quoted field is never closed"));
  if (cr_pending_) {
    cr_pending_ = false;
    field_.push_back('\r');
    field_started_ = true;
  }
  if (field_started_ || !row_.fields.empty()) EndRow(out);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(const std::string& text) {
  CsvParser parser;
  std::deque<CsvRow> rows;
  parser.Feed(text, &rows);
  if (auto done = parser.Finish(&rows); !done.ok()) return done;
  return std::vector<CsvRow>(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += "\"";
    out += c;
  }
  return out + "\"";
}

}  // namespace zizhu::tools
