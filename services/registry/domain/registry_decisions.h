// Pure decisions of the registry: Decide(state, command) -> events. No I/O,
// no clock, no randomness (ids and time are passed in). Commands are the API
// request messages; state is read through RegistryState.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "services/common/es/new_event.h"
#include "services/registry/domain/plausibility.h"
#include "services/registry/domain/ports.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/registry_service.pb.h"

namespace zizhu::registry {

inline constexpr char kStudentAggregate[] = "registry.Student";
inline constexpr char kSchoolAggregate[] = "registry.School";
inline constexpr char kHouseholdAggregate[] = "registry.Household";
inline constexpr char kPersonalDataAccessAggregate[] = "registry.PersonalDataAccess";

using Events = std::vector<es::NewEvent>;

absl::StatusOr<Events> DecideRegisterSchool(RegistryState& state, const v1::RegisterSchoolRequest& cmd);
absl::StatusOr<Events> DecideRegisterHousehold(RegistryState& state, const v1::RegisterHouseholdRequest& cmd);
// `new_student_id` is the id to give the student if the command is accepted.
// With `plausibility`, the birth date must not be in the future and the age
// must fit the stage (policy data); the service always passes it.
absl::StatusOr<Events> DecideRegisterStudent(RegistryState& state, PersonalDataProtector& protector,
                                             const v1::RegisterStudentRequest& cmd, const std::string& new_student_id,
                                             const Plausibility* plausibility = nullptr);
absl::StatusOr<Events> DecideUpdateStudentAttributes(RegistryState& state, PersonalDataProtector& protector,
                                                     const v1::UpdateStudentAttributesRequest& cmd);
// With `plausibility`, effective_date may not lie far ahead, and a new
// stage must fit the student's age.
absl::StatusOr<Events> DecideChangeEnrolmentStatus(RegistryState& state, const v1::ChangeEnrolmentStatusRequest& cmd,
                                                   const Plausibility* plausibility = nullptr);
// The receiving school records a transfer in by the pupil's national ID
// (from any school): EnrolmentStatusChanged to ENROLLED at the school, after
// one to TRANSFERRED when the sending school had not recorded it yet; both
// carry the sending school's record (evidence_ref). NOT_FOUND when nobody
// has the ID; FAILED_PRECONDITION when already enrolled there.
absl::StatusOr<Events> DecideRecordTransferIn(RegistryState& state, PersonalDataProtector& protector,
                                              const v1::RecordTransferInRequest& cmd, const Plausibility* plausibility);

absl::StatusOr<Events> DecideAssignResponsiblePeople(RegistryState& state, PersonalDataProtector& protector,
                                                     const v1::AssignResponsiblePeopleRequest& cmd);
// Records that an operator read a student's personal data in clear.
absl::StatusOr<Events> DecideRevealPersonalData(RegistryState& state, const std::string& student_id,
                                                const std::string& reason, const std::string& access_id);

// Records that an operator found a student by its full national ID: the
// lookup confirms whose ID it is, so it is audited like a reveal (fields
// {"national_id"}, a fixed reason).
absl::StatusOr<Events> DecideRecordNationalIdLookup(RegistryState& state, const std::string& student_id,
                                                    const std::string& access_id);
// The reason an auditor reads on such a lookup.
inline constexpr char kNationalIdLookupReason[] = "按完整身份证号查找 (lookup by full national ID)";

// Whether `from` -> `to` is an allowed enrolment status change.
bool IsAllowedStatusChange(v1::EnrolmentStatus from, v1::EnrolmentStatus to);
// Highest grade of a stage (e.g. primary 6), 0 for UNSPECIFIED.
int MaxGrade(v1::EducationStage stage);

}  // namespace zizhu::registry
