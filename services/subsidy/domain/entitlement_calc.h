// How an amount is computed: the policy rule that matches a student's facts,
// the semester's half of the annual amounts, the split over fund sources,
// and what is payable when an entitlement accrues only part of the
// semester. Pure; integer fen throughout.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "services/subsidy/domain/semester.h"
#include "zizhu/subsidy/v1/records.pb.h"
#include "zizhu/subsidy/v1/types.pb.h"

namespace zizhu::subsidy {

// The student's facts as the registry and the agency rosters state them:
// registered-poor when the registry's categories or the poverty office's
// roster say so — but a household that exited more than
// `exit_transition_years` before `year` counts only when civil affairs names
// the child.
v1::StudentFacts FactsOf(const v1::UpstreamStudent& student, const v1::UpstreamPovertyEvidence* evidence,
                         int exit_transition_years, int year);

v1::AidClass AidClassOf(const v1::StudentFacts& facts);

// The rule of `policy` for these facts and tier; nullptr when none.
const v1::PolicyRule* FindRule(const v1::Policy& policy, const v1::StudentFacts& facts, int tier);

// FAILED_PRECONDITION naming stage, class, boarding and tier when no rule
// of `policy` covers the student.
absl::StatusOr<const v1::PolicyRule*> RuleFor(const v1::Policy& policy, const v1::StudentFacts& facts, int tier);

// The semester entitlement of a student under `policy` (amounts for the
// whole semester; accrual from `accrues_from`), with its explanation.
absl::StatusOr<v1::Entitlement> ComputeEntitlement(const v1::Policy& policy, const Semester& semester,
                                                   const v1::StudentFacts& facts, int tier, const Date& accrues_from);

// Splits `amount` by percent shares; the remainder fen go to the first
// share, so the parts add up exactly.
std::vector<v1::ShareAmount> SplitShares(int64_t amount,
                                         const google::protobuf::RepeatedPtrField<v1::FundShare>& shares);

struct Payable {
  int64_t fen = 0;
  std::vector<v1::ShareAmount> shares;  // by fund source, in FundSource order
};

// Days of the semester covered by `spans` (each clipped to the semester).
int64_t AccruedDays(const v1::Entitlement& entitlement, const std::vector<v1::AccrualSpan>& spans);

// What an entitlement pays for its accrued days: each component (base,
// top-up) times accrued / semester days, rounded down to the fen, then split
// by its rule's shares. A whole semester pays exactly the amount.
Payable PayableFor(const v1::Entitlement& entitlement, int64_t accrued_days);

}  // namespace zizhu::subsidy
