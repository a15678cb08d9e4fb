#include "services/registry/domain/roster_rows.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/field_values.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"

namespace zizhu::registry {
namespace {

std::string Field(const v1::RosterRowInput& row, const std::string& name) {
  auto it = row.fields().find(name);
  return it == row.fields().end() ? std::string() : rules::Trim(it->second);
}

}  // namespace

RosterRowOutcome ValidateRosterRow(v1::RosterSource source, const v1::RosterRowInput& row,
                                   PersonalDataProtector& protector) {
  RosterRowOutcome out;
  v1::RejectedRosterRow& rej = out.rejected;
  rej.set_row_number(row.row_number());
  rej.set_name(Field(row, "name"));
  rej.set_county(Field(row, "county"));
  rej.set_school_code(rules::NormalizeNationalId(Field(row, "school_code")));
  // A rejection is kept in the topic and the projection and shown on work
  // queues: its reason never carries a national ID or phone in clear (the
  // uploader's own file still has the row).
  std::vector<std::pair<std::string, std::string>> personal;
  auto add_personal = [&](const std::string& value, std::string masked) {
    if (value.size() >= 4) personal.emplace_back(value, std::move(masked));
  };
  add_personal(Field(row, "national_id"), MaskNationalId(Field(row, "national_id")));
  add_personal(rules::NormalizeNationalId(Field(row, "national_id")),
               MaskNationalId(rules::NormalizeNationalId(Field(row, "national_id"))));
  add_personal(Field(row, "phone"), MaskPhone(Field(row, "phone")));
  // The rejection with its reason code (said in the operator's language):
  // `code` when given, else the check's own (a status carrying one), else
  // ROW_VALUE_INVALID naming the column and its value (masked when personal).
  auto reject = [&](v1::RejectionKind kind, const std::string& column, const std::string& reason,
                    std::optional<common::v1::ErrorInfo> code = std::nullopt) {
    rej.set_kind(kind);
    rej.set_column(column);
    rej.set_reason(personal.empty() ? reason : absl::StrReplaceAll(reason, personal));
    if (!code) {
      const std::string value = Field(row, column).substr(0, 60);
      code =
          ReasonInfo("ROW_VALUE_INVALID",
                     {{"field", column}, {"value", personal.empty() ? value : absl::StrReplaceAll(value, personal)}});
    }
    *rej.mutable_reason_code() = *std::move(code);
    return out;
  };
  // A check's own reason, when its status carries one.
  auto own = [](const absl::Status& status) { return ErrorInfoOf(status); };
  for (const auto& [name, value] : row.fields()) {
    bool known = false;
    for (const auto& f : rules::RosterFields(source)) known |= f == name;
    if (!known) {
      return reject(
          v1::REJECTION_KIND_BAD_VALUE, name,
          absl::StrCat("field '", name, "' is not a field of the ", rules::RosterSourceName(source), " roster"),
          ReasonInfo("ROSTER_FIELD_UNKNOWN",
                     {{"column", name.substr(0, 60)}, {"source", v1::RosterSource_Name(source)}}));
    }
  }
  std::string raw_id = Field(row, "national_id");
  if (raw_id.find_first_of("Ee") != std::string::npos && raw_id.find('+') != std::string::npos) {
    return reject(v1::REJECTION_KIND_INVALID_ID, "national_id",
                  absl::StrCat("'", MaskNationalId(raw_id), "' was turned into a number by Excel and lost digits"),
                  ReasonInfo("ID_LOST_DIGITS", {{"value", MaskNationalId(raw_id)}}));
  }
  std::string id = rules::NormalizeNationalId(raw_id);
  rej.set_national_id_masked(MaskNationalId(id));
  if (id.empty()) {
    return reject(v1::REJECTION_KIND_INVALID_ID, "national_id", "national_id is required",
                  ReasonInfo("FIELD_REQUIRED", {{"field", "national_id"}}));
  }
  absl::StatusOr<rules::NationalIdInfo> info = rules::ValidateNationalId(id);
  if (!info.ok()) {
    return reject(v1::REJECTION_KIND_INVALID_ID, "national_id", std::string(info.status().message()),
                  own(info.status()));
  }
  out.normalized_id = info->normalized;
  for (const auto& required : rules::RequiredRosterFields(source)) {
    std::vector<std::string> alternatives = absl::StrSplit(required, '|');
    bool present = false;
    for (const auto& field : alternatives) present = present || !Field(row, field).empty();
    if (!present) {
      return reject(v1::REJECTION_KIND_BAD_VALUE, alternatives[0],
                    absl::StrCat(absl::StrJoin(alternatives, " or "), " is required"),
                    ReasonInfo("FIELD_REQUIRED", {{"field", alternatives[0]}}));
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
    auto gender = rules::ParseGender(g);
    if (!gender.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "gender", std::string(gender.status().message()));
    if (*gender != info->gender) {
      applied.set_note(absl::StrCat("gender column says ", v1::Gender_Name(*gender), ", the ID says ",
                                    v1::Gender_Name(info->gender)));
    }
  }
  if (std::string b = Field(row, "birth_date"); !b.empty()) {
    auto date = rules::ParseDate(b);
    if (!date.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "birth_date", std::string(date.status().message()));
    if (rules::CompareDates(*date, info->birth_date) != 0) {
      *p.mutable_birth_date() = *date;
      applied.set_note(absl::StrCat("birth_date column says ", rules::FormatDate(*date), ", the ID says ",
                                    rules::FormatDate(info->birth_date)));
    }
  }
  p.set_county(Field(row, "county").empty() ? info->region_code : Field(row, "county"));

  auto int_field = [&](const char* name, int32_t* out_value) -> bool {
    std::string text = Field(row, name);
    if (text.empty()) return true;
    int value = 0;
    if (!absl::SimpleAtoi(rules::NormalizeNationalId(text), &value) || value < 1949 || value > 2100) return false;
    *out_value = value;
    return true;
  };

  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE: {
      p.set_household_number(rules::NormalizeNationalId(Field(row, "household_number")));
      p.set_head_name(Field(row, "head_name"));
      p.set_relation_to_head(Field(row, "relation_to_head"));
      v1::Locality* loc = p.mutable_locality();
      loc->set_province(Field(row, "province"));
      loc->set_city(Field(row, "city"));
      loc->set_county(Field(row, "county"));
      loc->set_township(Field(row, "township"));
      loc->set_village(Field(row, "village"));
      auto type = rules::ParseHouseholdType(Field(row, "household_type"));
      if (!type.ok())
        return reject(v1::REJECTION_KIND_BAD_VALUE, "household_type", std::string(type.status().message()));
      p.set_household_type(*type);
      int32_t year = 0;
      if (!int_field("year_registered", &year)) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "year_registered",
                      absl::StrCat("'", Field(row, "year_registered"), "' is not a year"));
      }
      p.set_year_registered(year);
      auto exited = rules::ParseExited(Field(row, "exit_status"));
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
        return reject(v1::REJECTION_KIND_BAD_VALUE, "year_exited", "a household that exited poverty needs year_exited",
                      ReasonInfo("EXITED_NEEDS_YEAR", {}));
      }
      p.set_year_exited(household_exited ? year_exited : 0);
      if (household_exited) applied.set_change(v1::ROSTER_CHANGE_EXIT);
      break;
    }
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS: {
      auto assistance = rules::ParseAssistanceTypes(Field(row, "assistance_type"));
      if (!assistance.ok()) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "assistance_type", std::string(assistance.status().message()));
      }
      for (auto a : *assistance) p.add_assistance(a);
      auto disability = rules::ParseDisabilityCategory(Field(row, "disability_category"));
      if (!disability.ok()) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "disability_category", std::string(disability.status().message()));
      }
      p.set_disability(*disability);
      p.set_disability_grade(Field(row, "disability_grade"));
      if (assistance->empty() && *disability == v1::DISABILITY_CATEGORY_UNSPECIFIED) {
        return reject(v1::REJECTION_KIND_BAD_VALUE, "assistance_type",
                      "row has neither an assistance type (低保/特困/孤儿) nor a disability category",
                      ReasonInfo("ASSISTANCE_OR_DISABILITY_REQUIRED", {}));
      }
      break;
    }
    case v1::ROSTER_SOURCE_STUDENT_STATUS: {
      p.set_school_code(rules::NormalizeNationalId(Field(row, "school_code")));
      p.set_school_name(Field(row, "school_name"));
      auto stage = rules::ParseStage(Field(row, "stage"));
      if (!stage.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "stage", std::string(stage.status().message()));
      p.set_stage(*stage);
      auto grade = rules::ParseGrade(Field(row, "grade"));
      if (!grade.ok()) return reject(v1::REJECTION_KIND_BAD_VALUE, "grade", std::string(grade.status().message()));
      p.set_grade(*grade);
      p.set_class_name(Field(row, "class_name"));
      auto boarding = rules::ParseYesNo(Field(row, "boarding"));
      if (!boarding.ok())
        return reject(v1::REJECTION_KIND_BAD_VALUE, "boarding", std::string(boarding.status().message()));
      p.set_boarding(*boarding);
      auto status = rules::ParseStatus(Field(row, "status"));
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
