// RegistryApp: the registry's application layer. Turns API requests into
// decisions run by the command processor, and answers queries from the
// projection. Transport-agnostic: the gRPC adapter and tests call it.
//
// Access: every method takes the verified caller; the role must allow the
// action (PERMISSION_DENIED) and the caller's scope must cover the school
// (and so the county) of what is read or changed — outside it a record is
// NOT_FOUND, as if it did not exist. Events carry the caller as actor.
//
// Thread-safety: all methods may be called from any thread. Command answers
// run on the kit's answer pool (never on the writer thread).
#pragma once

#include <functional>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "services/common/auth/access.h"
#include "services/common/core/rate_limiter.h"
#include "services/common/es/commands.h"
#include "services/registry/app/registry_projection.h"
#include "services/registry/app/vault_protector.h"
#include "services/registry/domain/plausibility.h"
#include "zizhu/registry/v1/registry_service.pb.h"

namespace zizhu::registry {

class RegistryApp {
 public:
  // `city`: the city this deployment serves (see auth::AdministersDeployment).
  RegistryApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault,
              PlausibilityPolicy plausibility = {}, std::string city = "");

  void RegisterSchool(const auth::Caller& caller, const v1::RegisterSchoolRequest& request,
                      Callback<v1::RegisterSchoolResponse> done);
  void RegisterHousehold(const auth::Caller& caller, const v1::RegisterHouseholdRequest& request,
                         Callback<v1::RegisterHouseholdResponse> done);
  void RegisterStudent(const auth::Caller& caller, const v1::RegisterStudentRequest& request,
                       Callback<v1::RegisterStudentResponse> done);
  void UpdateStudentAttributes(const auth::Caller& caller, const v1::UpdateStudentAttributesRequest& request,
                               Callback<v1::UpdateStudentAttributesResponse> done);
  void ChangeEnrolmentStatus(const auth::Caller& caller, const v1::ChangeEnrolmentStatusRequest& request,
                             Callback<v1::ChangeEnrolmentStatusResponse> done);
  // The receiving school's roles (and its county's, the city's) record a
  // transfer in of a pupil of any school, found by national ID.
  void RecordTransferIn(const auth::Caller& caller, const v1::RecordTransferInRequest& request,
                        Callback<v1::RecordTransferInResponse> done);
  void AssignResponsiblePeople(const auth::Caller& caller, const v1::AssignResponsiblePeopleRequest& request,
                               Callback<v1::AssignResponsiblePeopleResponse> done);

  // With `reveal` set, the read is recorded (PersonalDataRevealed) before
  // the clear values are returned; otherwise personal data is masked.
  void GetStudent(const auth::Caller& caller, const v1::GetStudentRequest& request,
                  Callback<v1::GetStudentResponse> done);
  void FindStudentByNationalId(const auth::Caller& caller, const v1::FindStudentByNationalIdRequest& request,
                               Callback<v1::FindStudentByNationalIdResponse> done);
  absl::StatusOr<v1::ListStudentsResponse> ListStudents(const auth::Caller& caller,
                                                        const v1::ListStudentsRequest& request) const;
  absl::StatusOr<v1::GetSchoolResponse> GetSchool(const auth::Caller& caller,
                                                  const v1::GetSchoolRequest& request) const;
  absl::StatusOr<v1::ListSchoolsResponse> ListSchools(const auth::Caller& caller,
                                                      const v1::ListSchoolsRequest& request) const;
  absl::StatusOr<v1::ListPersonalDataRevealsResponse> ListPersonalDataReveals(
      const auth::Caller& caller, const v1::ListPersonalDataRevealsRequest& request) const;
  absl::StatusOr<v1::GetHouseholdResponse> GetHousehold(const auth::Caller& caller,
                                                        const v1::GetHouseholdRequest& request) const;

 private:
  // A command whose answer is the student it names (masked).
  // What of a student an answer shows: everything masked (auditors, other
  // systems), the name in full with the rest masked (the roles that work with
  // pupils, in their scope: a work list needs the name), or all in clear (an
  // audited reveal).
  enum class Shown { kMasked, kName, kClear };
  static Shown ShownTo(const auth::Caller& caller);
  template <typename Response>
  void StudentCommand(es::CommandMeta meta, es::DecideFn decide, Shown shown, Callback<Response> done);
  template <typename Response>
  // `meta` carries the fingerprint of the whole request (target and reason),
  // so its request id cannot be reused to reveal someone else.
  void Reveal(const std::string& student_id, es::CommandMeta meta, const std::string& reason, Callback<Response> done);
  template <typename Response>
  absl::StatusOr<Response> AnswerStudent(const std::string& student_id, Shown shown) const;
  absl::StatusOr<v1::School> LoadSchool(const std::string& school_code) const;
  // The school if it exists and `caller`'s scope covers it; NOT_FOUND otherwise.
  absl::StatusOr<v1::School> LoadSchoolInScope(const auth::Caller& caller, const std::string& school_code) const;
  // The student if it exists and its school is in `caller`'s scope.
  absl::StatusOr<v1::StudentRecord> LoadStudentInScope(const auth::Caller& caller, const std::string& student_id) const;
  // School code -> county code, filled as a listing reads schools ("" = no such school).
  using SchoolCounties = absl::flat_hash_map<std::string, std::string>;
  bool StudentInScope(const auth::Caller& caller, const v1::StudentRecord& record,
                      SchoolCounties* counties = nullptr) const;
  absl::StatusOr<v1::Household> LoadHousehold(const std::string& household_number) const;
  absl::StatusOr<v1::StudentRecord> LoadStudent(const std::string& student_id) const;
  absl::StatusOr<v1::Student> ToApi(const v1::StudentRecord& record, Shown shown) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
  PlausibilityPolicy plausibility_;
  std::string city_;
  // Lookups by a full national ID per caller: enough for an office's work,
  // too few to try the candidates of a mask one by one.
  mutable RateLimiter id_lookups_{kNationalIdLookupsPerMinute, absl::Minutes(1)};

 public:
  static constexpr int kNationalIdLookupsPerMinute = 30;
};

}  // namespace zizhu::registry
