#include "tools/cli/aid_files.h"

#include <xlsxwriter.h>

#include <fstream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/files/csv_out.h"
#include "libs/files/import/row_reader.h"
#include "libs/rules/field_values.h"
#include "services/common/core/status_macros.h"
#include "tools/cli/subsidy_stub.h"

namespace zizhu::cli {
namespace {

namespace sv1 = zizhu::subsidy::v1;

// Header cell -> canonical column, for the names in `names`.
absl::StatusOr<std::map<std::string, int>> MapHeader(const tools::TableFile& file,
                                                     const std::map<std::string, std::string>& names,
                                                     const std::vector<std::string>& required) {
  std::map<std::string, int> columns;
  for (size_t i = 0; i < file.header.size(); ++i) {
    const std::string cell(absl::StripAsciiWhitespace(file.header[i]));
    auto it = names.find(absl::AsciiStrToLower(cell));
    if (it == names.end()) it = names.find(cell);
    if (it != names.end()) columns[it->second] = static_cast<int>(i);
  }
  for (const std::string& column : required) {
    if (!columns.count(column)) {
      return absl::InvalidArgumentError(absl::StrCat(file.path, ": no '", column, "' column in the header"));
    }
  }
  return columns;
}

std::string Cell(const tools::CsvRow& row, const std::map<std::string, int>& columns, const std::string& name) {
  auto it = columns.find(name);
  if (it == columns.end() || it->second >= static_cast<int>(row.fields.size())) return "";
  return std::string(absl::StripAsciiWhitespace(row.fields[it->second]));
}

absl::Status Bad(const std::string& path, int line, const std::string& column, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", column, ": ", why));
}

template <typename Input>
absl::StatusOr<std::vector<FileRow<Input>>> ReadRows(
    const std::string& path, const std::map<std::string, std::string>& names, const std::vector<std::string>& required,
    const std::function<absl::Status(const tools::CsvRow&, const std::map<std::string, int>&, Input&)>& parse) {
  ASSIGN_OR_RETURN(tools::TableFile file, tools::InspectTableFile(path, "auto"));
  ASSIGN_OR_RETURN(auto columns, MapHeader(file, names, required));
  ASSIGN_OR_RETURN(auto reader, tools::OpenRows(file));
  std::vector<FileRow<Input>> rows;
  tools::CsvRow row;
  bool header = true;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    if (header) {
      header = false;
      continue;
    }
    FileRow<Input> parsed;
    parsed.line = row.line;
    RETURN_IF_ERROR(parse(row, columns, parsed.input));
    rows.push_back(std::move(parsed));
  }
  if (rows.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no data rows"));
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<FileRow<sv1::ApplicationInput>>> ReadApplicationsFile(const std::string& path) {
  const std::map<std::string, std::string> names = {
      {"student_id", "student_id"},   {"学生编号", "student_id"},           {"stamped_by", "stamped_by"},
      {"盖章单位", "stamped_by"},     {"stamped_on", "stamped_on"},         {"盖章日期", "stamped_on"},
      {"scan_ref", "scan_ref"},       {"扫描件编号", "scan_ref"},           {"mid_semester", "mid_semester"},
      {"学期中变更", "mid_semester"}, {"effective_date", "effective_date"}, {"生效日期", "effective_date"}};
  return ReadRows<sv1::ApplicationInput>(
      path, names, {"student_id", "stamped_by", "stamped_on", "scan_ref"},
      [&path](const tools::CsvRow& row, const std::map<std::string, int>& columns, sv1::ApplicationInput& input) {
        input.set_student_id(Cell(row, columns, "student_id"));
        if (input.student_id().empty()) return Bad(path, row.line, "student_id", "is empty");
        input.mutable_attestation()->set_stamped_by(Cell(row, columns, "stamped_by"));
        input.mutable_attestation()->set_scan_ref(Cell(row, columns, "scan_ref"));
        const std::string stamped = Cell(row, columns, "stamped_on");
        absl::StatusOr<registry::v1::Date> date = rules::ParseDate(stamped);
        if (!date.ok()) return Bad(path, row.line, "stamped_on", absl::StrCat("'", stamped, "' is not a date"));
        *input.mutable_attestation()->mutable_stamped_on() = *date;
        const std::string mid = absl::AsciiStrToLower(Cell(row, columns, "mid_semester"));
        if (mid.empty()) return absl::OkStatus();
        if (mid == "transfer_in" || mid == "转入") {
          input.set_mid_semester_reason(sv1::MID_SEMESTER_REASON_TRANSFER_IN);
        } else if (mid == "changed" || mid == "情况变化") {
          input.set_mid_semester_reason(sv1::MID_SEMESTER_REASON_CIRCUMSTANCES_CHANGED);
        } else {
          return Bad(path, row.line, "mid_semester", absl::StrCat("'", mid, "' is not transfer_in or changed"));
        }
        const std::string effective = Cell(row, columns, "effective_date");
        absl::StatusOr<registry::v1::Date> from = rules::ParseDate(effective);
        if (!from.ok()) return Bad(path, row.line, "effective_date", absl::StrCat("'", effective, "' is not a date"));
        *input.mutable_effective_date() = *from;
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<FileRow<sv1::ReviewInput>>> ReadReviewsFile(const std::string& path) {
  const std::map<std::string, std::string> names = {
      {"student_id", "student_id"}, {"学生编号", "student_id"}, {"decision", "decision"},
      {"评审结果", "decision"},     {"tier", "tier"},           {"档次", "tier"},
      {"reason", "reason"},         {"理由", "reason"}};
  return ReadRows<sv1::ReviewInput>(
      path, names, {"student_id", "decision"},
      [&path](const tools::CsvRow& row, const std::map<std::string, int>& columns, sv1::ReviewInput& input) {
        input.set_student_id(Cell(row, columns, "student_id"));
        if (input.student_id().empty()) return Bad(path, row.line, "student_id", "is empty");
        const std::string decision = absl::AsciiStrToLower(Cell(row, columns, "decision"));
        if (decision == "accept" || decision == "accepted" || decision == "通过") {
          input.set_decision(sv1::REVIEW_DECISION_ACCEPTED);
          const std::string tier = Cell(row, columns, "tier");
          int value = 1;
          if (!tier.empty() && !absl::SimpleAtoi(tier, &value)) {
            return Bad(path, row.line, "tier", absl::StrCat("'", tier, "' is not a number"));
          }
          input.set_tier(value);
        } else if (decision == "reject" || decision == "rejected" || decision == "不通过") {
          input.set_decision(sv1::REVIEW_DECISION_REJECTED);
        } else {
          return Bad(path, row.line, "decision", absl::StrCat("'", decision, "' is not accept/通过 or reject/不通过"));
        }
        input.set_reason(Cell(row, columns, "reason"));
        return absl::OkStatus();
      });
}

namespace {

std::string ClassName(sv1::AidClass aid_class) {
  return aid_class == sv1::AID_CLASS_REGISTERED_POOR ? "建档立卡" : "家庭经济困难";
}

}  // namespace

absl::Status WriteNoticeList(const std::string& path, const sv1::RoundRecord& round,
                             const std::vector<sv1::NoticeEntry>& entries) {
  const std::vector<std::string> header = {"序号", "姓名",     "身份证号", "年级",
                                           "班级", "资助类别", "档次",     "本学期金额(元)"};
  const std::string title = absl::StrCat(round.school_name(), " ", round.semester(), " 学生资助公示名单");
  if (absl::EndsWith(path, ".csv")) {
    std::ofstream out(path, std::ios::binary);
    if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
    out << "\xEF\xBB\xBF" << CsvField(title) << "\n";
    for (size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << header[i];
    out << "\n";
    int n = 0;
    for (const sv1::NoticeEntry& e : entries) {
      out << ++n << "," << CsvField(e.name_masked()) << "," << e.national_id_masked() << "," << e.grade() << ","
          << CsvField(e.class_name()) << "," << ClassName(e.aid_class()) << "," << e.tier() << ","
          << Yuan(e.semester_amount_fen()) << "\n";
    }
    out.close();
    if (!out) return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
    return absl::OkStatus();
  }
  if (!absl::EndsWith(path, ".xlsx")) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': the notice list is written as .csv or .xlsx"));
  }
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "公示名单");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  worksheet_write_string(sheet, 0, 0, title.c_str(), bold);
  for (size_t c = 0; c < header.size(); ++c) {
    worksheet_write_string(sheet, 1, static_cast<lxw_col_t>(c), header[c].c_str(), bold);
  }
  lxw_row_t row = 2;
  for (const sv1::NoticeEntry& e : entries) {
    worksheet_write_number(sheet, row, 0, row - 1, nullptr);
    worksheet_write_string(sheet, row, 1, e.name_masked().c_str(), nullptr);
    worksheet_write_string(sheet, row, 2, e.national_id_masked().c_str(), nullptr);
    worksheet_write_number(sheet, row, 3, e.grade(), nullptr);
    worksheet_write_string(sheet, row, 4, e.class_name().c_str(), nullptr);
    worksheet_write_string(sheet, row, 5, ClassName(e.aid_class()).c_str(), nullptr);
    worksheet_write_number(sheet, row, 6, e.tier(), nullptr);
    worksheet_write_string(sheet, row, 7, Yuan(e.semester_amount_fen()).c_str(), nullptr);
    ++row;
  }
  if (workbook_close(workbook) != LXW_NO_ERROR) {
    return absl::DataLossError(absl::StrCat("writing '", path, "' failed"));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::cli
