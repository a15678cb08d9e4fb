#include "services/registry/app/registry_app.h"

#include "absl/strings/str_cat.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/paging.h"
#include "services/registry/app/registry_keys.h"
#include "services/registry/domain/registry_decisions.h"
#include "services/registry/published/registry_actions.h"

namespace zizhu::registry {
namespace {

v1::School SchoolToApi(const v1::SchoolRecord& r) {
  v1::School s;
  s.set_school_code(r.school_code());
  s.set_version(r.version());
  s.set_name(r.name());
  s.set_county_code(r.county_code());
  s.set_county_name(r.county_name());
  *s.mutable_stages() = r.stages();
  s.set_rural(r.rural());
  return s;
}

v1::Household HouseholdToApi(const v1::HouseholdRecord& r) {
  v1::Household h;
  h.set_household_number(r.household_number());
  h.set_version(r.version());
  h.set_head_name(r.head_name());
  *h.mutable_locality() = r.locality();
  h.set_household_type(r.household_type());
  h.set_year_registered(r.year_registered());
  return h;
}

}  // namespace

RegistryApp::RegistryApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault,
                         PlausibilityPolicy plausibility, std::string city)
    : commands_(commands),
      store_(store),
      vault_(vault),
      plausibility_(std::move(plausibility)),
      city_(std::move(city)) {}

void RegistryApp::RegisterSchool(const auth::Caller& caller, const v1::RegisterSchoolRequest& request,
                                 Callback<v1::RegisterSchoolResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kRegisterSchools); !allowed.ok()) return done(allowed);
  if (!auth::CoversCounty(caller, request.county_code())) {
    return done(auth::OutOfScope("county_code", request.county_code().substr(0, 12)));
  }
  commands_->Run<v1::RegisterSchoolResponse>(
      caller, request,
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideRegisterSchool(state, request);
      },
      [this](const common::v1::CommandOutcome& outcome) -> absl::StatusOr<v1::RegisterSchoolResponse> {
        v1::RegisterSchoolResponse response;
        ASSIGN_OR_RETURN(*response.mutable_school(), LoadSchool(outcome.aggregate_id()));
        return response;
      },
      std::move(done));
}

void RegistryApp::RegisterHousehold(const auth::Caller& caller, const v1::RegisterHouseholdRequest& request,
                                    Callback<v1::RegisterHouseholdResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  commands_->Run<v1::RegisterHouseholdResponse>(
      caller, request,
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideRegisterHousehold(state, request);
      },
      [this](const common::v1::CommandOutcome& outcome) -> absl::StatusOr<v1::RegisterHouseholdResponse> {
        v1::RegisterHouseholdResponse response;
        ASSIGN_OR_RETURN(*response.mutable_household(), LoadHousehold(outcome.aggregate_id()));
        return response;
      },
      std::move(done));
}

template <typename Response>
absl::StatusOr<Response> RegistryApp::AnswerStudent(const std::string& student_id, Shown shown) const {
  ASSIGN_OR_RETURN(v1::StudentRecord record, LoadStudent(student_id));
  Response response;
  ASSIGN_OR_RETURN(*response.mutable_student(), ToApi(record, shown));
  return response;
}

template <typename Response>
void RegistryApp::StudentCommand(es::CommandMeta meta, es::DecideFn decide, Shown shown, Callback<Response> done) {
  commands_->Run<Response>(
      std::move(meta), std::move(decide),
      [this, shown](const common::v1::CommandOutcome& outcome) {
        return AnswerStudent<Response>(outcome.aggregate_id(), shown);
      },
      std::move(done));
}

void RegistryApp::RegisterStudent(const auth::Caller& caller, const v1::RegisterStudentRequest& request,
                                  Callback<v1::RegisterStudentResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  if (!request.school_code().empty()) {
    if (auto school = LoadSchoolInScope(caller, request.school_code()); !school.ok()) return done(school.status());
  }
  StudentCommand(
      es::FromCaller(caller, request.meta(), request),
      [this, request](storage::ProjectionBatch& view, absl::Time now) {
        BatchRegistryState state(view);
        VaultProtector protector(vault_);
        const Plausibility plausibility{plausibility_, rules::DateInChina(now)};
        return DecideRegisterStudent(state, protector, request, NewPrefixedId("stu"), &plausibility);
      },
      ShownTo(caller), std::move(done));
}

void RegistryApp::UpdateStudentAttributes(const auth::Caller& caller, const v1::UpdateStudentAttributesRequest& request,
                                          Callback<v1::UpdateStudentAttributesResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  if (auto student = LoadStudentInScope(caller, request.student_id()); !student.ok()) return done(student.status());
  StudentCommand(
      es::FromCaller(caller, request.meta(), request),
      [this, request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        VaultProtector protector(vault_);
        return DecideUpdateStudentAttributes(state, protector, request);
      },
      ShownTo(caller), std::move(done));
}

void RegistryApp::ChangeEnrolmentStatus(const auth::Caller& caller, const v1::ChangeEnrolmentStatusRequest& request,
                                        Callback<v1::ChangeEnrolmentStatusResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  if (auto student = LoadStudentInScope(caller, request.student_id()); !student.ok()) return done(student.status());
  StudentCommand(
      es::FromCaller(caller, request.meta(), request),
      [this, request](storage::ProjectionBatch& view, absl::Time now) {
        BatchRegistryState state(view);
        const Plausibility plausibility{plausibility_, rules::DateInChina(now)};
        return DecideChangeEnrolmentStatus(state, request, &plausibility);
      },
      ShownTo(caller), std::move(done));
}

void RegistryApp::RecordTransferIn(const auth::Caller& caller, const v1::RecordTransferInRequest& request,
                                   Callback<v1::RecordTransferInResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  // The receiving school must be the caller's; the pupil may be anywhere.
  if (auto school = LoadSchoolInScope(caller, request.school_code()); !school.ok()) return done(school.status());
  StudentCommand(
      es::FromCaller(caller, request.meta(), request),
      [this, request](storage::ProjectionBatch& view, absl::Time now) {
        BatchRegistryState state(view);
        VaultProtector protector(vault_);
        const Plausibility plausibility{plausibility_, rules::DateInChina(now)};
        return DecideRecordTransferIn(state, protector, request, &plausibility);
      },
      ShownTo(caller), std::move(done));
}

void RegistryApp::AssignResponsiblePeople(const auth::Caller& caller, const v1::AssignResponsiblePeopleRequest& request,
                                          Callback<v1::AssignResponsiblePeopleResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kWriteStudents); !allowed.ok()) return done(allowed);
  if (auto student = LoadStudentInScope(caller, request.student_id()); !student.ok()) return done(student.status());
  StudentCommand(
      es::FromCaller(caller, request.meta(), request),
      [this, request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        VaultProtector protector(vault_);
        return DecideAssignResponsiblePeople(state, protector, request);
      },
      ShownTo(caller), std::move(done));
}

template <typename Response>
void RegistryApp::Reveal(const std::string& student_id, es::CommandMeta meta, const std::string& reason,
                         Callback<Response> done) {
  const std::string request_id = meta.request_id;
  commands_->Run<Response>(
      std::move(meta),
      [student_id, reason](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideRevealPersonalData(state, student_id, reason, NewPrefixedId("acc"));
      },
      [this, student_id, request_id](const common::v1::CommandOutcome& outcome) -> absl::StatusOr<Response> {
        // Every clear-text answer has its own audit event: a repeated reveal
        // is not answered from the first one's record.
        if (outcome.replayed()) {
          return Refusal(absl::StatusCode::kAlreadyExists, "REVEAL_REQUEST_USED", {{"request", request_id}},
                         absl::StrCat("request_id '", request_id,
                                      "' already revealed this student once; a new reveal needs a new request_id (and "
                                      "is recorded again)"));
        }
        return AnswerStudent<Response>(student_id, Shown::kClear);
      },
      std::move(done));
}

void RegistryApp::GetStudent(const auth::Caller& caller, const v1::GetStudentRequest& request,
                             Callback<v1::GetStudentResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::kRead); !allowed.ok()) return done(allowed);
  if (request.student_id().empty()) return done(FieldRequired("student_id"));
  if (auto student = LoadStudentInScope(caller, request.student_id()); !student.ok()) return done(student.status());
  if (request.has_reveal()) {
    if (absl::Status allowed = auth::Require(caller, auth::kRevealPersonalData); !allowed.ok()) {
      return done(allowed);
    }
    return Reveal(request.student_id(), es::FromCaller(caller, request.reveal().meta(), request),
                  request.reveal().reason(), std::move(done));
  }
  done(AnswerStudent<v1::GetStudentResponse>(request.student_id(), ShownTo(caller)));
}

void RegistryApp::FindStudentByNationalId(const auth::Caller& caller, const v1::FindStudentByNationalIdRequest& request,
                                          Callback<v1::FindStudentByNationalIdResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::kRead); !allowed.ok()) return done(allowed);
  // Every lookup counts, found or not: trying the candidates a mask leaves
  // (probe finding 4) needs many.
  if (absl::Status admitted = id_lookups_.Admit(caller.actor(), absl::Now(), "lookups by national_id");
      !admitted.ok()) {
    return done(admitted);
  }
  std::string id = rules::NormalizeNationalId(request.national_id());
  absl::StatusOr<rules::NationalIdInfo> info = rules::ValidateNationalId(id);
  if (!info.ok()) return done(info.status());
  absl::StatusOr<std::optional<std::string>> student_id =
      store_->Get(keys::NationalIdHash(vault_->LookupHash(info->normalized, "national_id")));
  if (!student_id.ok()) return done(student_id.status());
  const absl::Status not_found = NotFound("national_id", MaskNationalId(id));
  if (!student_id->has_value()) return done(not_found);
  if (auto student = LoadStudentInScope(caller, **student_id); !student.ok()) {
    return done(absl::IsNotFound(student.status()) ? not_found : student.status());
  }
  if (request.has_reveal()) {
    if (absl::Status allowed = auth::Require(caller, auth::kRevealPersonalData); !allowed.ok()) {
      return done(allowed);
    }
    return Reveal(**student_id, es::FromCaller(caller, request.reveal().meta(), request), request.reveal().reason(),
                  std::move(done));
  }
  // Found: the auditor sees who confirmed whose ID. No fingerprint: the
  // request holds the whole ID, and a hash of 18 digits is no secret.
  es::CommandMeta meta;
  meta.request_id = NewPrefixedId("lookup");
  meta.actor = caller.actor();
  meta.org_scope = caller.org_scope();
  const std::string found = **student_id;
  commands_->Run<v1::FindStudentByNationalIdResponse>(
      std::move(meta),
      [found](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideRecordNationalIdLookup(state, found, NewPrefixedId("acc"));
      },
      [this, found, shown = ShownTo(caller)](const common::v1::CommandOutcome&) {
        return AnswerStudent<v1::FindStudentByNationalIdResponse>(found, shown);
      },
      std::move(done));
}

bool RegistryApp::StudentInScope(const auth::Caller& caller, const v1::StudentRecord& record,
                                 SchoolCounties* counties) const {
  if (auth::AdministersDeployment(caller, city_)) return true;  // the whole city: no school to read
  if (auth::IsSchoolRole(caller)) return auth::CoversSchool(caller, "", record.school_code());
  SchoolCounties one;
  if (!counties) counties = &one;
  auto it = counties->find(record.school_code());
  if (it == counties->end()) {
    absl::StatusOr<v1::School> school = LoadSchool(record.school_code());
    it = counties->emplace(record.school_code(), school.ok() ? school->county_code() : "").first;
  }
  return !it->second.empty() && auth::CoversSchool(caller, it->second, record.school_code());
}

absl::StatusOr<v1::StudentRecord> RegistryApp::LoadStudentInScope(const auth::Caller& caller,
                                                                  const std::string& student_id) const {
  if (student_id.empty()) return FieldRequired("student_id");
  absl::StatusOr<v1::StudentRecord> record = LoadStudent(student_id);
  if (!record.ok()) return record.status();
  if (!StudentInScope(caller, *record)) return auth::OutOfScope("student_id", student_id);
  return record;
}

absl::StatusOr<v1::School> RegistryApp::LoadSchoolInScope(const auth::Caller& caller,
                                                          const std::string& school_code) const {
  absl::StatusOr<v1::School> school = LoadSchool(school_code);
  if (!school.ok()) return school.status();
  if (!auth::CoversSchool(caller, school->county_code(), school_code))
    return auth::OutOfScope("school_code", school_code);
  return school;
}

absl::StatusOr<v1::StudentRecord> RegistryApp::LoadStudent(const std::string& student_id) const {
  const std::string key = keys::Student(student_id);
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::StudentRecord>(*store_, key));
  if (!record) return NotFound("student_id", student_id);
  return *record;
}

RegistryApp::Shown RegistryApp::ShownTo(const auth::Caller& caller) {
  switch (caller.role) {
    case auth::Role::kCityAdmin:
    case auth::Role::kCountyOfficer:
    case auth::Role::kSchoolOperator:
    case auth::Role::kReviewer:
      return Shown::kName;
    default:
      return Shown::kMasked;
  }
}

absl::StatusOr<v1::Student> RegistryApp::ToApi(const v1::StudentRecord& r, Shown shown) const {
  const bool reveal = shown == Shown::kClear;
  const bool name = shown != Shown::kMasked;
  VaultProtector protector(vault_);
  v1::Student s;
  auto personal = [&](const v1::ProtectedValue& value, PersonalField field, v1::PersonalValue* out) -> absl::Status {
    out->set_masked(value.masked());
    if (reveal) {
      ASSIGN_OR_RETURN(*out->mutable_clear(), protector.Reveal(value, field));
    }
    return absl::OkStatus();
  };
  s.set_student_id(r.student_id());
  s.set_version(r.version());
  s.set_name(name ? r.name() : MaskName(r.name()));
  RETURN_IF_ERROR(personal(r.national_id(), PersonalField::kNationalId, s.mutable_national_id()));
  s.set_gender(r.gender());
  *s.mutable_birth_date() = r.birth_date();
  // The day only in clear: a mask with the exact birth date beside it left
  // few candidates for the whole ID (probe finding 4).
  if (!reveal) s.mutable_birth_date()->clear_day();
  s.set_ethnic_group(r.ethnic_group());
  s.set_household_number(r.household_number());
  *s.mutable_categories() = r.categories();
  s.set_stage(r.stage());
  s.set_school_code(r.school_code());
  s.set_grade(r.grade());
  s.set_class_name(r.class_name());
  s.set_boarding(r.boarding());
  s.set_status(r.status());
  RETURN_IF_ERROR(personal(r.bank_card(), PersonalField::kBankCard, s.mutable_bank_card()));
  s.set_guardian_name(name ? r.guardian().name() : MaskName(r.guardian().name()));
  s.set_guardian_relation(r.guardian().relation());
  RETURN_IF_ERROR(personal(r.guardian().phone(), PersonalField::kPhone, s.mutable_guardian_phone()));
  RETURN_IF_ERROR(personal(r.phone(), PersonalField::kPhone, s.mutable_phone()));
  struct Role {
    const v1::ResponsiblePerson& in;
    v1::Person* out;
  };
  for (Role role : {Role{r.class_teacher(), s.mutable_class_teacher()}, Role{r.deputy_head(), s.mutable_deputy_head()},
                    Role{r.principal(), s.mutable_principal()}}) {
    // Responsible people are public officials: names are shown, phones masked.
    role.out->set_name(role.in.name());
    RETURN_IF_ERROR(personal(role.in.phone(), PersonalField::kPhone, role.out->mutable_phone()));
  }
  *s.mutable_registered_at() = r.registered_at();
  *s.mutable_updated_at() = r.updated_at();
  for (const auto& h : r.status_history()) {
    v1::StatusChange* c = s.add_status_history();
    c->set_from_status(h.from_status());
    c->set_to_status(h.to_status());
    *c->mutable_effective_date() = h.effective_date();
    c->set_reason(h.reason());
    c->set_school_code(h.school_code());
    c->set_previous_school_code(h.previous_school_code());
    c->set_evidence_ref(h.evidence_ref());
  }
  return s;
}

absl::StatusOr<v1::ListStudentsResponse> RegistryApp::ListStudents(const auth::Caller& caller,
                                                                   const v1::ListStudentsRequest& scoped) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(scoped.page_size()));
  const Shown shown = ShownTo(caller);  // names in full to the roles that work with pupils
  // A school's own roles list their school whatever they ask for.
  v1::ListStudentsRequest request = scoped;
  if (auth::IsSchoolRole(caller) && request.school_code().empty()) {
    request.set_school_code(caller.scope);
  }
  if (!request.school_code().empty()) RETURN_IF_ERROR(LoadSchoolInScope(caller, request.school_code()).status());
  if (request.status() != v1::ENROLMENT_STATUS_UNSPECIFIED && !v1::EnrolmentStatus_IsValid(request.status())) {
    return FieldInvalid("status", std::to_string(static_cast<int>(request.status())), "is not valid");
  }
  if ((request.grade() != 0 || !request.class_name().empty()) && request.school_code().empty()) {
    return FieldNeeds(request.grade() != 0 ? "grade" : "class_name", "school_code");
  }
  if (!request.class_name().empty() && request.grade() == 0) {
    return FieldNeeds("class_name", "grade");
  }
  SchoolCounties counties;  // schools read once per listing
  // Pick the narrowest index; the remaining filters are checked per row.
  std::string prefix;
  bool index_is_student_rows = false;
  if (request.left_school()) {
    // The pupils who moved away: the sending school sees where they went.
    if (request.school_code().empty()) return FieldNeeds("left_school", "school_code");
    v1::ListStudentsResponse response;
    ASSIGN_OR_RETURN(
        *response.mutable_next_page_token(),
        storage::ScanPage(*store_, keys::LeftSchoolPrefix(request.school_code()), request.page_token(), page_size,
                          [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                            ASSIGN_OR_RETURN(v1::StudentRecord record,
                                             LoadStudent(key.substr(key.rfind(keys::kSep) + 1)));
                            if (record.school_code() == request.school_code()) return false;  // came back
                            ASSIGN_OR_RETURN(*response.add_students(), ToApi(record, shown));
                            return true;
                          }));
    return response;
  }
  if (!request.school_code().empty()) {
    prefix = !request.class_name().empty()
                 ? keys::BySchoolClassPrefix(request.school_code(), request.grade(), request.class_name())
             : request.grade() != 0 ? keys::BySchoolGradePrefix(request.school_code(), request.grade())
                                    : keys::BySchoolPrefix(request.school_code());
  } else if (request.status() != v1::ENROLMENT_STATUS_UNSPECIFIED) {
    prefix = keys::ByStatusPrefix(request.status());
  } else {
    prefix = keys::kStudentPrefix;
    index_is_student_rows = true;
  }
  v1::ListStudentsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string& value) -> absl::StatusOr<bool> {
                          v1::StudentRecord record;
                          if (index_is_student_rows) {
                            if (!record.ParseFromString(value)) {
                              return absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
                            }
                          } else {
                            ASSIGN_OR_RETURN(record, LoadStudent(key.substr(key.rfind(keys::kSep) + 1)));
                          }
                          if (request.status() != v1::ENROLMENT_STATUS_UNSPECIFIED &&
                              record.status() != request.status()) {
                            return false;
                          }
                          if (!StudentInScope(caller, record, &counties)) return false;
                          ASSIGN_OR_RETURN(*response.add_students(), ToApi(record, shown));
                          return true;
                        }));
  return response;
}

absl::StatusOr<v1::GetSchoolResponse> RegistryApp::GetSchool(const auth::Caller& caller,
                                                             const v1::GetSchoolRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  v1::GetSchoolResponse response;
  ASSIGN_OR_RETURN(*response.mutable_school(), LoadSchoolInScope(caller, request.school_code()));
  return response;
}

absl::StatusOr<v1::School> RegistryApp::LoadSchool(const std::string& school_code) const {
  if (school_code.empty()) return FieldRequired("school_code");
  const std::string key = keys::School(school_code);
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::SchoolRecord>(*store_, key));
  if (!record) return NotFound("school_code", school_code);
  return SchoolToApi(*record);
}

absl::StatusOr<v1::ListSchoolsResponse> RegistryApp::ListSchools(const auth::Caller& caller,
                                                                 const v1::ListSchoolsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  std::string prefix =
      request.county_code().empty() ? keys::kSchoolPrefix : keys::ByCountyPrefix(request.county_code());
  v1::ListSchoolsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string& value) -> absl::StatusOr<bool> {
                          v1::School school;
                          if (!request.county_code().empty()) {
                            ASSIGN_OR_RETURN(school, LoadSchool(key.substr(key.rfind(keys::kSep) + 1)));
                          } else {
                            v1::SchoolRecord record;
                            if (!record.ParseFromString(value)) {
                              return absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
                            }
                            school = SchoolToApi(record);
                          }
                          if (!auth::CoversSchool(caller, school.county_code(), school.school_code())) return false;
                          *response.add_schools() = std::move(school);
                          return true;
                        }));
  return response;
}

absl::StatusOr<v1::GetHouseholdResponse> RegistryApp::GetHousehold(const auth::Caller& caller,
                                                                   const v1::GetHouseholdRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  // A household's locality is free text (no county code to match a scope
  // with): only the deployment's administrators read households directly;
  // everyone else sees them through their students (household_number).
  std::string number = request.household_number();
  if (!auth::AdministersDeployment(caller, city_)) {
    if (request.student_id().empty()) return auth::OutOfScope("household_number", number);
    ASSIGN_OR_RETURN(v1::StudentRecord student, LoadStudentInScope(caller, request.student_id()));
    if (student.household_number().empty() || (!number.empty() && number != student.household_number())) {
      return auth::OutOfScope("household_number", number);
    }
    number = student.household_number();
  }
  if (number.empty()) return FieldRequired("household_number");
  v1::GetHouseholdResponse response;
  ASSIGN_OR_RETURN(*response.mutable_household(), LoadHousehold(number));
  return response;
}

absl::StatusOr<v1::ListPersonalDataRevealsResponse> RegistryApp::ListPersonalDataReveals(
    const auth::Caller& caller, const v1::ListPersonalDataRevealsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kReadAudit));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::ListPersonalDataRevealsResponse response;
  SchoolCounties counties;  // schools read once per listing
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, keys::kAccessByTimePrefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                          const std::string access_id = key.substr(key.rfind('/') + 1);
                          ASSIGN_OR_RETURN(auto envelope, storage::LoadRow<common::v1::EventEnvelope>(
                                                              *store_, keys::Access(access_id)));
                          v1::PersonalDataRevealed event;
                          if (!envelope || !envelope->payload().UnpackTo(&event)) {
                            return absl::DataLossError(absl::StrCat("audit row '", key, "' has no reveal"));
                          }
                          if (!request.actor().empty() && envelope->actor() != request.actor()) return false;
                          if (!request.student_id().empty() && event.student_id() != request.student_id()) {
                            return false;
                          }
                          // The auditor's scope: the student's school.
                          absl::StatusOr<v1::StudentRecord> student = LoadStudent(event.student_id());
                          if (!student.ok() && !absl::IsNotFound(student.status())) return student.status();
                          if (!student.ok() || !StudentInScope(caller, *student, &counties)) return false;
                          v1::PersonalDataReveal* r = response.add_reveals();
                          r->set_access_id(access_id);
                          r->set_actor(envelope->actor());
                          r->set_actor_org_scope(envelope->org_scope());
                          r->set_student_id(event.student_id());
                          *r->mutable_fields() = event.fields();
                          r->set_reason(event.reason());
                          *r->mutable_revealed_at() = envelope->occurred_at();
                          r->set_request_id(envelope->request_id());
                          return true;
                        }));
  return response;
}

absl::StatusOr<v1::Household> RegistryApp::LoadHousehold(const std::string& household_number) const {
  if (household_number.empty()) return FieldRequired("household_number");
  const std::string key = keys::Household(household_number);
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::HouseholdRecord>(*store_, key));
  if (!record) return NotFound("household_number", household_number);
  return HouseholdToApi(*record);
}

}  // namespace zizhu::registry
