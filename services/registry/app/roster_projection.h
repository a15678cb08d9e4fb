// Projection of roster imports and of the cross-match: roster entries per
// source and person, match results, the work-queue indexes and the counts per
// category, county and school. Part of RegistryProjection; deterministic
// (the reference date comes from events).
#pragma once

#include "services/common/storage/projection_store.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::registry {

// Applies a roster or cross-match event; returns false when `event` is not one.
absl::StatusOr<bool> ApplyRosterEvent(const common::v1::EventEnvelope& event, storage::ProjectionBatch& batch);

// Re-evaluates the person with this national-ID hash and updates the match
// rows, queues and counts. `event` gives the default reference date.
absl::Status RecomputeMatch(const std::string& national_id_hash, const common::v1::EventEnvelope& event,
                            storage::ProjectionBatch& batch);

}  // namespace zizhu::registry
