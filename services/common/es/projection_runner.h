// ProjectionRunner reads a topic from the offsets stored in a ProjectionStore
// and applies it to a Projection, committing rows and offsets together.
//
// The runner of a service's own topic also records each command's outcome
// under its request id (idempotency); a runner of an upstream topic (a live
// subscription's replay) never does: another service's request ids mean
// nothing here.
//
// Lifecycle: owned by a service; CatchUp is called while nothing else writes
// to the store (start-up, or inside the command processor's exclusive
// section). Not thread-safe.
#pragma once

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "services/common/es/event_log.h"
#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::es {

struct ProjectionRunnerOptions {
  // Records read at a time, and events applied per RocksDB WriteBatch (a
  // batch is committed at the first record boundary past this many events).
  size_t batch_records = 2000;
  // During a rebuild: rows are folded in memory up to about this many bytes,
  // then loaded as one sorted table file (ProjectionStore::IngestSorted). 0:
  // a WriteBatch per read, as outside a rebuild.
  size_t bulk_load_bytes = 128 << 20;
  // How long one read waits for records before checking for the end.
  absl::Duration read_timeout = absl::Milliseconds(500);
  // Give up when the log does not answer for this long.
  absl::Duration stall_timeout = absl::Seconds(60);
  // Called after each committed batch with the number of events applied so
  // far (progress reporting); may be empty.
  std::function<void(int64_t applied)> on_progress;
  // True for the service's own topic: command outcomes are recorded under
  // their request ids. False for upstream topics.
  bool record_request_outcomes = true;
};

class ProjectionRunner {
 public:
  ProjectionRunner(EventLog* log, storage::ProjectionStore* store, Projection* projection,
                   ProjectionRunnerOptions options = {});

  // Applies every committed record after the stored offsets, up to the end
  // of the log — or, with `until`, up to those next offsets (partitions not
  // named in `until` are not read). Returns the number of events applied.
  absl::StatusOr<int64_t> CatchUp(const std::optional<OffsetMap>& until = std::nullopt);

 private:
  EventLog* log_;
  storage::ProjectionStore* store_;
  Projection* projection_;
  ProjectionRunnerOptions options_;
};

}  // namespace zizhu::es
