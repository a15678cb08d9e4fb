// ProjectionRunner reads a topic from the offsets stored in a ProjectionStore
// and applies it to a Projection, committing rows and offsets together.
//
// Lifecycle: owned by a service; CatchUp/Rebuild are called while nothing
// else writes to the store (start-up, or with the command processor paused).
// Not thread-safe.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "services/common/es/event_log.h"
#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::es {

struct ProjectionRunnerOptions {
  // Records applied per RocksDB WriteBatch.
  size_t batch_records = 2000;
  // How long one read waits for records before checking for the end.
  absl::Duration read_timeout = absl::Milliseconds(500);
  // Give up when the log does not answer for this long.
  absl::Duration stall_timeout = absl::Seconds(60);
  // Called after each committed batch with the number of events applied so
  // far (progress reporting); may be empty.
  std::function<void(int64_t applied)> on_progress;
};

class ProjectionRunner {
 public:
  ProjectionRunner(EventLog* log, storage::ProjectionStore* store, Projection* projection,
                   ProjectionRunnerOptions options = {});

  // Applies every committed record after the stored offsets, up to the end
  // of the log. Returns the number of events applied.
  absl::StatusOr<int64_t> CatchUp();
  // Deletes the projection and replays the topic from offset 0.
  absl::StatusOr<int64_t> Rebuild();

 private:
  EventLog* log_;
  storage::ProjectionStore* store_;
  Projection* projection_;
  ProjectionRunnerOptions options_;
};

}  // namespace zizhu::es
