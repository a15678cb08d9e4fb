#include "services/registry/domain/registry_decisions.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/phone.h"
#include "services/common/auth/access.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"

namespace zizhu::registry {

const char* PersonalFieldName(PersonalField field) {
  switch (field) {
    case PersonalField::kNationalId:
      return "national_id";
    case PersonalField::kBankCard:
      return "bank_card";
    case PersonalField::kPhone:
      return "phone";
  }
  return "unknown";
}

namespace {

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A person's or place's name: trimmed, 1..max code points, no control chars.
absl::StatusOr<std::string> CleanName(absl::string_view field, absl::string_view raw, size_t max_chars,
                                      bool required = true) {
  std::string name(absl::StripAsciiWhitespace(raw));
  if (name.empty()) {
    if (!required) return name;
    return FieldRequired(field);
  }
  if (CodePoints(name) > max_chars)
    return FieldInvalid(field, name, absl::StrCat("is longer than ", max_chars, " characters"));
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return FieldInvalid(field, name, "contains a control character");
  }
  return name;
}

// A code: 1..max characters of [0-9A-Za-z_-].
absl::StatusOr<std::string> CleanCode(absl::string_view field, absl::string_view raw, size_t max_chars) {
  std::string code(absl::StripAsciiWhitespace(raw));
  if (code.empty()) return FieldRequired(field);
  if (code.size() > max_chars)
    return FieldInvalid(field, code, absl::StrCat("is longer than ", max_chars, " characters"));
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return FieldInvalid(field, code, "may contain only letters, digits, '-' and '_'");
    }
  }
  return code;
}

std::string DigitsOnly(absl::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

absl::Status CheckBankCard(absl::string_view field, const std::string& card) {
  if (card.size() < 12 || card.size() > 19) return FieldInvalid(field, MaskBankCard(card), "must have 12-19 digits");
  for (char c : card) {
    if (c < '0' || c > '9') return FieldInvalid(field, MaskBankCard(card), "must contain only digits");
  }
  return absl::OkStatus();
}

// Protects an optional personal value; empty input gives an empty value.
absl::StatusOr<v1::ProtectedValue> ProtectOptional(PersonalDataProtector& protector, absl::string_view field_name,
                                                   absl::string_view raw, PersonalField field) {
  std::string value = DigitsOnly(absl::StripAsciiWhitespace(raw));
  if (value.empty()) return v1::ProtectedValue();
  if (field == PersonalField::kBankCard) RETURN_IF_ERROR(CheckBankCard(field_name, value));
  if (field == PersonalField::kPhone) RETURN_IF_ERROR(rules::CheckPhone(field_name, value));
  return protector.Protect(value, field);
}

absl::Status CheckCategories(const google::protobuf::RepeatedField<int>& raw, std::vector<v1::PovertyCategory>* out) {
  std::set<int> seen;
  for (int c : raw) {
    if (c == v1::POVERTY_CATEGORY_UNSPECIFIED || !v1::PovertyCategory_IsValid(c)) {
      return FieldInvalid("categories", std::to_string(c), "is not a poverty category");
    }
    if (seen.insert(c).second) out->push_back(static_cast<v1::PovertyCategory>(c));
  }
  std::sort(out->begin(), out->end());
  return absl::OkStatus();
}

bool HasCategory(const std::vector<v1::PovertyCategory>& cats, v1::PovertyCategory c) {
  return std::find(cats.begin(), cats.end(), c) != cats.end();
}

absl::Status CheckStageAndGrade(v1::EducationStage stage, int grade) {
  if (stage == v1::EDUCATION_STAGE_UNSPECIFIED || !v1::EducationStage_IsValid(stage)) {
    return FieldRequired("stage");
  }
  int max = MaxGrade(stage);
  if (grade < 1 || grade > max) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "GRADE_OUTSIDE_STAGE",
        {{"grade", std::to_string(grade)}, {"max", std::to_string(max)}, {"stage", v1::EducationStage_Name(stage)}},
        absl::StrCat("grade ", grade, " is outside 1-", max, " for stage ", v1::EducationStage_Name(stage)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SchoolRecord> RequireSchool(RegistryState& state, const std::string& school_code,
                                               v1::EducationStage stage) {
  ASSIGN_OR_RETURN(auto school, state.FindSchool(school_code));
  if (!school) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "SCHOOL_NOT_REGISTERED", {{"school", school_code}},
        absl::StrCat("school_code '", school_code, "' is not a registered school; register the school first"));
  }
  if (school->stages_size() > 0 &&
      std::find(school->stages().begin(), school->stages().end(), stage) == school->stages().end()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "SCHOOL_STAGE_NOT_TAUGHT",
                   {{"school", school_code}, {"stage", v1::EducationStage_Name(stage)}},
                   absl::StrCat("school '", school_code, "' (", school->name(), ") does not teach stage ",
                                v1::EducationStage_Name(stage)));
  }
  return *school;
}

absl::Status RequireHousehold(RegistryState& state, const std::string& number) {
  ASSIGN_OR_RETURN(auto household, state.FindHousehold(number));
  if (!household) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "HOUSEHOLD_NOT_REGISTERED", {{"household", number}},
                   absl::StrCat("household_number '", number, "' is not a registered household; register it first"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::StudentRecord> RequireStudent(RegistryState& state, const std::string& student_id,
                                                 int64_t expected_version) {
  if (student_id.empty()) return FieldRequired("student_id");
  ASSIGN_OR_RETURN(auto student, state.FindStudent(student_id));
  if (!student) return auth::OutOfScope("student", student_id);
  if (expected_version < 0) {
    return FieldInvalid("expected_version", std::to_string(expected_version), "is negative");
  }
  if (expected_version != 0 && expected_version != student->version()) {
    return Refusal(absl::StatusCode::kAborted, "STALE_VERSION",
                   {{"what", "student"}, {"id", student_id}, {"version", std::to_string(student->version())}},
                   absl::StrCat("student '", student_id, "' is at version ", student->version(),
                                ", not expected_version ", expected_version, "; reload and retry"));
  }
  return *student;
}

es::NewEvent MakeEvent(const char* type, const std::string& id, int64_t version,
                       std::shared_ptr<const google::protobuf::Message> payload) {
  return es::NewEvent{type, AggregateId(id), AggregateVersion(version), std::move(payload)};
}

absl::StatusOr<v1::Guardian> CleanGuardian(PersonalDataProtector& protector, const v1::GuardianInput& in) {
  v1::Guardian out;
  ASSIGN_OR_RETURN(std::string name, CleanName("guardian.name", in.name(), 30, false));
  ASSIGN_OR_RETURN(std::string relation, CleanName("guardian.relation", in.relation(), 10, false));
  out.set_name(name);
  out.set_relation(relation);
  ASSIGN_OR_RETURN(*out.mutable_phone(),
                   ProtectOptional(protector, "guardian.phone", in.phone(), PersonalField::kPhone));
  return out;
}

}  // namespace

int MaxGrade(v1::EducationStage stage) {
  switch (stage) {
    case v1::EDUCATION_STAGE_PRESCHOOL:
      return 3;
    case v1::EDUCATION_STAGE_PRIMARY:
      return 6;
    case v1::EDUCATION_STAGE_JUNIOR_MIDDLE:
    case v1::EDUCATION_STAGE_SENIOR_HIGH:
    case v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL:
      return 3;
    case v1::EDUCATION_STAGE_UNIVERSITY:
      return 8;  // undergraduate and postgraduate years
    default:
      return 0;
  }
}

bool IsAllowedStatusChange(v1::EnrolmentStatus from, v1::EnrolmentStatus to) {
  using S = v1::EnrolmentStatus;
  if (from == to) return false;
  switch (from) {
    case S::ENROLMENT_STATUS_ENROLLED:
      return to == S::ENROLMENT_STATUS_TRANSFERRED || to == S::ENROLMENT_STATUS_SUSPENDED ||
             to == S::ENROLMENT_STATUS_DROPPED_OUT || to == S::ENROLMENT_STATUS_GRADUATED;
    case S::ENROLMENT_STATUS_SUSPENDED:
      return to == S::ENROLMENT_STATUS_ENROLLED || to == S::ENROLMENT_STATUS_DROPPED_OUT;
    case S::ENROLMENT_STATUS_DROPPED_OUT:  // back to school (crossed off)
    case S::ENROLMENT_STATUS_TRANSFERRED:  // enrolled at the new school
    case S::ENROLMENT_STATUS_GRADUATED:    // next stage
      return to == S::ENROLMENT_STATUS_ENROLLED;
    default:
      return false;
  }
}

absl::StatusOr<Events> DecideRegisterSchool(RegistryState& state, const v1::RegisterSchoolRequest& cmd) {
  auto event = std::make_shared<v1::SchoolRegistered>();
  ASSIGN_OR_RETURN(std::string code, CleanCode("school_code", cmd.school_code(), 32));
  ASSIGN_OR_RETURN(std::string name, CleanName("name", cmd.name(), 60));
  ASSIGN_OR_RETURN(std::string county, CleanCode("county_code", cmd.county_code(), 12));
  ASSIGN_OR_RETURN(std::string county_name, CleanName("county_name", cmd.county_name(), 30, false));
  std::set<int> stages;
  for (int s : cmd.stages()) {
    if (s == v1::EDUCATION_STAGE_UNSPECIFIED || !v1::EducationStage_IsValid(s)) {
      return FieldInvalid("stages", std::to_string(s), "is not a school stage");
    }
    stages.insert(s);
  }
  if (stages.empty()) return FieldRequired("stages");
  ASSIGN_OR_RETURN(auto existing, state.FindSchool(code));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "SCHOOL_EXISTS", {{"school", code}, {"name", existing->name()}},
                   absl::StrCat("school_code '", code, "' is already registered (", existing->name(), ")"));
  }
  event->set_school_code(code);
  event->set_name(name);
  event->set_county_code(county);
  event->set_county_name(county_name);
  for (int s : stages) event->add_stages(static_cast<v1::EducationStage>(s));
  event->set_rural(cmd.rural());
  return Events{MakeEvent(kSchoolAggregate, code, 1, event)};
}

absl::StatusOr<Events> DecideRegisterHousehold(RegistryState& state, const v1::RegisterHouseholdRequest& cmd) {
  auto event = std::make_shared<v1::HouseholdRegistered>();
  ASSIGN_OR_RETURN(std::string number, CleanCode("household_number", cmd.household_number(), 32));
  ASSIGN_OR_RETURN(std::string head, CleanName("head_name", cmd.head_name(), 30));
  if (cmd.household_type() == v1::HOUSEHOLD_TYPE_UNSPECIFIED || !v1::HouseholdType_IsValid(cmd.household_type())) {
    return FieldRequired("household_type");
  }
  if (cmd.year_registered() != 0 && (cmd.year_registered() < 2000 || cmd.year_registered() > 2100)) {
    return FieldOutOfRange("year_registered", cmd.year_registered(), 2000, 2100);
  }
  ASSIGN_OR_RETURN(auto existing, state.FindHousehold(number));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "HOUSEHOLD_EXISTS", {{"household", number}},
                   absl::StrCat("household_number '", number, "' is already registered"));
  }
  event->set_household_number(number);
  event->set_head_name(head);
  v1::Locality* loc = event->mutable_locality();
  ASSIGN_OR_RETURN(*loc->mutable_province(), CleanName("locality.province", cmd.locality().province(), 20, false));
  ASSIGN_OR_RETURN(*loc->mutable_city(), CleanName("locality.city", cmd.locality().city(), 20, false));
  ASSIGN_OR_RETURN(*loc->mutable_county(), CleanName("locality.county", cmd.locality().county(), 20, false));
  ASSIGN_OR_RETURN(*loc->mutable_township(), CleanName("locality.township", cmd.locality().township(), 20, false));
  ASSIGN_OR_RETURN(*loc->mutable_village(), CleanName("locality.village", cmd.locality().village(), 30, false));
  event->set_household_type(cmd.household_type());
  event->set_year_registered(cmd.year_registered());
  return Events{MakeEvent(kHouseholdAggregate, number, 1, event)};
}

absl::StatusOr<Events> DecideRegisterStudent(RegistryState& state, PersonalDataProtector& protector,
                                             const v1::RegisterStudentRequest& cmd, const std::string& new_student_id,
                                             const Plausibility* plausibility) {
  auto event = std::make_shared<v1::StudentRegistered>();
  ASSIGN_OR_RETURN(std::string name, CleanName("name", cmd.name(), 30));
  std::string id = rules::NormalizeNationalId(cmd.national_id());
  if (id.empty()) return FieldRequired("national_id");
  ASSIGN_OR_RETURN(rules::NationalIdInfo info, rules::ValidateNationalId(id));

  if (cmd.gender() != v1::GENDER_UNSPECIFIED && cmd.gender() != info.gender) {
    return Refusal(absl::StatusCode::kInvalidArgument, "GENDER_DISAGREES_WITH_ID",
                   {{"gender", v1::Gender_Name(cmd.gender())}, {"id_gender", v1::Gender_Name(info.gender)}},
                   absl::StrCat("gender ", v1::Gender_Name(cmd.gender()), " disagrees with national_id, which says ",
                                v1::Gender_Name(info.gender)));
  }
  if (cmd.has_birth_date() && rules::CompareDates(cmd.birth_date(), info.birth_date) != 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "BIRTH_DATE_DISAGREES_WITH_ID",
                   {{"date", rules::FormatDate(cmd.birth_date())}, {"id_date", rules::FormatDate(info.birth_date)}},
                   absl::StrCat("birth_date ", rules::FormatDate(cmd.birth_date()),
                                " disagrees with national_id, which says ", rules::FormatDate(info.birth_date)));
  }
  ASSIGN_OR_RETURN(std::string ethnic, CleanName("ethnic_group", cmd.ethnic_group(), 10, false));
  RETURN_IF_ERROR(CheckStageAndGrade(cmd.stage(), cmd.grade()));
  if (plausibility) RETURN_IF_ERROR(CheckBirthDateForStage(*plausibility, info.birth_date, cmd.stage()));
  ASSIGN_OR_RETURN(std::string school_code, CleanCode("school_code", cmd.school_code(), 32));
  ASSIGN_OR_RETURN(std::string class_name, CleanName("class_name", cmd.class_name(), 20, false));
  std::vector<v1::PovertyCategory> categories;
  RETURN_IF_ERROR(CheckCategories(cmd.categories(), &categories));
  std::string household(absl::StripAsciiWhitespace(cmd.household_number()));
  if (household.empty() && HasCategory(categories, v1::POVERTY_CATEGORY_REGISTERED_POOR)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "HOUSEHOLD_REQUIRED_FOR_POOR", {},
                   "household_number is required for a student of a registered-poor household (category "
                   "REGISTERED_POOR)");
  }
  v1::EnrolmentStatus status =
      cmd.status() == v1::ENROLMENT_STATUS_UNSPECIFIED ? v1::ENROLMENT_STATUS_ENROLLED : cmd.status();
  if (!v1::EnrolmentStatus_IsValid(status)) {
    return FieldInvalid("status", std::to_string(static_cast<int>(status)), "is not a valid enrolment status");
  }

  // State checks after input checks: the cheapest error first.
  const std::string hash = protector.NationalIdHash(info.normalized);
  ASSIGN_OR_RETURN(auto existing, state.FindStudentIdByNationalIdHash(hash));
  if (existing) {
    // Neither the student nor the school is named: the caller may not see
    // them (probe finding 5). That the ID is taken cannot be hidden without
    // giving up one record per person; a pupil who moves is transferred.
    return Refusal(absl::StatusCode::kAlreadyExists, "NATIONAL_ID_REGISTERED",
                   {{"id", MaskNationalId(info.normalized)}},
                   absl::StrCat("national_id ", MaskNationalId(info.normalized),
                                " is already registered; a pupil who moves to this school is recorded as a transfer "
                                "in by the national ID with the sending school's record (RecordTransferIn, `zizhu "
                                "student transfer-in`), not registered again"));
  }
  ASSIGN_OR_RETURN(v1::SchoolRecord school, RequireSchool(state, school_code, cmd.stage()));
  (void)school;
  if (!household.empty()) RETURN_IF_ERROR(RequireHousehold(state, household));

  event->set_student_id(new_student_id);
  event->set_name(name);
  ASSIGN_OR_RETURN(*event->mutable_national_id(), protector.Protect(info.normalized, PersonalField::kNationalId));
  event->set_national_id_hash(hash);
  event->set_gender(info.gender);
  *event->mutable_birth_date() = info.birth_date;
  event->set_ethnic_group(ethnic);
  event->set_household_number(household);
  for (auto c : categories) event->add_categories(c);
  event->set_stage(cmd.stage());
  event->set_school_code(school_code);
  event->set_grade(cmd.grade());
  event->set_class_name(class_name);
  event->set_boarding(cmd.boarding());
  event->set_status(status);
  ASSIGN_OR_RETURN(*event->mutable_bank_card(),
                   ProtectOptional(protector, "bank_card", cmd.bank_card(), PersonalField::kBankCard));
  ASSIGN_OR_RETURN(*event->mutable_phone(), ProtectOptional(protector, "phone", cmd.phone(), PersonalField::kPhone));
  ASSIGN_OR_RETURN(*event->mutable_guardian(), CleanGuardian(protector, cmd.guardian()));
  return Events{MakeEvent(kStudentAggregate, new_student_id, 1, event)};
}

absl::StatusOr<Events> DecideUpdateStudentAttributes(RegistryState& state, PersonalDataProtector& protector,
                                                     const v1::UpdateStudentAttributesRequest& cmd) {
  ASSIGN_OR_RETURN(v1::StudentRecord student, RequireStudent(state, cmd.student_id(), cmd.expected_version()));
  auto event = std::make_shared<v1::StudentAttributesUpdated>();
  event->set_student_id(student.student_id());
  auto changed = [&](const char* field) { event->add_changed_fields(field); };

  if (cmd.has_name()) {
    ASSIGN_OR_RETURN(std::string name, CleanName("name", cmd.name(), 30));
    if (name != student.name()) {
      event->set_name(name);
      changed("name");
    }
  }
  if (cmd.has_ethnic_group()) {
    ASSIGN_OR_RETURN(std::string ethnic, CleanName("ethnic_group", cmd.ethnic_group(), 10, false));
    if (ethnic != student.ethnic_group()) {
      event->set_ethnic_group(ethnic);
      changed("ethnic_group");
    }
  }
  std::vector<v1::PovertyCategory> categories;
  for (int c : student.categories()) categories.push_back(static_cast<v1::PovertyCategory>(c));
  if (cmd.replace_categories()) {
    std::vector<v1::PovertyCategory> next;
    RETURN_IF_ERROR(CheckCategories(cmd.categories(), &next));
    if (next != categories) {
      for (auto c : next) event->add_categories(c);
      changed("categories");
      categories = next;
    }
  } else if (cmd.categories_size() > 0) {
    return FieldNeeds("categories", "replace_categories");
  }
  std::string household = student.household_number();
  if (cmd.has_household_number()) {
    std::string next(absl::StripAsciiWhitespace(cmd.household_number()));
    if (next != household) {
      if (!next.empty()) RETURN_IF_ERROR(RequireHousehold(state, next));
      event->set_household_number(next);
      changed("household_number");
      household = next;
    }
  }
  if (household.empty() && HasCategory(categories, v1::POVERTY_CATEGORY_REGISTERED_POOR)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "HOUSEHOLD_REQUIRED_FOR_POOR", {},
                   "household_number is required for a student of a registered-poor household (category "
                   "REGISTERED_POOR)");
  }
  if (cmd.has_grade() && cmd.grade() != student.grade()) {
    RETURN_IF_ERROR(CheckStageAndGrade(student.stage(), cmd.grade()));
    event->set_grade(cmd.grade());
    changed("grade");
  }
  if (cmd.has_class_name()) {
    ASSIGN_OR_RETURN(std::string class_name, CleanName("class_name", cmd.class_name(), 20, false));
    if (class_name != student.class_name()) {
      event->set_class_name(class_name);
      changed("class_name");
    }
  }
  if (cmd.has_boarding() && cmd.boarding() != student.boarding()) {
    event->set_boarding(cmd.boarding());
    changed("boarding");
  }
  if (cmd.has_bank_card()) {
    ASSIGN_OR_RETURN(*event->mutable_bank_card(),
                     ProtectOptional(protector, "bank_card", cmd.bank_card(), PersonalField::kBankCard));
    changed("bank_card");
  }
  if (cmd.has_phone()) {
    ASSIGN_OR_RETURN(*event->mutable_phone(), ProtectOptional(protector, "phone", cmd.phone(), PersonalField::kPhone));
    changed("phone");
  }
  if (cmd.has_guardian()) {
    ASSIGN_OR_RETURN(*event->mutable_guardian(), CleanGuardian(protector, cmd.guardian()));
    changed("guardian");
  }
  if (event->changed_fields_size() == 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "UPDATE_CHANGES_NOTHING", {},
                   absl::StrCat("update of student '", student.student_id(), "' changes nothing"));
  }
  return Events{MakeEvent(kStudentAggregate, student.student_id(), student.version() + 1, event)};
}

absl::StatusOr<Events> DecideChangeEnrolmentStatus(RegistryState& state, const v1::ChangeEnrolmentStatusRequest& cmd,
                                                   const Plausibility* plausibility) {
  ASSIGN_OR_RETURN(v1::StudentRecord student, RequireStudent(state, cmd.student_id(), cmd.expected_version()));
  v1::EnrolmentStatus to = cmd.status();
  if (to == v1::ENROLMENT_STATUS_UNSPECIFIED || !v1::EnrolmentStatus_IsValid(to)) {
    return FieldRequired("status");
  }
  if (!IsAllowedStatusChange(student.status(), to)) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "STATUS_CHANGE_NOT_ALLOWED",
                   {{"from", v1::EnrolmentStatus_Name(student.status())}, {"to", v1::EnrolmentStatus_Name(to)}},
                   absl::StrCat("student '", student.student_id(), "' cannot go from ",
                                v1::EnrolmentStatus_Name(student.status()), " to ", v1::EnrolmentStatus_Name(to)));
  }
  if (!cmd.has_effective_date() || !rules::IsValidDate(cmd.effective_date())) {
    return FieldInvalid("effective_date", cmd.has_effective_date() ? rules::FormatDate(cmd.effective_date()) : "",
                        "is not a valid date");
  }
  if (rules::CompareDates(cmd.effective_date(), student.birth_date()) < 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_BEFORE_BIRTH",
                   {{"date", rules::FormatDate(cmd.effective_date())}},
                   absl::StrCat("effective_date ", rules::FormatDate(cmd.effective_date()),
                                " is before the student's birth date"));
  }
  if (plausibility) {
    RETURN_IF_ERROR(CheckNotFarAhead(*plausibility, "effective_date", cmd.effective_date()));
    if (cmd.stage() != v1::EDUCATION_STAGE_UNSPECIFIED && cmd.stage() != student.stage()) {
      RETURN_IF_ERROR(CheckBirthDateForStage(*plausibility, student.birth_date(), cmd.stage()));
    }
  }
  ASSIGN_OR_RETURN(std::string reason, CleanName("reason", cmd.reason(), 200, false));
  auto event = std::make_shared<v1::EnrolmentStatusChanged>();
  event->set_student_id(student.student_id());
  event->set_from_status(student.status());
  event->set_to_status(to);
  *event->mutable_effective_date() = cmd.effective_date();
  event->set_reason(reason);
  event->set_previous_school_code(student.school_code());

  const bool moves = to == v1::ENROLMENT_STATUS_ENROLLED && (student.status() == v1::ENROLMENT_STATUS_TRANSFERRED ||
                                                             student.status() == v1::ENROLMENT_STATUS_GRADUATED);
  if (moves || !cmd.school_code().empty()) {
    if (to != v1::ENROLMENT_STATUS_ENROLLED) {
      return Refusal(absl::StatusCode::kInvalidArgument, "SCHOOL_ONLY_WHEN_ENROLLING", {},
                     "school_code may be given only when the new status is ENROLLED");
    }
    if (cmd.school_code().empty()) {
      return Refusal(absl::StatusCode::kInvalidArgument, "SCHOOL_REQUIRED_TO_ENROL",
                     {{"status", v1::EnrolmentStatus_Name(student.status())}},
                     absl::StrCat("school_code is required to enrol a student who was ",
                                  v1::EnrolmentStatus_Name(student.status())));
    }
    ASSIGN_OR_RETURN(std::string school_code, CleanCode("school_code", cmd.school_code(), 32));
    v1::EducationStage stage = cmd.stage() == v1::EDUCATION_STAGE_UNSPECIFIED ? student.stage() : cmd.stage();
    int grade = cmd.grade() == 0 ? student.grade() : cmd.grade();
    RETURN_IF_ERROR(CheckStageAndGrade(stage, grade));
    ASSIGN_OR_RETURN(v1::SchoolRecord school, RequireSchool(state, school_code, stage));
    (void)school;
    ASSIGN_OR_RETURN(std::string class_name, CleanName("class_name", cmd.class_name(), 20, false));
    event->set_school_code(school_code);
    event->set_stage(stage);
    event->set_grade(grade);
    event->set_class_name(class_name);
  } else if (to == v1::ENROLMENT_STATUS_ENROLLED) {
    // Back at (or staying in) the school the pupil belongs to: the event
    // names it, so no follower reads an empty school as "elsewhere".
    event->set_school_code(student.school_code());
    event->set_stage(student.stage());
    event->set_grade(student.grade());
    event->set_class_name(student.class_name());
  }
  return Events{MakeEvent(kStudentAggregate, student.student_id(), student.version() + 1, event)};
}

absl::StatusOr<Events> DecideRecordTransferIn(RegistryState& state, PersonalDataProtector& protector,
                                              const v1::RecordTransferInRequest& cmd,
                                              const Plausibility* plausibility) {
  const std::string id = rules::NormalizeNationalId(cmd.national_id());
  if (id.empty()) return FieldRequired("national_id");
  ASSIGN_OR_RETURN(rules::NationalIdInfo info, rules::ValidateNationalId(id));
  ASSIGN_OR_RETURN(auto student_id, state.FindStudentIdByNationalIdHash(protector.NationalIdHash(info.normalized)));
  if (!student_id) {
    return Refusal(absl::StatusCode::kNotFound, "NATIONAL_ID_NOT_REGISTERED", {{"id", MaskNationalId(id)}},
                   absl::StrCat("no student with national_id ", MaskNationalId(id),
                                " is registered; a pupil new to the registry is registered at the school (`zizhu "
                                "student register`)"));
  }
  ASSIGN_OR_RETURN(v1::StudentRecord student, RequireStudent(state, *student_id, 0));
  ASSIGN_OR_RETURN(std::string school_code, CleanCode("school_code", cmd.school_code(), 32));
  const v1::EducationStage stage = cmd.stage() == v1::EDUCATION_STAGE_UNSPECIFIED ? student.stage() : cmd.stage();
  const int grade = cmd.grade() == 0 ? student.grade() : cmd.grade();
  RETURN_IF_ERROR(CheckStageAndGrade(stage, grade));
  ASSIGN_OR_RETURN(v1::SchoolRecord school, RequireSchool(state, school_code, stage));
  ASSIGN_OR_RETURN(std::string class_name, CleanName("class_name", cmd.class_name(), 20, false));
  ASSIGN_OR_RETURN(std::string evidence, CleanName("evidence_ref", cmd.evidence_ref(), 100, true));
  ASSIGN_OR_RETURN(std::string reason, CleanName("reason", cmd.reason(), 200, false));
  if (reason.empty()) reason = "转入";
  if (student.school_code() == school.school_code() && student.status() == v1::ENROLMENT_STATUS_ENROLLED) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ALREADY_ENROLLED_HERE", {{"school", school.school_code()}},
                   absl::StrCat("student '", student.student_id(), "' is already enrolled at ", school.school_code()));
  }
  if (!cmd.has_effective_date() || !rules::IsValidDate(cmd.effective_date()) ||
      rules::CompareDates(cmd.effective_date(), student.birth_date()) < 0) {
    return FieldInvalid("effective_date", cmd.has_effective_date() ? rules::FormatDate(cmd.effective_date()) : "",
                        "is not a valid date of the pupil's schooling");
  }
  if (plausibility) {
    RETURN_IF_ERROR(CheckNotFarAhead(*plausibility, "effective_date", cmd.effective_date()));
    if (stage != student.stage()) RETURN_IF_ERROR(CheckBirthDateForStage(*plausibility, student.birth_date(), stage));
  }
  Events events;
  int64_t version = student.version();
  v1::EnrolmentStatus from = student.status();
  if (from == v1::ENROLMENT_STATUS_ENROLLED) {
    // The sending school has not recorded the transfer out yet: the
    // receiving school's record of it does, on the same date.
    auto out = std::make_shared<v1::EnrolmentStatusChanged>();
    out->set_student_id(student.student_id());
    out->set_from_status(from);
    out->set_to_status(v1::ENROLMENT_STATUS_TRANSFERRED);
    *out->mutable_effective_date() = cmd.effective_date();
    out->set_reason(absl::StrCat("转出（由转入学校 ", school.school_code(), " 登记）"));
    out->set_previous_school_code(student.school_code());
    out->set_evidence_ref(evidence);
    events.push_back(MakeEvent(kStudentAggregate, student.student_id(), ++version, out));
    from = v1::ENROLMENT_STATUS_TRANSFERRED;
  } else if (!IsAllowedStatusChange(from, v1::ENROLMENT_STATUS_ENROLLED)) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "STATUS_CHANGE_NOT_ALLOWED",
        {{"from", v1::EnrolmentStatus_Name(from)}, {"to", "ENROLMENT_STATUS_ENROLLED"}},
        absl::StrCat("student '", student.student_id(), "' cannot be enrolled from ", v1::EnrolmentStatus_Name(from)));
  }
  auto in = std::make_shared<v1::EnrolmentStatusChanged>();
  in->set_student_id(student.student_id());
  in->set_from_status(from);
  in->set_to_status(v1::ENROLMENT_STATUS_ENROLLED);
  *in->mutable_effective_date() = cmd.effective_date();
  in->set_reason(reason);
  in->set_school_code(school.school_code());
  in->set_stage(stage);
  in->set_grade(grade);
  in->set_class_name(class_name);
  in->set_previous_school_code(student.school_code());
  in->set_evidence_ref(evidence);
  events.push_back(MakeEvent(kStudentAggregate, student.student_id(), ++version, in));
  return events;
}

absl::StatusOr<Events> DecideAssignResponsiblePeople(RegistryState& state, PersonalDataProtector& protector,
                                                     const v1::AssignResponsiblePeopleRequest& cmd) {
  ASSIGN_OR_RETURN(v1::StudentRecord student, RequireStudent(state, cmd.student_id(), cmd.expected_version()));
  auto event = std::make_shared<v1::ResponsiblePeopleAssigned>();
  event->set_student_id(student.student_id());
  struct Role {
    const char* field;
    const v1::PersonInput& in;
    v1::ResponsiblePerson* out;
  };
  Role roles[] = {{"class_teacher", cmd.class_teacher(), event->mutable_class_teacher()},
                  {"deputy_head", cmd.deputy_head(), event->mutable_deputy_head()},
                  {"principal", cmd.principal(), event->mutable_principal()}};
  for (auto& role : roles) {
    ASSIGN_OR_RETURN(std::string name, CleanName(absl::StrCat(role.field, ".name"), role.in.name(), 30));
    role.out->set_name(name);
    ASSIGN_OR_RETURN(*role.out->mutable_phone(), ProtectOptional(protector, absl::StrCat(role.field, ".phone"),
                                                                 role.in.phone(), PersonalField::kPhone));
  }
  return Events{MakeEvent(kStudentAggregate, student.student_id(), student.version() + 1, event)};
}

absl::StatusOr<Events> DecideRevealPersonalData(RegistryState& state, const std::string& student_id,
                                                const std::string& reason, const std::string& access_id) {
  ASSIGN_OR_RETURN(std::string clean_reason, CleanName("reveal.reason", reason, 200));
  ASSIGN_OR_RETURN(auto student, state.FindStudent(student_id));
  if (!student) return NotFound("student_id", student_id);
  auto event = std::make_shared<v1::PersonalDataRevealed>();
  event->set_student_id(student_id);
  for (const char* f : {"national_id", "bank_card", "phone", "guardian.phone"}) event->add_fields(f);
  event->set_reason(clean_reason);
  return Events{MakeEvent(kPersonalDataAccessAggregate, access_id, 1, event)};
}

absl::StatusOr<Events> DecideRecordNationalIdLookup(RegistryState& state, const std::string& student_id,
                                                    const std::string& access_id) {
  ASSIGN_OR_RETURN(auto student, state.FindStudent(student_id));
  if (!student) return NotFound("student_id", student_id);
  auto event = std::make_shared<v1::PersonalDataRevealed>();
  event->set_student_id(student_id);
  event->add_fields("national_id");
  event->set_reason(kNationalIdLookupReason);
  return Events{MakeEvent(kPersonalDataAccessAggregate, access_id, 1, event)};
}

}  // namespace zizhu::registry
