// How the pairing records change with the service's own events (pure; the
// projection and the domain tests' memory rows apply the same function).
#pragma once

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/pairing/domain/ports.h"

namespace zizhu::pairing {

// Folds one own event with its aggregate version; unknown types are skipped.
absl::Status FoldPairingEvent(const google::protobuf::Message& event, int64_t version, PairingRows& rows);

}  // namespace zizhu::pairing
