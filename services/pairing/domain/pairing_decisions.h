// Pure decisions of the pairing service. Aggregates: pairing.Pair (id
// "school-<urban>-<rural>-<yyyymmdd>" or "teacher-<urban teacher>-<rural
// teacher>-<yyyymmdd>"), pairing.Plan ("<scope>/<name>"), pairing.Rotation
// ("<county>/<year>").
//
// Rules (each refusal names the field and the value): a pair joins an urban
// school (registry: not rural) with a rural one; a teacher pair names both
// teachers; an activity is dated inside the pair's start and end (an ended
// pair takes none), not in the future, and carries what its kind needs
// (direction and person for a manager exchange; item, quantity and value in
// fen for a donation; teacher, school and subject for a lesson); a plan's
// targets are whole numbers over a period; a rotation names a backbone
// teacher the county declared for the year, to a rural school, once a year.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/es/new_event.h"
#include "services/pairing/domain/ports.h"
#include "zizhu/pairing/v1/events.pb.h"

namespace zizhu::pairing {

inline constexpr char kPairAggregate[] = "pairing.Pair";
inline constexpr char kPlanAggregate[] = "pairing.Plan";
inline constexpr char kRotationAggregate[] = "pairing.Rotation";
using Events = std::vector<es::NewEvent>;
using registry::v1::Date;

std::string PairId(const v1::PairFormed& pair);
std::string RotationId(const std::string& county, int year);

absl::StatusOr<Events> DecideFormPair(PairingState& state, v1::PairFormed pair, const Date& today);
absl::StatusOr<Events> DecideEndPair(PairingState& state, const std::string& pair_id, const Date& end,
                                     const std::string& reason);
absl::StatusOr<Events> DecideRecordActivity(PairingState& state, const std::string& pair_id, v1::Activity activity,
                                            const Date& today);
absl::StatusOr<Events> DecideSetPlan(PairingState& state, v1::PlanRecord plan);
absl::StatusOr<Events> DecideDeclareTeachers(PairingState& state, const std::string& county, int year,
                                             const std::vector<v1::Teacher>& teachers);
absl::StatusOr<Events> DecideRotateTeacher(PairingState& state, const std::string& county, int year,
                                           const v1::Rotation& rotation, const Date& today);

}  // namespace zizhu::pairing
