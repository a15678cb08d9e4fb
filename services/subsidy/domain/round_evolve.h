// How the subsidy service's records change with its own events. Pure: the
// projection (app/subsidy_projection.cc) loads and stores the rows and calls
// these; `at` is the event's time.
#pragma once

#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"
#include "zizhu/subsidy/v1/records.pb.h"

namespace zizhu::subsidy {

namespace v1 = zizhu::subsidy::v1;
using Timestamp = google::protobuf::Timestamp;

void Evolve(v1::PolicyRecord& record, const v1::PolicyVersionLoaded& event, const Timestamp& at);
void Evolve(v1::PolicyRecord& record, const v1::PolicyVersionPublished& event, const Timestamp& at);
void Evolve(v1::RoundRecord& round, const v1::RoundOpened& event, const Timestamp& at);
void Evolve(v1::RoundRecord& round, const v1::NoticePublished& event);
void Evolve(v1::RoundRecord& round, const v1::SupplementaryNoticePublished& event);
// An application listed on a supplementary notice.
void PutOnNotice(v1::ApplicationRecord& app, const v1::SupplementaryNoticePublished& event);

// Adds (sign +1) or removes (-1) an application's part of the round's
// counters; an application's change is Tally(before, -1), Tally(after, +1).
void Tally(v1::RoundRecord& round, const v1::ApplicationRecord& app, int sign);

v1::ApplicationRecord NewApplication(const std::string& round_id, const v1::Application& application,
                                     const Timestamp& at);
void ApplyReview(v1::ApplicationRecord& app, const v1::Review& review,
                 const google::protobuf::RepeatedPtrField<std::string>& reviewers, const Timestamp& at);

// An application after the resolution of an objection against it: an upheld
// removal takes an accepted application off the list; a tier change sets it.
void ApplyObjectionOutcome(v1::ApplicationRecord& app, const v1::ObjectionResolved& event);
// An application of a student no longer enrolled when the round was approved.
void RemoveLeftSchool(v1::ApplicationRecord& app);
// An application after its student's disqualification.
void ApplyDisqualification(v1::ApplicationRecord& app, const v1::StudentDisqualified& event);

// The accrual spans after an adjustment of `kind` on `date` (clipped to the
// semester): a stop or disqualification closes the open span, a resume opens
// one. Shared by the decision (to compute what is payable) and the fold.
std::vector<v1::AccrualSpan> SpansAfter(const v1::EntitlementRecord& record, v1::AdjustmentKind kind,
                                        const registry::v1::Date& date);

v1::EntitlementRecord NewEntitlement(const v1::Entitlement& entitlement, const Timestamp& at);
void ApplyAdjustment(v1::EntitlementRecord& record, const v1::Adjustment& adjustment);

// Folds an entitlement into per-school or per-county totals (sign +1 / -1).
void AddToTotals(v1::EntitlementTotals& totals, const v1::EntitlementRecord& record, int sign);

}  // namespace zizhu::subsidy
