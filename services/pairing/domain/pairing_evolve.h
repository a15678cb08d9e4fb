// How the pairing records change with the service's own events (pure; the
// projection, the report jobs and the domain tests' memory rows apply the
// same typed functions, registered from PairingEvents).
#pragma once

#include "absl/status/status.h"
#include "services/common/es/event_types.h"
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

// The service's event types, the one list every fold registers from.
using PairingEvents = es::EventTypes<v1::PairFormed, v1::PairEnded, v1::ActivityRecorded, v1::PlanSet,
                                     v1::TeachersDeclared, v1::TeacherRotated>;

}  // namespace zizhu::pairing
