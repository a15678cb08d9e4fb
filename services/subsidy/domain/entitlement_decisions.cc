// Entitlements after approval: the registry's enrolment changes and the county's resume.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/registry/published/enrolment_change.h"
#include "services/subsidy/domain/decision_support.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/round_decisions.h"
#include "services/subsidy/domain/round_evolve.h"

namespace zizhu::subsidy {

namespace {

// The event of an adjustment of an approved entitlement.
std::shared_ptr<v1::EntitlementAdjusted> Adjusted(const v1::EntitlementRecord& record, v1::Adjustment adjustment) {
  const v1::Entitlement& e = record.entitlement();
  auto adjusted = New<v1::EntitlementAdjusted>();
  adjusted->set_round_id(e.round_id());
  adjusted->set_student_id(e.student_id());
  adjusted->set_school_code(e.school_code());
  adjusted->set_county_code(e.county_code());
  adjusted->set_semester(e.semester());
  adjusted->set_name_masked(e.facts().name_masked());
  *adjusted->mutable_adjustment() = std::move(adjustment);
  return adjusted;
}

}  // namespace

absl::StatusOr<Events> DecideResumeEntitlement(SubsidyState& state, const v1::ResumeEntitlementRequest& request) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  RETURN_IF_ERROR(CheckStudentId("student_id", request.student_id()));
  RETURN_IF_ERROR(ValidateDate("effective_date", request.effective_date()));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), 1000, true));
  ASSIGN_OR_RETURN(auto entitlements, state.EntitlementsOfStudent(request.student_id()));
  const v1::EntitlementRecord* record = nullptr;
  for (const v1::EntitlementRecord& e : entitlements) {
    if (e.entitlement().round_id() == round.round_id()) record = &e;
  }
  if (record == nullptr) {
    return Refusal(absl::StatusCode::kNotFound, "NO_ENTITLEMENT",
                   {{"student", request.student_id().substr(0, 64)}, {"round", round.round_id()}},
                   absl::StrCat("student '", request.student_id().substr(0, 64), "' has no entitlement in round ",
                                round.round_id()));
  }
  if (record->state() != v1::ENTITLEMENT_STATE_STOPPED) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "RESUME_NOT_STOPPED",
                   {{"student", request.student_id()}, {"state", v1::EntitlementState_Name(record->state())}},
                   absl::StrCat("the entitlement of student ", request.student_id(), " is ",
                                v1::EntitlementState_Name(record->state()), "; only a stopped entitlement is resumed"));
  }
  // The registry's facts decide, not the caller: the pupil is back at the
  // school, enrolled, on or before the date.
  ASSIGN_OR_RETURN(auto student, state.FindStudent(request.student_id()));
  if (!student || student->status() != registry::v1::ENROLMENT_STATUS_ENROLLED ||
      student->school_code() != record->entitlement().school_code()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "RESUME_NOT_ENROLLED",
        {{"student", request.student_id()},
         {"school", record->entitlement().school_code()},
         {"status", student ? registry::v1::EnrolmentStatus_Name(student->status()) : "ENROLMENT_STATUS_UNSPECIFIED"}},
        absl::StrCat("the registry does not show student ", request.student_id(), " enrolled at school ",
                     record->entitlement().school_code(), " (",
                     student ? absl::StrCat(StatusName(student->status()), " at ", student->school_code()) : "unknown",
                     "); record the return there first"));
  }
  std::optional<v1::Adjustment> adjustment =
      AdjustmentFor(*record, v1::ADJUSTMENT_KIND_RESUMED, request.effective_date());
  if (!adjustment) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "RESUME_AFTER_SEMESTER",
                   {{"date", FormatDate(request.effective_date())}},
                   absl::StrCat("effective_date ", FormatDate(request.effective_date()),
                                " is after the semester ends; nothing to resume"));
  }
  adjustment->set_reason(absl::StrCat("resumed by the county: ", request.reason()));
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(Adjusted(*record, *std::move(adjustment)));
  return events.Take();
}

absl::StatusOr<Events> DecideAdjustForEnrolment(SubsidyState& state, const registry::v1::EnrolmentStatusChanged& change,
                                                const std::string& cause_event_id) {
  ASSIGN_OR_RETURN(auto entitlements, state.EntitlementsOfStudent(change.student_id()));
  Events all;
  for (const v1::EntitlementRecord& record : entitlements) {
    const registry::EnrolmentChangeReading reading = registry::ReadEnrolmentChange(change);
    const bool back = reading.in_school;
    if (back && reading.school_code != record.entitlement().school_code()) continue;  // enrolled elsewhere
    const v1::AdjustmentKind kind = back ? v1::ADJUSTMENT_KIND_RESUMED : v1::ADJUSTMENT_KIND_STOPPED;
    std::optional<v1::Adjustment> adjustment = AdjustmentFor(record, kind, change.effective_date());
    if (!adjustment) continue;
    adjustment->set_reason(absl::StrCat("registry: ", StatusName(change.from_status()), " -> ",
                                        StatusName(change.to_status()),
                                        change.reason().empty() ? "" : absl::StrCat(" (", change.reason(), ")")));
    adjustment->set_cause_event_id(cause_event_id);
    ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, record.entitlement().round_id()));
    EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
    events.Add(Adjusted(record, *std::move(adjustment)));
    for (es::NewEvent& e : events.Take()) all.push_back(std::move(e));
  }
  return all;
}

}  // namespace zizhu::subsidy
