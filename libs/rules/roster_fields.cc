#include "libs/rules/roster_fields.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/field_values.h"

namespace zizhu::rules {
namespace {

const std::vector<std::string> kPovertyFields = {"national_id",
                                                 "name",
                                                 "gender",
                                                 "birth_date",
                                                 "household_number",
                                                 "head_name",
                                                 "relation_to_head",
                                                 "province",
                                                 "city",
                                                 "county",
                                                 "township",
                                                 "village",
                                                 "household_type",
                                                 "exit_status",
                                                 "year_exited",
                                                 "year_registered",
                                                 "phone"};
const std::vector<std::string> kCivilFields = {
    "national_id",      "name",   "gender", "birth_date", "assistance_type", "disability_category",
    "disability_grade", "county", "phone"};
const std::vector<std::string> kStatusFields = {"national_id", "name",        "gender", "birth_date",
                                                "school_code", "school_name", "stage",  "grade",
                                                "class_name",  "boarding",    "status", "county"};

}  // namespace

const std::vector<std::string>& RosterFields(v1::RosterSource source) {
  static const std::vector<std::string> kNone;
  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE:
      return kPovertyFields;
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS:
      return kCivilFields;
    case v1::ROSTER_SOURCE_STUDENT_STATUS:
      return kStatusFields;
    default:
      return kNone;
  }
}

const std::vector<std::string>& RequiredRosterFields(v1::RosterSource source) {
  static const std::vector<std::string> kPoverty = {"national_id", "name", "household_number"};
  static const std::vector<std::string> kCivil = {"national_id", "name"};
  // A school is named by school_code or school_name (many exports carry only the name).
  static const std::vector<std::string> kStatus = {"national_id", "name", "school_code|school_name", "stage", "grade"};
  static const std::vector<std::string> kNone;
  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE:
      return kPoverty;
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS:
      return kCivil;
    case v1::ROSTER_SOURCE_STUDENT_STATUS:
      return kStatus;
    default:
      return kNone;
  }
}

absl::StatusOr<v1::RosterSource> ParseRosterSource(const std::string& text) {
  std::string t = absl::AsciiStrToLower(Trim(text));
  if (t == "poverty" || t == "poverty_office" || t == "roster_source_poverty_office" || t == "扶贫办")
    return v1::ROSTER_SOURCE_POVERTY_OFFICE;
  if (t == "civil" || t == "civil_affairs" || t == "roster_source_civil_affairs" || t == "民政")
    return v1::ROSTER_SOURCE_CIVIL_AFFAIRS;
  if (t == "status" || t == "student_status" || t == "roster_source_student_status" || t == "学籍")
    return v1::ROSTER_SOURCE_STUDENT_STATUS;
  return absl::InvalidArgumentError(absl::StrCat("source '", text, "' is not poverty, civil or status"));
}

std::string RosterSourceName(v1::RosterSource source) {
  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE:
      return "poverty";
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS:
      return "civil";
    case v1::ROSTER_SOURCE_STUDENT_STATUS:
      return "status";
    default:
      return "unknown";
  }
}

absl::StatusOr<std::vector<v1::AssistanceType>> ParseAssistanceTypes(const std::string& raw) {
  static const std::map<std::string, v1::AssistanceType> types = {
      {"低保", v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE},
      {"城乡低保", v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE},
      {"农村低保", v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE},
      {"subsistence_allowance", v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE},
      {"特困", v1::ASSISTANCE_TYPE_EXTREME_POVERTY},
      {"特困供养", v1::ASSISTANCE_TYPE_EXTREME_POVERTY},
      {"extreme_poverty", v1::ASSISTANCE_TYPE_EXTREME_POVERTY},
      {"孤儿", v1::ASSISTANCE_TYPE_ORPHAN},
      {"orphan", v1::ASSISTANCE_TYPE_ORPHAN},
  };
  std::string text = raw;
  for (const char* sep : {"、", "，", "；", ";", "/", " "}) {
    size_t pos;
    while ((pos = text.find(sep)) != std::string::npos) text.replace(pos, std::string(sep).size(), ",");
  }
  std::set<int> seen;
  std::vector<v1::AssistanceType> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    auto it = types.find(absl::AsciiStrToLower(Trim(std::string(part))));
    if (it == types.end()) return absl::InvalidArgumentError(absl::StrCat("'", part, "' is not 低保, 特困 or 孤儿"));
    if (seen.insert(it->second).second) out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<v1::DisabilityCategory> ParseDisabilityCategory(const std::string& raw) {
  std::string t = absl::AsciiStrToLower(Trim(raw));
  if (t.empty() || t == "无") return v1::DISABILITY_CATEGORY_UNSPECIFIED;
  if (t == "视力" || t == "视力残疾" || t == "visual") return v1::DISABILITY_CATEGORY_VISUAL;
  if (t == "听力" || t == "听力残疾" || t == "hearing") return v1::DISABILITY_CATEGORY_HEARING;
  if (t == "智力" || t == "智力残疾" || t == "intellectual") return v1::DISABILITY_CATEGORY_INTELLECTUAL;
  for (const char* other : {"肢体", "言语", "精神", "多重", "肢体残疾", "言语残疾", "精神残疾", "多重残疾", "other"}) {
    if (t == other) return v1::DISABILITY_CATEGORY_OTHER;
  }
  return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not a disability category (视力/听力/智力/肢体...)"));
}

absl::StatusOr<v1::HouseholdType> ParseHouseholdType(const std::string& raw) {
  std::string t = absl::AsciiStrToLower(Trim(raw));
  if (t.empty() || t == "一般贫困户" || t == "一般户" || t == "general") return v1::HOUSEHOLD_TYPE_GENERAL;
  if (t == "低保贫困户" || t == "低保户" || t == "subsistence") return v1::HOUSEHOLD_TYPE_SUBSISTENCE_ALLOWANCE;
  if (t == "特困供养贫困户" || t == "特困户" || t == "extreme") return v1::HOUSEHOLD_TYPE_EXTREME_POVERTY;
  return absl::InvalidArgumentError(
      absl::StrCat("'", raw, "' is not a household type (一般贫困户/低保贫困户/特困供养贫困户)"));
}

absl::StatusOr<bool> ParseExited(const std::string& raw) {
  std::string t = absl::AsciiStrToLower(Trim(raw));
  if (t.empty() || t == "未脱贫" || t == "贫困" || t == "poor" || t == "否") return false;
  if (t == "已脱贫" || t == "脱贫" || t == "exited" || t == "是") return true;
  return absl::InvalidArgumentError(absl::StrCat("'", raw, "' is not 已脱贫 or 未脱贫"));
}

}  // namespace zizhu::rules
