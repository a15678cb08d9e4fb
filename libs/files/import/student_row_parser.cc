#include "libs/files/import/student_row_parser.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/rules/field_values.h"
#include "libs/rules/national_id.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {

namespace v1 = registry::v1;
using rules::ParseCategories;
using rules::ParseDate;
using rules::ParseGender;
using rules::ParseGrade;
using rules::ParseStage;
using rules::ParseStatus;
using rules::ParseYesNo;
using rules::Trim;

namespace {

const std::map<std::string, std::vector<std::string>>& DefaultHeaders() {
  static const auto* headers = new std::map<std::string, std::vector<std::string>>{
      {"name", {"姓名", "学生姓名", "name", "student_name"}},
      {"national_id",
       {"公民身份号码", "身份证号", "身份证号码", "身份证件号", "身份证件号码", "学生身份证号", "national_id",
        "id_number"}},
      {"gender", {"性别", "gender", "sex"}},
      {"birth_date", {"出生日期", "出生年月", "出生年月日", "birth_date", "birthday"}},
      {"ethnic_group", {"民族", "ethnic_group", "ethnicity"}},
      {"phone", {"联系电话", "电话", "手机号", "手机号码", "phone"}},
      {"bank_card", {"银行卡号", "一卡通账号", "一卡通", "一卡通卡号", "bank_card"}},
      {"school_code", {"学校标识码", "学校代码", "school_code"}},
      {"stage", {"学段", "stage"}},
      {"grade", {"年级", "grade"}},
      {"class_name", {"班级", "class", "class_name"}},
      {"boarding", {"是否寄宿", "寄宿", "是否寄宿生", "boarding"}},
      {"status", {"学籍状态", "status"}},
      {"household_number", {"户编号", "家庭户编号", "household_number"}},
      {"categories", {"贫困类别", "资助类别", "困难类别", "categories"}},
      {"guardian_name", {"监护人姓名", "监护人", "guardian_name"}},
      {"guardian_relation", {"监护人关系", "与学生关系", "guardian_relation"}},
      {"guardian_phone", {"监护人电话", "监护人联系电话", "guardian_phone"}},
  };
  return *headers;
}

}  // namespace

const std::vector<std::string>& StudentFields() {
  static const auto* fields = [] {
    auto* v = new std::vector<std::string>();
    for (const auto& [field, headers] : DefaultHeaders()) v->push_back(field);
    return v;
  }();
  return *fields;
}

std::string NormalizeHeader(const std::string& header) {
  std::string h = rules::NormalizeNationalId(header);  // full-width -> ASCII, spaces removed
  // Drop bracketed notes: (必填), （元）.
  std::string out;
  int depth = 0;
  for (char c : h) {
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth == 0 && c != '*') out.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(c))));
  }
  // NormalizeNationalId upper-cases 'x'; headers are compared lower-case.
  return out;
}

HeaderMapping::HeaderMapping(const std::map<std::string, std::vector<std::string>>& variants,
                             std::vector<std::string> required)
    : required_(std::move(required)) {
  for (const auto& [field, headers] : variants) {
    fields_.insert(field);
    header_to_field_[NormalizeHeader(field)] = field;
    for (const auto& h : headers) header_to_field_[NormalizeHeader(h)] = field;
  }
}

HeaderMapping HeaderMapping::Default() {
  return HeaderMapping(DefaultHeaders(), {"name", "national_id", "school_code", "stage", "grade"});
}

absl::Status HeaderMapping::AddFromText(const std::string& text) {
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    std::string l = Trim(std::string(line));
    if (l.empty() || l[0] == '#') continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos) {
      return Refusal(absl::StatusCode::kInvalidArgument, "MAPPING_LINE_INVALID",
                     {{"line", std::to_string(line_no)}, {"text", l.substr(0, 80)}},
                     absl::StrCat("mapping line ", line_no, " '", l, "' is not 'field = header'"));
    }
    std::string field = Trim(l.substr(0, eq));
    std::string header = Trim(l.substr(eq + 1));
    if (fields_.count(field) == 0) {
      return Refusal(absl::StatusCode::kInvalidArgument, "MAPPING_FIELD_UNKNOWN",
                     {{"line", std::to_string(line_no)}, {"field", field.substr(0, 40)}},
                     absl::StrCat("mapping line ", line_no, ": unknown field '", field, "'"));
    }
    header_to_field_[NormalizeHeader(header)] = field;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, int>> HeaderMapping::Resolve(const std::vector<std::string>& headers) const {
  std::map<std::string, int> columns;
  for (size_t i = 0; i < headers.size(); ++i) {
    auto it = header_to_field_.find(NormalizeHeader(headers[i]));
    if (it == header_to_field_.end()) continue;
    if (columns.count(it->second)) {
      return Refusal(
          absl::StatusCode::kInvalidArgument, "HEADER_MAPPED_TWICE",
          {{"first", std::to_string(columns[it->second] + 1)},
           {"second", std::to_string(i + 1)},
           {"field", it->second}},
          absl::StrCat("columns ", columns[it->second] + 1, " and ", i + 1, " both map to field '", it->second, "'"));
    }
    columns[it->second] = static_cast<int>(i);
  }
  std::vector<std::string> missing;
  std::vector<std::string> missing_fields;  // each one's first alternative, for the reason
  for (const std::string& required : required_) {
    // "a|b": either column will do.
    bool present = false;
    for (absl::string_view field : absl::StrSplit(required, '|'))
      present = present || columns.count(std::string(field));
    if (!present) {
      missing.push_back(absl::StrReplaceAll(required, {{"|", " or "}}));
      missing_fields.push_back(required.substr(0, required.find('|')));
    }
  }
  if (!missing.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "HEADER_COLUMNS_MISSING",
                   {{"fields", absl::StrJoin(missing_fields, ",")}},
                   absl::StrCat("header row lacks required column(s): ", absl::StrJoin(missing, ", "),
                                " (add them or give a mapping file)"));
  }
  return columns;
}

absl::StatusOr<v1::RegisterStudentRequest> ParseStudentRow(const std::vector<std::string>& fields,
                                                           const std::map<std::string, int>& columns, RowError* error) {
  auto get = [&](const char* field) -> std::string {
    auto it = columns.find(field);
    if (it == columns.end() || it->second >= static_cast<int>(fields.size())) return "";
    return Trim(fields[it->second]);
  };
  auto fail = [&](const char* column, const absl::Status& status) {
    error->column = column;
    error->reason = std::string(status.message());
    if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status)) {
      error->code = *info;
    } else {
      error->code = ReasonInfo("ROW_VALUE_INVALID", {{"field", column}, {"value", get(column).substr(0, 60)}});
    }
    return status;
  };
  v1::RegisterStudentRequest r;
  r.set_name(get("name"));
  std::string id = get("national_id");
  if (id.find_first_of("Ee") != std::string::npos && id.find('+') != std::string::npos) {
    return fail("national_id",
                absl::InvalidArgumentError(absl::StrCat(
                    "'", id, "' was turned into a number by Excel and lost digits; export the column as text")));
  }
  r.set_national_id(rules::NormalizeNationalId(id));
  if (auto g = ParseGender(get("gender")); g.ok()) {
    r.set_gender(*g);
  } else {
    return fail("gender", g.status());
  }
  if (std::string text = get("birth_date"); !text.empty()) {
    auto d = ParseDate(text);
    if (!d.ok()) return fail("birth_date", d.status());
    *r.mutable_birth_date() = *d;
  }
  r.set_ethnic_group(get("ethnic_group"));
  r.set_phone(get("phone"));
  r.set_bank_card(rules::NormalizeNationalId(get("bank_card")));
  r.set_school_code(rules::NormalizeNationalId(get("school_code")));
  auto stage = ParseStage(get("stage"));
  if (!stage.ok()) return fail("stage", stage.status());
  r.set_stage(*stage);
  auto grade = ParseGrade(get("grade"));
  if (!grade.ok()) return fail("grade", grade.status());
  r.set_grade(*grade);
  r.set_class_name(get("class_name"));
  auto boarding = ParseYesNo(get("boarding"));
  if (!boarding.ok()) return fail("boarding", boarding.status());
  r.set_boarding(*boarding);
  auto status = ParseStatus(get("status"));
  if (!status.ok()) return fail("status", status.status());
  r.set_status(*status);
  r.set_household_number(get("household_number"));
  auto categories = ParseCategories(get("categories"));
  if (!categories.ok()) return fail("categories", categories.status());
  for (auto c : *categories) r.add_categories(c);
  r.mutable_guardian()->set_name(get("guardian_name"));
  r.mutable_guardian()->set_relation(get("guardian_relation"));
  r.mutable_guardian()->set_phone(get("guardian_phone"));
  return r;
}

}  // namespace zizhu::tools
