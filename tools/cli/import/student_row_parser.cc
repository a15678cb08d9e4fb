#include "tools/cli/import/student_row_parser.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/registry/domain/national_id.h"

namespace zizhu::tools {

namespace v1 = registry::v1;

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

std::string Trim(const std::string& s) {
  std::string out(absl::StripAsciiWhitespace(s));
  // Also strip the ideographic space U+3000 at either end.
  const std::string ideo = "\xE3\x80\x80";
  while (out.size() >= 3 && out.compare(0, 3, ideo) == 0) out.erase(0, 3);
  while (out.size() >= 3 && out.compare(out.size() - 3, 3, ideo) == 0) out.erase(out.size() - 3);
  return std::string(absl::StripAsciiWhitespace(out));
}

int ChineseDigit(const std::string& s) {
  static const std::map<std::string, int> digits = {{"一", 1}, {"二", 2}, {"三", 3}, {"四", 4}, {"五", 5},
                                                    {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}};
  auto it = digits.find(s);
  return it == digits.end() ? 0 : it->second;
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
  std::string h = registry::NormalizeNationalId(header);  // full-width -> ASCII, spaces removed
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

HeaderMapping HeaderMapping::Default() {
  HeaderMapping m;
  for (const auto& [field, headers] : DefaultHeaders()) {
    for (const auto& h : headers) m.header_to_field_[NormalizeHeader(h)] = field;
  }
  return m;
}

absl::Status HeaderMapping::AddFromText(const std::string& text) {
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    std::string l = Trim(std::string(line));
    if (l.empty() || l[0] == '#') continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("mapping line ", line_no, " '", l, "' is not 'field = header'"));
    }
    std::string field = Trim(l.substr(0, eq));
    std::string header = Trim(l.substr(eq + 1));
    if (DefaultHeaders().count(field) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("mapping line ", line_no, ": unknown field '", field, "'"));
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
      return absl::InvalidArgumentError(
          absl::StrCat("columns ", columns[it->second] + 1, " and ", i + 1, " both map to field '", it->second, "'"));
    }
    columns[it->second] = static_cast<int>(i);
  }
  std::vector<std::string> missing;
  for (const char* required : {"name", "national_id", "school_code", "stage", "grade"}) {
    if (!columns.count(required)) missing.push_back(required);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "header row lacks required column(s): ", absl::StrJoin(missing, ", "), " (add them or give a mapping file)"));
  }
  return columns;
}

absl::StatusOr<v1::Date> ParseDate(const std::string& raw) {
  std::string text = registry::NormalizeNationalId(raw);  // full-width digits, spaces
  std::vector<int> parts;
  std::string digits;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : '\0';
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (!digits.empty()) {
      int v = 0;
      absl::SimpleAtoi(digits, &v);
      parts.push_back(v);
      digits.clear();
    }
  }
  v1::Date date;
  if (parts.size() == 1 && text.size() == 8) {  // 20100307
    date.set_year(parts[0] / 10000);
    date.set_month(parts[0] / 100 % 100);
    date.set_day(parts[0] % 100);
  } else if (parts.size() == 3) {  // 2010-03-07, 2010/3/7, 2010.03.07, 2010年3月7日
    date.set_year(parts[0]);
    date.set_month(parts[1]);
    date.set_day(parts[2]);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a date (use 2010-03-07)"));
  }
  if (date.year() < 1900 || !registry::IsValidDate(date)) {
    return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a valid date"));
  }
  return date;
}

absl::StatusOr<v1::EducationStage> ParseStage(const std::string& raw) {
  static const std::map<std::string, v1::EducationStage> stages = {
      {"学前", v1::EDUCATION_STAGE_PRESCHOOL},
      {"学前教育", v1::EDUCATION_STAGE_PRESCHOOL},
      {"幼儿园", v1::EDUCATION_STAGE_PRESCHOOL},
      {"preschool", v1::EDUCATION_STAGE_PRESCHOOL},
      {"小学", v1::EDUCATION_STAGE_PRIMARY},
      {"primary", v1::EDUCATION_STAGE_PRIMARY},
      {"初中", v1::EDUCATION_STAGE_JUNIOR_MIDDLE},
      {"初级中学", v1::EDUCATION_STAGE_JUNIOR_MIDDLE},
      {"junior", v1::EDUCATION_STAGE_JUNIOR_MIDDLE},
      {"junior_middle", v1::EDUCATION_STAGE_JUNIOR_MIDDLE},
      {"高中", v1::EDUCATION_STAGE_SENIOR_HIGH},
      {"普通高中", v1::EDUCATION_STAGE_SENIOR_HIGH},
      {"senior", v1::EDUCATION_STAGE_SENIOR_HIGH},
      {"senior_high", v1::EDUCATION_STAGE_SENIOR_HIGH},
      {"中职", v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL},
      {"中等职业教育", v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL},
      {"vocational", v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL},
      {"secondary_vocational", v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL},
      {"大学", v1::EDUCATION_STAGE_UNIVERSITY},
      {"高等教育", v1::EDUCATION_STAGE_UNIVERSITY},
      {"university", v1::EDUCATION_STAGE_UNIVERSITY},
  };
  auto it = stages.find(absl::AsciiStrToLower(Trim(raw)));
  if (it == stages.end()) return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a known stage"));
  return it->second;
}

absl::StatusOr<int> ParseGrade(const std::string& raw) {
  std::string text = registry::NormalizeNationalId(raw);
  int grade = 0;
  if (absl::SimpleAtoi(text, &grade)) return grade;
  // 三年级, 初二, 高一, 一年级
  for (const char* prefix : {"初", "高", "大"}) {
    if (text.rfind(prefix, 0) == 0) text = text.substr(std::string(prefix).size());
  }
  const std::string suffix = "年级";
  if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) {
    text = text.substr(0, text.size() - suffix.size());
  }
  if (absl::SimpleAtoi(text, &grade)) return grade;
  grade = ChineseDigit(text);
  if (grade > 0) return grade;
  return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a grade (use 1-9 or 三年级)"));
}

absl::StatusOr<bool> ParseYesNo(const std::string& raw) {
  std::string t = absl::AsciiStrToLower(Trim(raw));
  if (t.empty() || t == "否" || t == "n" || t == "no" || t == "0" || t == "false" || t == "走读") return false;
  if (t == "是" || t == "y" || t == "yes" || t == "1" || t == "true" || t == "寄宿") return true;
  return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not yes/no (是/否)"));
}

absl::StatusOr<v1::EnrolmentStatus> ParseStatus(const std::string& raw) {
  static const std::map<std::string, v1::EnrolmentStatus> statuses = {
      {"", v1::ENROLMENT_STATUS_ENROLLED},        {"在籍", v1::ENROLMENT_STATUS_ENROLLED},
      {"在校", v1::ENROLMENT_STATUS_ENROLLED},    {"enrolled", v1::ENROLMENT_STATUS_ENROLLED},
      {"转出", v1::ENROLMENT_STATUS_TRANSFERRED}, {"transferred", v1::ENROLMENT_STATUS_TRANSFERRED},
      {"休学", v1::ENROLMENT_STATUS_SUSPENDED},   {"suspended", v1::ENROLMENT_STATUS_SUSPENDED},
      {"辍学", v1::ENROLMENT_STATUS_DROPPED_OUT}, {"dropped_out", v1::ENROLMENT_STATUS_DROPPED_OUT},
      {"毕业", v1::ENROLMENT_STATUS_GRADUATED},   {"graduated", v1::ENROLMENT_STATUS_GRADUATED},
  };
  auto it = statuses.find(absl::AsciiStrToLower(Trim(raw)));
  if (it == statuses.end())
    return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a known enrolment status"));
  return it->second;
}

absl::StatusOr<v1::Gender> ParseGender(const std::string& raw) {
  std::string t = absl::AsciiStrToLower(Trim(raw));
  if (t.empty()) return v1::GENDER_UNSPECIFIED;
  if (t == "男" || t == "m" || t == "male" || t == "1") return v1::GENDER_MALE;
  if (t == "女" || t == "f" || t == "female" || t == "2") return v1::GENDER_FEMALE;
  return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a gender (男/女)"));
}

absl::StatusOr<std::vector<v1::PovertyCategory>> ParseCategories(const std::string& raw) {
  static const std::map<std::string, v1::PovertyCategory> categories = {
      {"建档立卡", v1::POVERTY_CATEGORY_REGISTERED_POOR},
      {"建档立卡贫困户", v1::POVERTY_CATEGORY_REGISTERED_POOR},
      {"registered_poor", v1::POVERTY_CATEGORY_REGISTERED_POOR},
      {"低保", v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE},
      {"subsistence_allowance", v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE},
      {"特困", v1::POVERTY_CATEGORY_EXTREME_POVERTY},
      {"特困供养", v1::POVERTY_CATEGORY_EXTREME_POVERTY},
      {"extreme_poverty", v1::POVERTY_CATEGORY_EXTREME_POVERTY},
      {"孤儿", v1::POVERTY_CATEGORY_ORPHAN},
      {"orphan", v1::POVERTY_CATEGORY_ORPHAN},
      {"残疾", v1::POVERTY_CATEGORY_DISABLED},
      {"disabled", v1::POVERTY_CATEGORY_DISABLED},
      {"留守", v1::POVERTY_CATEGORY_LEFT_BEHIND},
      {"留守儿童", v1::POVERTY_CATEGORY_LEFT_BEHIND},
      {"left_behind", v1::POVERTY_CATEGORY_LEFT_BEHIND},
  };
  std::vector<v1::PovertyCategory> out;
  // Separators: 、 ， , ; ； / and spaces.
  std::string text = raw;
  for (const char* sep : {"、", "，", "；", ";", "/", " "}) {
    size_t pos;
    while ((pos = text.find(sep)) != std::string::npos) text.replace(pos, std::string(sep).size(), ",");
  }
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    auto it = categories.find(absl::AsciiStrToLower(Trim(std::string(part))));
    if (it == categories.end()) {
      return absl::InvalidArgumentError(absl::StrCat("'", part, "' is not a known poverty category"));
    }
    out.push_back(it->second);
  }
  return out;
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
  r.set_national_id(registry::NormalizeNationalId(id));
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
  r.set_bank_card(registry::NormalizeNationalId(get("bank_card")));
  r.set_school_code(registry::NormalizeNationalId(get("school_code")));
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
