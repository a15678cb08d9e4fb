#include "libs/rules/field_values.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"

namespace zizhu::rules {
namespace {

int ChineseDigit(const std::string& s) {
  static const std::map<std::string, int> digits = {{"一", 1}, {"二", 2}, {"三", 3}, {"四", 4}, {"五", 5},
                                                    {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}};
  auto it = digits.find(s);
  return it == digits.end() ? 0 : it->second;
}

}  // namespace

std::string Trim(const std::string& s) {
  std::string out(absl::StripAsciiWhitespace(s));
  // Also strip the ideographic space U+3000 at either end.
  const std::string ideo = "\xE3\x80\x80";
  while (out.size() >= 3 && out.compare(0, 3, ideo) == 0) out.erase(0, 3);
  while (out.size() >= 3 && out.compare(out.size() - 3, 3, ideo) == 0) out.erase(out.size() - 3);
  return std::string(absl::StripAsciiWhitespace(out));
}

absl::StatusOr<v1::Date> ParseDate(const std::string& raw) {
  std::string text = NormalizeNationalId(raw);  // full-width digits, spaces
  std::vector<int> parts;
  std::string digits;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : '\0';
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (!digits.empty()) {
      int v = 0;
      if (digits.size() > 8 || !absl::SimpleAtoi(digits, &v)) {
        return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a date (use 2010-03-07)"));
      }
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
  if (date.year() < 1900 || !IsValidDate(date)) {
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
  std::string text = NormalizeNationalId(raw);
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

}  // namespace zizhu::rules
