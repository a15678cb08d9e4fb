// A projection folds events into rows of a ProjectionStore.
#pragma once

#include "absl/status/status.h"
#include "services/common/es/event_dispatcher.h"
#include "services/common/storage/projection_store.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::es {

// Implementations must be deterministic: the rows written may depend only on
// the event and on rows already in `batch` (no clocks, no randomness), so that
// replaying the log from offset 0 gives the same bytes. Events of unknown
// payload types must be ignored (OK), so old binaries survive new events.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual absl::Status Apply(const common::v1::EventEnvelope& event, storage::ProjectionBatch& batch) = 0;
  // Events of payload types this projection does not handle, skipped.
  virtual int64_t skipped_events() const { return 0; }
};

// A projection made of typed handlers: register them in the constructor
// with `on_.On<Event>(handler)`; unknown payload types are counted and
// skipped.
class DispatchingProjection : public Projection {
 public:
  absl::Status Apply(const common::v1::EventEnvelope& event, storage::ProjectionBatch& batch) override {
    return on_.Dispatch(event, batch);
  }
  int64_t skipped_events() const override { return on_.skipped(); }
  // Whether a handler is registered for the event type (full proto name).
  bool Handles(std::string_view type_name) const { return on_.Handles(type_name); }

 protected:
  EventDispatcher<storage::ProjectionBatch&> on_;
};

// Applies one event's rows: the projection's and the request_id outcome.
// Used identically by the command processor (write-through, before the
// offsets are known) and the projection runner (catch-up, rebuild), so both
// produce the same bytes.
absl::Status ApplyEventRows(Projection& projection, const common::v1::EventEnvelope& event,
                            storage::ProjectionBatch& batch);

// Key under which the outcome of a request id is kept: request ids are a
// space of each caller (actor) of its own, so reusing another caller's id
// neither replays its answer nor tells that it exists (probe finding 11).
std::string RequestOutcomeKey(const std::string& actor, const std::string& request_id);

}  // namespace zizhu::es
