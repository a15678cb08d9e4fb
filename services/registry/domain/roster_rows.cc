#include "services/registry/domain/roster_rows.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto/masking.h"
#include "services/registry/domain/field_parsers.h"
#include "services/registry/domain/national_id.h"

namespace zizhu::registry {
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

std::string Field(const v1::RosterRowInput& row, const std::string& name) {
  auto it = row.fields().find(name);
  return it == row.fields().end() ? std::string() : Trim(it->second);
}

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

RosterRowOutcome ValidateRosterRow(v1::RosterSource source, const v1::RosterRowInput& row,
                                   PersonalDataProtector& protector) {
  RosterRowOutcome out;
  v1::RejectedRosterRow& rej = out.rejected;
  rej.set_row_number(row.row_number());
  rej.set_name(Field(row, "name"));
  rej.set_county(Field(row, "county"));
  rej.set_school_code(NormalizeNationalId(Field(row, "school_code")));
  // A rejection is kept in the topic and the projection and shown on work
  // queues: its reason never carries a national ID or phone in clear (the
  // uploader's own file still has the row).
  std::vector<std::pair<std::string, std::string>> personal;
  auto add_personal = [&](const std::string& value, std::string masked) {
    if (value.size() >= 4) personal.emplace_back(value, std::move(masked));
  };
  add_personal(Field(row, "national_id"), MaskNationalId(Field(row, "national_id")));
  add_personal(NormalizeNationalId(Field(row, "national_id")),
               MaskNationalId(NormalizeNationalId(Field(row, "national_id"))));
  add_personal(Field(row, "phone"), MaskPhone(Field(row, "phone")));
  auto reject = [&](v1::RejectionKind kind, const std::string& column, const std::string& reason) {
    rej.set_kind(kind);
    rej.set_column(column);
    rej.set_reason(personal.empty() ? reason : absl::StrReplaceAll(reason, personal));
    return out;
  };
  for (const auto& [name, value] : row.fields()) {
    bool known = false;
    for (const auto& f : RosterFields(source)) known |= f == name;
    if (!known) {
      return reject(v1::REJECTION_KIND_BAD_VALUE, name,
                    absl::StrCat("field '", name, "' is not a field of the ", RosterSourceName(source), " roster"));
    }
  }
  std::string raw_id = Field(row, "national_id");
  if (raw_id.find_first_of("Ee") != std::string::npos && raw_id.find('+') != std::string::npos) {
    return reject(v1::REJECTION_KIND_INVALID_ID, "national_id",
                  absl::StrCat("'", MaskNationalId(raw_id), "' was turned into a number by Excel and lost digits"));
  }
  std::string id = NormalizeNationalId(raw_id);
  rej.set_national_id_masked(MaskNationalId(id));
  if (id.empty()) return reject(v1::REJECTION_KIND_INVALID_ID, "national_id", "national_id is required");
  absl::StatusOr<NationalIdInfo> info = ValidateNationalId(id);
  if (!info.ok()) return reject(v1::REJECTION_KIND_INVALID_ID, "national_id", std::string(info.status().message()));
  out.normalized_id = info->normalized;
  for (const auto& required : RequiredRosterFields(source)) {
    std::vector<std::string> alternatives = absl::StrSplit(required, '|');
    bool present = false;
    for (const auto& field : alternatives) present = present || !Field(row, field).empty();
    if (!present) {
      return reject(v1::REJECTION_KIND_BAD_VALUE, alternatives[0],
                    absl::StrCat(absl::StrJoin(alternatives, " or "), " is required"));
    }
  }

  v1::AppliedRosterRow& applied = out.applied;
  applied.set_row_number(row.row_number());
  applied.set_change(row.change() == v1::ROSTER_CHANGE_UNSPECIFIED ? v1::ROSTER_CHANGE_UPSERT : row.change());
  v1::RosterPerson& p = *applied.mutable_person();
  p.set_national_id_hash(protector.NationalIdHash(info->normalized));
  absl::StatusOr<v1::ProtectedValue> sealed = protector.Protect(info->normalized, PersonalField::kNationalId);
  if (!sealed.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "national_id", std::string(sealed.status().message()));
  *p.mutable_national_id() = *sealed;
  p.set_name(Field(row, "name"));
  p.set_gender(info->gender);
  *p.mutable_birth_date() = info->birth_date;
  if (std::string g = Field(row, "gender"); !g.empty()) {
    auto gender = ParseGender(g);
    if (!gender.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "gender", std::string(gender.status().message()));
    if (*gender != info->gender) {
      applied.set_note(absl::StrCat("gender column says ", v1::Gender_Name(*gender), ", the ID says ",
                                    v1::Gender_Name(info->gender)));
    }
  }
  if (std::string b = Field(row, "birth_date"); !b.empty()) {
    auto date = ParseDate(b);
    if (!date.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "birth_date", std::string(date.status().message()));
    if (CompareDates(*date, info->birth_date) != 0) {
      *p.mutable_birth_date() = *date;
      applied.set_note(
          absl::StrCat("birth_date column says ", FormatDate(*date), ", the ID says ", FormatDate(info->birth_date)));
    }
  }
  p.set_county(Field(row, "county").empty() ? info->region_code : Field(row, "county"));

  auto int_field = [&](const char* name, int32_t* out_value) -> bool {
    std::string text = Field(row, name);
    if (text.empty()) return true;
    int value = 0;
    if (!absl::SimpleAtoi(NormalizeNationalId(text), &value) || value < 1949 || value > 2100) return false;
    *out_value = value;
    return true;
  };

  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE: {
      p.set_household_number(NormalizeNationalId(Field(row, "household_number")));
      p.set_head_name(Field(row, "head_name"));
      p.set_relation_to_head(Field(row, "relation_to_head"));
      v1::Locality* loc = p.mutable_locality();
      loc->set_province(Field(row, "province"));
      loc->set_city(Field(row, "city"));
      loc->set_county(Field(row, "county"));
      loc->set_township(Field(row, "township"));
      loc->set_village(Field(row, "village"));
      auto type = ParseHouseholdType(Field(row, "household_type"));
      if (!type.ok())
        return reject(v1::REJECTION_KIND_BAD_VALUE, "household_type", std::string(type.status().message()));
      p.set_household_type(*type);
      int32_t year = 0;
      if (!int_field("year_registered", &year)) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "year_registered",
                      absl::StrCat("'", Field(row, "year_registered"), "' is not a year"));
      }
      p.set_year_registered(year);
      auto exited = ParseExited(Field(row, "exit_status"));
      if (!exited.ok())
        return reject(v1::REJECTION_KIND_BAD_VALUE, "exit_status", std::string(exited.status().message()));
      int32_t year_exited = 0;
      if (!int_field("year_exited", &year_exited)) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "year_exited",
                      absl::StrCat("'", Field(row, "year_exited"), "' is not a year"));
      }
      // An exit is said by exit_status (已脱贫) or by the change itself
      // (ROSTER_CHANGE_EXIT, system to system); either way with its year.
      const bool household_exited = *exited || applied.change() == v1::ROSTER_CHANGE_EXIT;
      if (household_exited && year_exited == 0) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "year_exited",
                      "脱贫户须填脱贫年度 / a household that exited poverty needs year_exited");
      }
      p.set_year_exited(household_exited ? year_exited : 0);
      if (household_exited) applied.set_change(v1::ROSTER_CHANGE_EXIT);
      break;
    }
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS: {
      auto assistance = ParseAssistanceTypes(Field(row, "assistance_type"));
      if (!assistance.ok()) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "assistance_type", std::string(assistance.status().message()));
      }
      for (auto a : *assistance) p.add_assistance(a);
      auto disability = ParseDisabilityCategory(Field(row, "disability_category"));
      if (!disability.ok()) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "disability_category", std::string(disability.status().message()));
      }
      p.set_disability(*disability);
      p.set_disability_grade(Field(row, "disability_grade"));
      if (assistance->empty() && *disability == v1::DISABILITY_CATEGORY_UNSPECIFIED) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "assistance_type",
                      "row has neither an assistance type (低保/特困/孤儿) nor a disability category");
      }
      break;
    }
    case v1::ROSTER_SOURCE_STUDENT_STATUS: {
      p.set_school_code(NormalizeNationalId(Field(row, "school_code")));
      p.set_school_name(Field(row, "school_name"));
      auto stage = ParseStage(Field(row, "stage"));
      if (!stage.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "stage", std::string(stage.status().message()));
      p.set_stage(*stage);
      auto grade = ParseGrade(Field(row, "grade"));
      if (!grade.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "grade", std::string(grade.status().message()));
      p.set_grade(*grade);
      p.set_class_name(Field(row, "class_name"));
      auto boarding = ParseYesNo(Field(row, "boarding"));
      if (!boarding.ok())
        return reject(v1::REJECTION_KIND_BAD_VALUE, "boarding", std::string(boarding.status().message()));
      p.set_boarding(*boarding);
      auto status = ParseStatus(Field(row, "status"));
      if (!status.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "status", std::string(status.status().message()));
      p.set_enrolment_status(*status);
      break;
    }
    default:
      return reject(v1::REJECTION_KIND_BAD_VALUE, "", "unknown roster source");
  }
  out.ok = true;
  return out;
}

v1::RosterEntry RosterEntryOf(v1::RosterSource source, const v1::AppliedRosterRow& row, const std::string& import_id,
                              const v1::Date& recorded_on) {
  v1::RosterEntry entry;
  entry.set_source(source);
  *entry.mutable_person() = row.person();
  entry.set_import_id(import_id);
  entry.set_row_number(row.row_number());
  entry.set_note(row.note());
  *entry.mutable_recorded_on() = recorded_on;
  if (row.change() == v1::ROSTER_CHANGE_EXIT) {
    entry.set_exited(true);
    *entry.mutable_exit_date() = recorded_on;
  }
  return entry;
}

}  // namespace zizhu::registry
