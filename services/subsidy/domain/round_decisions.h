// Pure decisions of the subsidy service: policy versions and the semester
// aid round of one school (aggregate subsidy.Round, id "<school>/<semester>").
// Every invariant a round command checks lives inside the round's key: the
// quota, the notice window, the objections, the coverage of the school's
// registered-poor students. Each refusal has an exact code and a message
// naming the field and the value; `now` is the command's decision time, and
// dates are civil dates in China.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/es/new_event.h"
#include "services/subsidy/domain/ports.h"
#include "services/subsidy/domain/semester.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.pb.h"

namespace zizhu::subsidy {

inline constexpr char kPolicyAggregate[] = "subsidy.Policy";
inline constexpr char kRoundAggregate[] = "subsidy.Round";
// Entitlements per EntitlementsFixed event (keeps each record well under
// Kafka's message limit).
inline constexpr int kEntitlementsPerEvent = 500;
// Items per batch command (applications, reviews, coverage reasons).
inline constexpr int kMaxBatchItems = 5000;

using Events = std::vector<es::NewEvent>;

std::string RoundId(const std::string& school_code, const std::string& semester);
// INVALID_ARGUMENT unless "<school code>/<semester>".
absl::StatusOr<std::pair<std::string, Semester>> ParseRoundId(const std::string& round_id);

// The published version in force for a semester: the latest effective date
// on or before the semester's first day. FAILED_PRECONDITION when none.
absl::StatusOr<v1::PolicyRecord> PolicyInForce(SubsidyState& state, const Semester& semester);

absl::StatusOr<Events> DecideLoadPolicy(SubsidyState& state, const v1::Policy& policy, bool draft,
                                        const std::string& file_name, const std::string& file_hash);
absl::StatusOr<Events> DecidePublishPolicy(SubsidyState& state, const std::string& version);

absl::StatusOr<Events> DecideOpenRound(SubsidyState& state, const v1::OpenRoundRequest& request, absl::Time now);
absl::StatusOr<Events> DecideSubmitApplications(SubsidyState& state, const v1::SubmitApplicationsRequest& request,
                                                absl::Time now);
absl::StatusOr<Events> DecideRecordCoverageReasons(SubsidyState& state,
                                                   const v1::RecordCoverageReasonsRequest& request);
absl::StatusOr<Events> DecideReviewApplications(SubsidyState& state, const v1::ReviewApplicationsRequest& request);
absl::StatusOr<Events> DecidePublishNotice(SubsidyState& state, const std::string& round_id, absl::Time now);
absl::StatusOr<Events> DecideRaiseObjection(SubsidyState& state, const v1::RaiseObjectionRequest& request,
                                            absl::Time now);
absl::StatusOr<Events> DecideResolveObjection(SubsidyState& state, const v1::ResolveObjectionRequest& request);
absl::StatusOr<Events> DecideApproveRound(SubsidyState& state, const std::string& round_id, absl::Time now);
absl::StatusOr<Events> DecideDisqualifyStudent(SubsidyState& state, const v1::DisqualifyStudentRequest& request,
                                               absl::Time now);

// The county resumes a stopped entitlement of a pupil the registry shows
// enrolled at the entitlement's school again (a stop never undone: an
// underpaid pupil), from the date; FAILED_PRECONDITION otherwise.
absl::StatusOr<Events> DecideResumeEntitlement(SubsidyState& state, const v1::ResumeEntitlementRequest& request);

// The reaction to a registry enrolment change: every entitlement of the
// student that the change affects gets an EntitlementAdjusted event — leaving
// (transfer, dropout, suspension, graduation) stops accrual from the date, a
// return to the same school resumes it. No entitlement affected: no events.
absl::StatusOr<Events> DecideAdjustForEnrolment(SubsidyState& state, const registry::v1::EnrolmentStatusChanged& change,
                                                const std::string& cause_event_id);

// What one pass over the school's students finds.
struct CoverageCounts {
  int registered_poor = 0;  // enrolled at the school and registered-poor
  int with_reason = 0;      // of those, covered by a recorded reason
  int missing = 0;          // of those, neither an application (not rejected) nor a reason
};

// The registered-poor students of the school the round must still cover
// (enrolled there, registered-poor, with neither an application that was not
// rejected nor a recorded reason), in student order; at most `limit` when
// `limit` > 0. `total` gets the full count; `counts` (optional) the whole
// picture.
absl::StatusOr<std::vector<std::pair<std::string, v1::StudentFacts>>> CoverageTodo(SubsidyState& state,
                                                                                   const v1::RoundRecord& round,
                                                                                   const std::string& after, int limit,
                                                                                   int* total,
                                                                                   CoverageCounts* counts = nullptr);

}  // namespace zizhu::subsidy
