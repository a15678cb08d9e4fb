// Size limits for every string and bytes field of a request, checked at the
// gRPC edge before anything else runs: one oversized request fails alone
// with INVALID_ARGUMENT naming the field path and the limit (never echoing
// the value), instead of reaching the single writer.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace zizhu::grpc_kit {

// The longest string or bytes field a request may carry (names, reasons,
// codes, file names, roster cells). Bulk data travels as many fields.
inline constexpr size_t kMaxFieldBytes = 4096;

// Walks every set field of `message` (nested messages, repeated fields and
// map values included); the first one longer than `max_bytes` is an error
// like "meta.actor is 1048576 bytes; at most 4096 are allowed".
absl::Status CheckFieldSizes(const google::protobuf::Message& message, size_t max_bytes = kMaxFieldBytes);

}  // namespace zizhu::grpc_kit
