// Aligned text tables for a terminal: columns are padded by display width
// (a Chinese character takes two columns, a combining mark none), so tables
// of names stay aligned. Every table starts with a header row.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace zizhu::cli {

// Columns `text` (UTF-8) occupies on a terminal.
int DisplayWidth(const std::string& text);
// `text` followed by spaces up to `width` display columns (never cut).
std::string PadToWidth(const std::string& text, int width);

// Rows are written as they come (streamed lists page after page) with fixed
// column widths; a cell wider than its column pushes only its own row.
class TableWriter {
 public:
  struct Column {
    std::string header;
    int width;
  };
  TableWriter(std::ostream& out, std::vector<Column> columns) : out_(out), columns_(std::move(columns)) {}
  void Row(const std::vector<std::string>& cells);

 private:
  void Line(const std::vector<std::string>& cells);
  std::ostream& out_;
  std::vector<Column> columns_;
  bool header_written_ = false;
};

}  // namespace zizhu::cli
