#include "tools/report/report_writers.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/common/core/basis_points.h"
#include "services/common/core/money.h"
#include "services/common/crypto/sha256.h"

namespace zizhu::report {
namespace {

constexpr int kTitleRow = 0;
constexpr int kNoteRow = 1;
constexpr int kHeaderRow = 3;
constexpr int kFirstDataRow = 4;

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

const char* KindName(CellKind kind) {
  switch (kind) {
    case CellKind::kText:
      return "text";
    case CellKind::kCount:
      return "count";
    case CellKind::kFen:
      return "fen";
    case CellKind::kBasisPoints:
      return "basis_points";
  }
  return "?";
}

// "A1"-style column letters for chart ranges are not needed: the chart API
// takes row and column numbers.
class Workbook {
 public:
  Workbook(const std::string& path, absl::Time created) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_FALSE;
    book_ = workbook_new_opt(path.c_str(), &options);
    if (book_ == nullptr) return;
    lxw_doc_properties properties = {};
    properties.title = const_cast<char*>("zizhu report");
    properties.author = const_cast<char*>("zizhu");
    properties.created = absl::ToTimeT(created);
    workbook_set_properties(book_, &properties);
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    format_set_text_wrap(header_);
    yuan_ = workbook_add_format(book_);
    format_set_num_format(yuan_, "#,##0.00");
    percent_ = workbook_add_format(book_);
    format_set_num_format(percent_, "0.00%");
  }
  ~Workbook() {
    if (book_ != nullptr && !closed_) workbook_close(book_);
  }
  bool ok() const { return book_ != nullptr; }

  void AddTable(const Table& t, Language language) {
    const std::string sheet_name = SheetName(t, language);
    lxw_worksheet* sheet = workbook_add_worksheet(book_, sheet_name.c_str());
    worksheet_write_string(sheet, kTitleRow, 0, t.title.c_str(), bold_);
    if (!t.note.empty()) worksheet_write_string(sheet, kNoteRow, 0, t.note.c_str(), nullptr);
    for (size_t c = 0; c < t.columns.size(); ++c) {
      worksheet_write_string(sheet, kHeaderRow, c, t.columns[c].heading.c_str(), header_);
      const bool text = t.columns[c].kind == CellKind::kText;
      worksheet_set_column(sheet, c, c, text ? (c == 0 ? 28 : 20) : 14, nullptr);
    }
    worksheet_freeze_panes(sheet, kFirstDataRow, 0);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const lxw_row_t row = kFirstDataRow + r;
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const Cell& cell = t.rows[r][c];
        switch (cell.kind) {
          case CellKind::kText:
            if (!cell.text.empty()) worksheet_write_string(sheet, row, c, cell.text.c_str(), nullptr);
            break;
          case CellKind::kCount:
            worksheet_write_number(sheet, row, c, static_cast<double>(cell.number), nullptr);
            break;
          case CellKind::kFen:  // displayed in yuan; the exact fen are in the CSV and JSON
            worksheet_write_number(sheet, row, c, static_cast<double>(cell.number) / 100.0, yuan_);
            break;
          case CellKind::kBasisPoints:
            worksheet_write_number(sheet, row, c, static_cast<double>(cell.number) / 10000.0, percent_);
            break;
        }
      }
    }
    if (t.chart && t.chart->rows > 0) AddChart(sheet, sheet_name, t);
  }

  absl::Status Close(const std::string& path) {
    closed_ = true;
    const lxw_error error = workbook_close(book_);
    if (error != LXW_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat("writing ", path, ": ", lxw_strerror(error)));
    }
    return absl::OkStatus();
  }

 private:
  void AddChart(lxw_worksheet* sheet, const std::string& sheet_name, const Table& t) {
    const Chart& spec = *t.chart;
    lxw_chart* chart = workbook_add_chart(book_, spec.type == Chart::Type::kBar ? LXW_CHART_BAR : LXW_CHART_COLUMN);
    chart_title_set_name(chart, spec.title.c_str());
    const lxw_row_t first = kFirstDataRow;
    const lxw_row_t last = kFirstDataRow + spec.rows - 1;
    bool rates = false;
    for (int column : spec.value_columns) {
      lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(series, sheet_name.c_str(), first, spec.category_column, last, spec.category_column);
      chart_series_set_values(series, sheet_name.c_str(), first, column, last, column);
      chart_series_set_name_range(series, sheet_name.c_str(), kHeaderRow, column);
      rates = rates || t.columns[column].kind == CellKind::kBasisPoints;
    }
    chart_axis_set_num_format(chart->y_axis, rates ? "0.00%" : "#,##0");
    lxw_chart_options options = {};
    options.x_scale = 1.6;
    options.y_scale = 1.4;
    worksheet_insert_chart_opt(sheet, kHeaderRow, t.columns.size() + 1, chart, &options);
  }

  lxw_workbook* book_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* yuan_ = nullptr;
  lxw_format* percent_ = nullptr;
  bool closed_ = false;
};

}  // namespace

std::string CellText(const Cell& cell) {
  switch (cell.kind) {
    case CellKind::kText:
      return cell.text;
    case CellKind::kCount:
      return absl::StrCat(cell.number);
    case CellKind::kFen:
      return Fen::FromFen(cell.number).ToYuanString();
    case CellKind::kBasisPoints: {
      std::string text = FormatBasisPoints(cell.number);
      text.erase(text.find(' '), 1);  // "12.34%"
      return text;
    }
  }
  return "";
}

std::string SheetName(const Table& t, Language language) {
  static const std::map<std::string, std::string> kChinese = {{"about", "报告说明"},
                                                              {"aided", "受助学生"},
                                                              {"amounts_by_county", "资金汇总"},
                                                              {"amounts", "资金明细"},
                                                              {"without_aid", "未受助建档立卡学生"},
                                                              {"underpaid", "少于应得金额"},
                                                              {"refused", "未通过申请"},
                                                              {"performance", "绩效评价"},
                                                              {"dropout", "控辍保学"},
                                                              {"disabled", "残疾儿童入学"},
                                                              {"pairing", "结对帮扶"},
                                                              {"plans", "帮扶计划"},
                                                              {"rotation", "教师轮岗"},
                                                              {"revisions", "修订"}};
  if (language == Language::kChinese) {
    auto it = kChinese.find(t.name);
    if (it != kChinese.end()) return it->second;
  }
  return t.name.substr(0, 31);
}

absl::Status WriteXlsx(const Report& report, const std::string& path, absl::Time created) {
  const std::string temporary = path + ".part";
  {
    Workbook book(temporary, created);
    if (!book.ok()) return absl::UnavailableError(absl::StrCat("cannot create ", temporary));
    for (const Table& t : report.tables) book.AddTable(t, report.language);
    absl::Status closed = book.Close(temporary);
    if (!closed.ok()) return closed;
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return absl::UnavailableError(absl::StrCat("renaming ", temporary, " to ", path, ": ", error.message()));
  return absl::OkStatus();
}

std::string CsvOf(const Table& t) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: Excel then reads the Chinese headings
  std::vector<std::string> fields;
  for (const Column& c : t.columns) fields.push_back(CsvField(c.heading));
  absl::StrAppend(&out, absl::StrJoin(fields, ","), "\r\n");
  for (const auto& row : t.rows) {
    fields.clear();
    for (const Cell& cell : row) fields.push_back(CsvField(CellText(cell)));
    absl::StrAppend(&out, absl::StrJoin(fields, ","), "\r\n");
  }
  return out;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".part";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", temporary));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return absl::UnavailableError(absl::StrCat("renaming ", temporary, " to ", path, ": ", error.message()));
  return absl::OkStatus();
}

absl::Status WriteCsvs(const Report& report, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  for (const Table& t : report.tables) {
    absl::Status written = WriteFileAtomically(absl::StrCat(dir, "/", t.name, ".csv"), CsvOf(t));
    if (!written.ok()) return written;
  }
  return absl::OkStatus();
}

std::string JsonOf(const Report& report, bool figures_only) {
  std::string out =
      absl::StrCat("{\"report\":", JsonString(report.file_stem),
                   ",\"language\":", report.language == Language::kChinese ? "\"zh\"" : "\"en\"", ",\"tables\":[");
  bool first_table = true;
  for (const Table& t : report.tables) {
    if (figures_only && (t.name == "about" || t.name == "revisions")) continue;
    if (!first_table) out += ",";
    first_table = false;
    absl::StrAppend(&out, "\n{\"name\":", JsonString(t.name), ",\"title\":", JsonString(t.title),
                    ",\"note\":", JsonString(t.note), ",\"columns\":[");
    for (size_t c = 0; c < t.columns.size(); ++c) {
      absl::StrAppend(&out, c ? "," : "", "{\"key\":", JsonString(t.columns[c].key),
                      ",\"heading\":", JsonString(t.columns[c].heading), ",\"kind\":\"", KindName(t.columns[c].kind),
                      "\"}");
    }
    out += "],\"rows\":[";
    for (size_t r = 0; r < t.rows.size(); ++r) {
      out += r ? ",\n[" : "\n[";
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const Cell& cell = t.rows[r][c];
        if (c) out += ",";
        out += cell.kind == CellKind::kText ? JsonString(cell.text) : absl::StrCat(cell.number);
      }
      out += "]";
    }
    out += "]}";
  }
  return out + "]}\n";
}

std::string FiguresSha256(const Report& report) { return Sha256Hex(JsonOf(report, true)); }

}  // namespace zizhu::report
