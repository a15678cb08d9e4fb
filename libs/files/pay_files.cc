#include "libs/files/pay_files.h"

#include <iconv.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/files/csv_out.h"
#include "libs/files/import/row_reader.h"
#include "services/common/core/money.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu::cli {
namespace {

namespace dv1 = zizhu::disbursement::v1;

absl::StatusOr<std::string> ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return absl::InternalError("iconv cannot convert UTF-8 to GB18030");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t out_left = out.size();
  const size_t rc = iconv(cd, &in, &in_left, &dst, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) return absl::InvalidArgumentError("text cannot be written in GBK");
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

absl::Status WriteBankFile(const std::string& path, const std::string& encoding,
                           const dv1::ExportBankFileResponse& file) {
  const std::vector<std::string> header = {"参考号", "户名", "卡号", "金额(元)", "学校"};
  if (absl::EndsWith(path, ".xlsx")) {
    lxw_workbook* workbook = workbook_new(path.c_str());
    if (workbook == nullptr) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "代发");
    // Amounts are numbers (0.00) that a bank's spreadsheet adds up; card
    // numbers and references stay text (a 19-digit card is no number).
    lxw_format* money = workbook_add_format(workbook);
    format_set_num_format(money, "0.00");
    for (size_t c = 0; c < header.size(); ++c) {
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), header[c].c_str(), nullptr);
    }
    lxw_row_t row = 1;
    for (const dv1::BankFileLine& line : file.lines()) {
      worksheet_write_string(sheet, row, 0, line.reference().c_str(), nullptr);
      worksheet_write_string(sheet, row, 1, line.name().c_str(), nullptr);
      worksheet_write_string(sheet, row, 2, line.bank_card().c_str(), nullptr);
      worksheet_write_number(sheet, row, 3, static_cast<double>(line.fen()) / 100.0, money);
      worksheet_write_string(sheet, row, 4, line.school_code().c_str(), nullptr);
      ++row;
    }
    worksheet_write_string(sheet, row, 0, "合计", nullptr);
    worksheet_write_number(sheet, row, 1, file.lines_size(), nullptr);
    worksheet_write_number(sheet, row, 3, static_cast<double>(file.total_fen()) / 100.0, money);
    if (workbook_close(workbook) != LXW_NO_ERROR)
      return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
    return absl::OkStatus();
  }
  std::string text;
  for (size_t c = 0; c < header.size(); ++c) absl::StrAppend(&text, c ? "," : "", header[c]);
  text += "\r\n";
  for (const dv1::BankFileLine& line : file.lines()) {
    absl::StrAppend(&text, CsvField(line.reference()), ",", CsvField(line.name()), ",", line.bank_card(), ",",
                    Yuan(line.fen()), ",", line.school_code(), "\r\n");
  }
  absl::StrAppend(&text, "合计,", file.lines_size(), ",,", Yuan(file.total_fen()), ",\r\n");
  if (encoding == "gbk" || encoding == "gb18030") {
    ASSIGN_OR_RETURN(text, ToGbk(text));
  } else if (encoding != "utf-8") {
    return absl::InvalidArgumentError(absl::StrCat("--encoding '", encoding, "' is not utf-8 or gbk"));
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  out << text;
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
  return absl::OkStatus();
}

absl::Status ReadReturnFile(const std::string& path, dv1::RecordBankReturnRequest* request) {
  ASSIGN_OR_RETURN(tools::TableFile file, tools::InspectTableFile(path, "auto"));
  request->set_file_sha256(file.sha256);
  ASSIGN_OR_RETURN(auto reader, tools::OpenRows(file));
  tools::CsvRow row;
  bool header = true;
  bool control = false;
  // A line the reader cannot take: the file, line, column and value named
  // (RETURN_LINE_VALUE_INVALID, or RETURN_LINE_AFTER_CONTROL for a line past the total).
  auto bad = [&](const std::string& column, const std::string& value, const std::string& why) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, column.empty() ? "RETURN_LINE_AFTER_CONTROL" : "RETURN_LINE_VALUE_INVALID",
        {{"file", path}, {"line", std::to_string(row.line)}, {"field", column}, {"value", value.substr(0, 60)}},
        absl::StrCat(path, ":", row.line, ": ", column, ": ", why));
  };
  auto cell = [&](size_t i) {
    return i < row.fields.size() ? std::string(absl::StripAsciiWhitespace(row.fields[i])) : std::string();
  };
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    if (header) {
      header = false;
      continue;
    }
    if (control) return bad("", "", "a line after the control line");
    const std::string first = cell(0);
    if (first == "合计" || absl::AsciiStrToUpper(first) == "TOTAL") {
      int count = 0;
      if (!absl::SimpleAtoi(cell(1), &count))
        return bad("count", cell(1), absl::StrCat("'", cell(1), "' is not a number"));
      absl::StatusOr<Fen> sum = Fen::ParseYuan(cell(2));
      if (!sum.ok()) return bad("sum", cell(2), absl::StrCat("'", cell(2), "' is not an amount in yuan"));
      request->set_control_count(count);
      request->set_control_fen(sum->fen());
      control = true;
      continue;
    }
    dv1::ReturnLine* line = request->add_lines();
    line->set_reference(first);
    const std::string result = absl::AsciiStrToLower(cell(1));
    if (result == "成功" || result == "paid" || result == "success") {
      line->set_outcome(dv1::RETURN_OUTCOME_PAID);
    } else if (result == "失败" || result == "failed" || result == "fail") {
      line->set_outcome(dv1::RETURN_OUTCOME_FAILED);
    } else {
      return bad("result", cell(1), absl::StrCat("'", cell(1), "' is not 成功/paid or 失败/failed"));
    }
    absl::StatusOr<Fen> fen = Fen::ParseYuan(cell(2));
    if (!fen.ok()) return bad("amount", cell(2), absl::StrCat("'", cell(2), "' is not an amount in yuan"));
    line->set_fen(fen->fen());
    line->set_reason(cell(3));
  }
  if (!control) {
    return Refusal(absl::StatusCode::kInvalidArgument, "RETURN_NO_CONTROL_LINE", {{"file", path}},
                   absl::StrCat(path, ": no control line (合计, count, sum)"));
  }
  return absl::OkStatus();
}

absl::Status WriteDisclosure(const std::string& path, const std::string& title, std::vector<DisclosureRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const DisclosureRow& a, const DisclosureRow& b) {
    return std::tie(a.school_code, a.student_id) < std::tie(b.school_code, b.student_id);
  });
  // The table as cells: school, number, name, amount; subtotals and the total.
  std::vector<std::vector<std::string>> table = {{"学校", "序号", "姓名", "已发放金额(元)"}};
  int64_t total = 0;
  for (size_t i = 0; i < rows.size();) {
    const std::string school = rows[i].school_code;
    int64_t subtotal = 0;
    int n = 0;
    for (; i < rows.size() && rows[i].school_code == school; ++i) {
      table.push_back({school, std::to_string(++n), rows[i].name_masked, Yuan(rows[i].paid_fen)});
      subtotal += rows[i].paid_fen;
    }
    table.push_back({school, "小计", absl::StrCat(n, "人"), Yuan(subtotal)});
    total += subtotal;
  }
  table.push_back({"合计", "", absl::StrCat(rows.size(), "人"), Yuan(total)});
  return WriteTableFile(path, "公示", title, table);
}

absl::Status WriteTableFile(const std::string& path, const std::string& sheet_name, const std::string& title,
                            const std::vector<std::vector<std::string>>& table) {
  if (absl::EndsWith(path, ".xlsx")) {
    lxw_workbook* workbook = workbook_new(path.c_str());
    if (workbook == nullptr) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, sheet_name.c_str());
    worksheet_write_string(sheet, 0, 0, title.c_str(), nullptr);
    for (size_t r = 0; r < table.size(); ++r) {
      for (size_t c = 0; c < table[r].size(); ++c) {
        worksheet_write_string(sheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), table[r][c].c_str(),
                               nullptr);
      }
    }
    if (workbook_close(workbook) != LXW_NO_ERROR)
      return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
    return absl::OkStatus();
  }
  if (!absl::EndsWith(path, ".csv")) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': the list is written as .csv or .xlsx"));
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  out << "\xEF\xBB\xBF" << CsvField(title) << "\r\n";
  for (const auto& row : table) {
    for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << CsvField(row[c]);
    out << "\r\n";
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
  return absl::OkStatus();
}

}  // namespace zizhu::cli
