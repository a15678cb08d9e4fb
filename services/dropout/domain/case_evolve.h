// How the ledger's records change with the service's own events (pure; the
// projection, the report jobs and the domain tests' memory rows apply the same
// typed functions, registered from DropoutEvents).
#pragma once

#include "absl/status/status.h"
#include "services/common/es/event_types.h"
#include "services/dropout/domain/ports.h"
#include "zizhu/dropout/v1/events.pb.h"

namespace zizhu::dropout {

// Folds one own event with its aggregate version: one function per event.
absl::Status FoldDropoutEvent(const v1::CaseOpened& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::TeamAssigned& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::VisitRecorded& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::ReturnRecorded& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::CaseCrossedOff& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::CaseReopened& e, int64_t version, DropoutRows& rows);
absl::Status FoldDropoutEvent(const v1::LeftBehindCardRecorded& e, int64_t version, DropoutRows& rows);

// The service's event types, the one list every fold registers from.
using DropoutEvents = es::EventTypes<v1::CaseOpened, v1::TeamAssigned, v1::VisitRecorded, v1::ReturnRecorded,
                                     v1::CaseCrossedOff, v1::CaseReopened, v1::LeftBehindCardRecorded>;

// Whether a left-behind child's card is complete: a guardian, a parent
// reachable (work place and phone), the school's contact and phone.
bool CardComplete(const v1::LeftBehindCard& card);

// Whether a team holds one teacher, one village cadre and one guardian.
bool TeamComplete(const google::protobuf::RepeatedPtrField<v1::TeamMember>& team);

}  // namespace zizhu::dropout
