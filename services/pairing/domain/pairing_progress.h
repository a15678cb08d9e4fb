// What offices read of the pairing ledger (pure): progress against a plan,
// pairs that missed a required activity in a semester, the rotation rate
// against the target; and the rules file (policy data).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/pairing/v1/pairing_service.pb.h"

namespace zizhu::pairing {

namespace v1 = zizhu::pairing::v1;

// Counts the pairs formed and the demonstration lessons given inside the
// plan's period, of pairs whose county is under the plan's scope.
v1::GetProgressResponse ProgressOf(const v1::PlanRecord& plan, const std::vector<v1::PairRecord>& pairs);

// The semester's first and last day: "2027-spring" = Feb 1 - Jul 31,
// "2027-autumn" = Aug 1 - Jan 31 of the next year. INVALID_ARGUMENT otherwise.
absl::Status SemesterBounds(const std::string& semester, registry::v1::Date* first, registry::v1::Date* last);

// Pairs active during the semester without the joint research it requires,
// and (in an autumn semester, closing the school year) without a manager
// exchanged each way in the year.
absl::StatusOr<std::vector<v1::MissedActivity>> MissedActivities(const std::vector<v1::PairRecord>& pairs,
                                                                 const std::string& semester,
                                                                 const v1::PairingRules& rules);

v1::RotationProgress RotationProgressOf(const v1::RotationRecord& record, const v1::PairingRules& rules);

// rules.yaml: version, joint_research_per_semester, manager_exchanges_each_way_per_year,
// rotation_min_percent. Refusals name file, line and field.
absl::StatusOr<v1::PairingRules> ParseRulesFile(const std::string& file_name, const std::string& text);

}  // namespace zizhu::pairing
