// RegistryApp: the registry's application layer. Turns API requests into
// decisions run by the command processor, and answers queries from the
// projection. Transport-agnostic: the gRPC adapter and tests call it.
//
// Thread-safety: all methods may be called from any thread. Command
// callbacks run on the command processor's thread and must not block.
#pragma once

#include <functional>
#include <memory>

#include "services/common/es/command_processor.h"
#include "services/registry/app/registry_projection.h"
#include "services/registry/app/vault_protector.h"
#include "zizhu/registry/v1/registry_service.pb.h"

namespace zizhu::registry {

template <typename T>
using Callback = std::function<void(absl::StatusOr<T>)>;

class RegistryApp {
 public:
  RegistryApp(es::CommandProcessor* processor, storage::ProjectionStore* store, const PersonalDataVault* vault);

  void RegisterSchool(const v1::RegisterSchoolRequest& request, Callback<v1::School> done);
  void RegisterHousehold(const v1::RegisterHouseholdRequest& request, Callback<v1::Household> done);
  void RegisterStudent(const v1::RegisterStudentRequest& request, Callback<v1::Student> done);
  void UpdateStudentAttributes(const v1::UpdateStudentAttributesRequest& request, Callback<v1::Student> done);
  void ChangeEnrolmentStatus(const v1::ChangeEnrolmentStatusRequest& request, Callback<v1::Student> done);
  void AssignResponsiblePeople(const v1::AssignResponsiblePeopleRequest& request, Callback<v1::Student> done);

  // With `reveal` set, the read is recorded (PersonalDataRevealed) before
  // the clear values are returned; otherwise personal data is masked.
  void GetStudent(const v1::GetStudentRequest& request, Callback<v1::Student> done);
  void FindStudentByNationalId(const v1::FindStudentByNationalIdRequest& request, Callback<v1::Student> done);
  absl::StatusOr<v1::ListStudentsResponse> ListStudents(const v1::ListStudentsRequest& request) const;
  absl::StatusOr<v1::School> GetSchool(const std::string& school_code) const;
  absl::StatusOr<v1::ListSchoolsResponse> ListSchools(const v1::ListSchoolsRequest& request) const;
  absl::StatusOr<v1::Household> GetHousehold(const std::string& household_number) const;

 private:
  void SubmitStudentCommand(const v1::CommandMeta& meta, es::DecideFn decide, Callback<v1::Student> done);
  void Reveal(const std::string& student_id, const v1::RevealRequest& reveal, Callback<v1::Student> done);
  absl::StatusOr<v1::StudentRecord> LoadStudent(const std::string& student_id) const;
  absl::StatusOr<v1::Student> ToApi(const v1::StudentRecord& record, bool reveal) const;

  es::CommandProcessor* processor_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
};

es::CommandMeta ToCommandMeta(const v1::CommandMeta& meta);

}  // namespace zizhu::registry
