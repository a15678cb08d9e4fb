// A report as data: tables of typed cells, written out as XLSX, CSV and JSON
// by report_writers. Headings are already in the report's language; each
// column also has a stable key (English, snake_case) for the console.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zizhu::report {

enum class Language { kChinese, kEnglish };

enum class CellKind {
  kText,
  kCount,        // an integer
  kFen,          // money in fen: written as yuan with two decimals (JSON: integer fen)
  kBasisPoints,  // a rate: written as a percent (JSON: integer basis points)
};

struct Cell {
  CellKind kind = CellKind::kText;
  std::string text;
  int64_t number = 0;
  static Cell Text(std::string t) { return Cell{CellKind::kText, std::move(t), 0}; }
  static Cell Count(int64_t n) { return Cell{CellKind::kCount, "", n}; }
  static Cell Fen(int64_t fen) { return Cell{CellKind::kFen, "", fen}; }
  static Cell Rate(int64_t bp) { return Cell{CellKind::kBasisPoints, "", bp}; }
  bool operator==(const Cell& o) const { return kind == o.kind && text == o.text && number == o.number; }
};

struct Column {
  std::string key;      // "students", "paid_fen" ...
  std::string heading;  // in the report's language
  CellKind kind = CellKind::kText;
};

// A native chart of some columns over rows [0, rows) (the rows before any
// total line), categories from `category_column`.
struct Chart {
  enum class Type { kColumn, kBar };
  Type type = Type::kColumn;
  std::string title;
  int category_column = 0;
  std::vector<int> value_columns;
  int rows = 0;
};

struct Table {
  std::string name;  // file and sheet key: "aided", "amounts" ...
  std::string title;
  std::string note;  // one line under the title ("" when none)
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::optional<Chart> chart;
};

struct Report {
  std::string file_stem;  // "quarterly-2026-Q4-county-210102"
  Language language = Language::kChinese;
  std::vector<Table> tables;  // "about" first
};

// Cell text as CSV writes it: "1234.50" for fen, "12.34%" for rates.
std::string CellText(const Cell& cell);

}  // namespace zizhu::report
