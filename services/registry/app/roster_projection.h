// Projection of roster imports and of the cross-match: roster entries per
// source and person, match results, the work-queue indexes and the counts per
// category, county and school. Part of RegistryProjection; deterministic
// (the reference date comes from events).
#pragma once

#include "services/common/es/event_dispatcher.h"
#include "services/common/storage/projection_store.h"
#include "services/registry/domain/cross_match.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::registry {

// Registers the handlers of roster and cross-match events.
void AddRosterHandlers(es::EventDispatcher<storage::ProjectionBatch&>& on);

// Re-evaluates the person with this national-ID hash and updates the match
// rows, queues and counts. Depends only on the stored evidence and settings,
// never on the event that triggered it, so replay order does not matter.
absl::Status RecomputeMatch(const std::string& national_id_hash, storage::ProjectionBatch& batch);
// The evidence RecomputeMatch reads: the person's roster entries, student
// record and the county of the school they last named.
absl::StatusOr<PersonEvidence> LoadPersonEvidence(const std::string& national_id_hash, storage::ProjectionBatch& batch);

// Re-evaluates everyone whose match names `school_code` (a school's county
// is part of a match): called when the school is registered.
absl::Status RecomputeMatchesOfSchool(const std::string& school_code, storage::ProjectionBatch& batch);

}  // namespace zizhu::registry
