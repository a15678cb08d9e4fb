// How the ledger's records change with the service's own events (pure; the
// projection and the domain tests' memory rows apply the same function).
#pragma once

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/dropout/domain/ports.h"

namespace zizhu::dropout {

// Folds one own event (any of events.proto's) with its aggregate version.
// Unknown types are skipped (OK).
absl::Status FoldDropoutEvent(const google::protobuf::Message& event, int64_t version, DropoutRows& rows);

// Whether a left-behind child's card is complete: a guardian, a parent
// reachable (work place and phone), the school's contact and phone.
bool CardComplete(const v1::LeftBehindCard& card);

// Whether a team holds one teacher, one village cadre and one guardian.
bool TeamComplete(const google::protobuf::RepeatedPtrField<v1::TeamMember>& team);

}  // namespace zizhu::dropout
