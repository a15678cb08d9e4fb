// How the pairing records change with the service's own events (pure; the
// projection, the report jobs and the domain tests' memory rows apply the
// same typed functions, registered from ForEachPairingEventType).
#pragma once

#include "absl/status/status.h"
#include "services/pairing/domain/ports.h"
#include "zizhu/pairing/v1/events.pb.h"

namespace zizhu::pairing {

// Folds one own event with its aggregate version: one function per event.
absl::Status FoldPairingEvent(const v1::PairFormed& e, int64_t version, PairingRows& rows);
absl::Status FoldPairingEvent(const v1::PairEnded& e, int64_t version, PairingRows& rows);
absl::Status FoldPairingEvent(const v1::ActivityRecorded& e, int64_t version, PairingRows& rows);
absl::Status FoldPairingEvent(const v1::PlanSet& e, int64_t version, PairingRows& rows);
absl::Status FoldPairingEvent(const v1::TeachersDeclared& e, int64_t version, PairingRows& rows);
absl::Status FoldPairingEvent(const v1::TeacherRotated& e, int64_t version, PairingRows& rows);

// The service's event types, the one list every fold registers from:
// `visit(tag)` with a null `const Event*` for each.
template <typename Visit>
void ForEachPairingEventType(Visit&& visit) {
  visit(static_cast<const v1::PairFormed*>(nullptr));
  visit(static_cast<const v1::PairEnded*>(nullptr));
  visit(static_cast<const v1::ActivityRecorded*>(nullptr));
  visit(static_cast<const v1::PlanSet*>(nullptr));
  visit(static_cast<const v1::TeachersDeclared*>(nullptr));
  visit(static_cast<const v1::TeacherRotated*>(nullptr));
}

}  // namespace zizhu::pairing
