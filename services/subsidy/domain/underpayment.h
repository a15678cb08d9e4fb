// Whether an entitlement pays what the pupil's enrolment entitles them to
// (pure). The entitled amount is the entitlement's own arithmetic
// (PayableFor) over the days, from its accrual start to the semester's end,
// that the registry's history shows the pupil enrolled at the
// entitlement's school. An entitlement paying less is an underpayment —
// a stop never undone, a return read as a move — listed with its reason.
// Disqualified entitlements pay less by decision and are never listed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "zizhu/subsidy/v1/records.pb.h"

namespace zizhu::subsidy {

// The spans (from inclusive, to exclusive; open = to the semester's end) in
// which `student` was enrolled at `school_code` on or after `from`. A
// student without a recorded history counts with their current status
// since registration.
std::vector<v1::AccrualSpan> EnrolledSpans(const v1::UpstreamStudent& student, const std::string& school_code,
                                           const registry::v1::Date& from);

// The history step a StudentRegistered / EnrolmentStatusChanged adds.
void AppendEnrolmentStep(v1::UpstreamStudent& student, const registry::v1::Date& effective_date,
                         registry::v1::EnrolmentStatus status, const std::string& school_code);

// nullopt when `record` pays at least what the enrolment entitles.
std::optional<v1::Underpayment> UnderpaymentOf(const v1::EntitlementRecord& record, const v1::UpstreamStudent& student);

}  // namespace zizhu::subsidy
