// RegistryApp: the registry's application layer. Turns API requests into
// decisions run by the command processor, and answers queries from the
// projection. Transport-agnostic: the gRPC adapter and tests call it.
//
// Thread-safety: all methods may be called from any thread. Command answers
// run on the kit's answer pool (never on the writer thread).
#pragma once

#include <functional>
#include <memory>

#include "services/common/es/commands.h"
#include "services/registry/app/registry_projection.h"
#include "services/registry/app/vault_protector.h"
#include "services/registry/domain/plausibility.h"
#include "zizhu/registry/v1/registry_service.pb.h"

namespace zizhu::registry {

class RegistryApp {
 public:
  RegistryApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault,
              PlausibilityPolicy plausibility = {});

  void RegisterSchool(const v1::RegisterSchoolRequest& request, Callback<v1::RegisterSchoolResponse> done);
  void RegisterHousehold(const v1::RegisterHouseholdRequest& request, Callback<v1::RegisterHouseholdResponse> done);
  void RegisterStudent(const v1::RegisterStudentRequest& request, Callback<v1::RegisterStudentResponse> done);
  void UpdateStudentAttributes(const v1::UpdateStudentAttributesRequest& request,
                               Callback<v1::UpdateStudentAttributesResponse> done);
  void ChangeEnrolmentStatus(const v1::ChangeEnrolmentStatusRequest& request,
                             Callback<v1::ChangeEnrolmentStatusResponse> done);
  void AssignResponsiblePeople(const v1::AssignResponsiblePeopleRequest& request,
                               Callback<v1::AssignResponsiblePeopleResponse> done);

  // With `reveal` set, the read is recorded (PersonalDataRevealed) before
  // the clear values are returned; otherwise personal data is masked.
  void GetStudent(const v1::GetStudentRequest& request, Callback<v1::GetStudentResponse> done);
  void FindStudentByNationalId(const v1::FindStudentByNationalIdRequest& request,
                               Callback<v1::FindStudentByNationalIdResponse> done);
  absl::StatusOr<v1::ListStudentsResponse> ListStudents(const v1::ListStudentsRequest& request) const;
  absl::StatusOr<v1::GetSchoolResponse> GetSchool(const v1::GetSchoolRequest& request) const;
  absl::StatusOr<v1::ListSchoolsResponse> ListSchools(const v1::ListSchoolsRequest& request) const;
  absl::StatusOr<v1::GetHouseholdResponse> GetHousehold(const v1::GetHouseholdRequest& request) const;

 private:
  // A command whose answer is the student it names (masked).
  template <typename Response>
  void StudentCommand(es::CommandMeta meta, es::DecideFn decide, Callback<Response> done);
  template <typename Response>
  // `meta` carries the fingerprint of the whole request (target and reason),
  // so its request id cannot be reused to reveal someone else.
  void Reveal(const std::string& student_id, es::CommandMeta meta, const std::string& reason, Callback<Response> done);
  template <typename Response>
  absl::StatusOr<Response> AnswerStudent(const std::string& student_id, bool reveal) const;
  absl::StatusOr<v1::School> LoadSchool(const std::string& school_code) const;
  absl::StatusOr<v1::Household> LoadHousehold(const std::string& household_number) const;
  absl::StatusOr<v1::StudentRecord> LoadStudent(const std::string& student_id) const;
  absl::StatusOr<v1::Student> ToApi(const v1::StudentRecord& record, bool reveal) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
  PlausibilityPolicy plausibility_;
};

}  // namespace zizhu::registry
