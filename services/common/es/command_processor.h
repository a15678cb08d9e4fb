// CommandProcessor: the single writer of a service. Commands are queued,
// taken in batches (group commit), decided in order against the projection
// (with read-your-writes inside the batch), appended to the log in ONE
// atomic append, written through to the projection with the applied offsets,
// and only then answered.
//
// Pipelined, depth 2: while batch N is appended and committed (on the
// committer thread), batch N+1 is decided (on the writer thread) against the
// projection as it will be after N — N's rows overlaid on the database. N+1
// is appended only after N has been appended and committed; if N failed, N+1's
// decisions are dropped unanswered and its commands are decided again, in
// the same order, after the projection has re-read the log.
//
// Guarantees:
//  - a command answered OK is in the log (durable) before the answer, and so
//    is every command its decision read the effects of;
//  - a command is answered exactly once;
//  - a repeated request_id returns the first outcome and writes nothing;
//  - a failed command writes nothing (its rows are rolled back in the batch);
//  - when an append fails with an unknown outcome, the processor re-reads the
//    log before deciding anything else.
//
// Lifecycle: Start() catches the projection up with the log and starts the
// writer and committer threads; Stop() (or the destructor) lets the batch in
// flight finish, answers queued commands with UNAVAILABLE and joins.
// Submit() is thread-safe. `done` runs once, never under a lock of the
// processor, and must not block: on the committer thread for a command that
// was decided; on the caller's thread, inside Submit(), when the command is
// refused before it is queued (invalid meta, stopping, queue full); on the
// thread calling Stop() for commands still queued.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/core/clock.h"
#include "services/common/es/event_log.h"
#include "services/common/es/new_event.h"
#include "services/common/es/projection.h"
#include "services/common/es/projection_runner.h"
#include "services/common/storage/projection_store.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::es {

// Who issued a command and why; copied into every event it writes.
struct CommandMeta {
  std::string request_id;
  std::string actor;
  std::string org_scope;
  std::string correlation_id;  // defaults to request_id
  std::string causation_id;    // defaults to request_id
  // What the request asked (see FingerprintRequest); empty = not checked.
  // A request id seen before with another fingerprint is refused.
  std::string fingerprint = "";
  // A decision of no events is an answer ("nothing to do": OK, nothing
  // written, no outcome kept) instead of an INTERNAL error. Reactions set it:
  // whether an upstream event concerns this service's state is known only
  // when the decision reads it.
  bool may_decide_nothing = false;
};

// Checks request_id (1-128 printable ASCII characters), actor (1-256
// bytes), org_scope, correlation_id and causation_id (at most 256 bytes).
// Errors name the field and the limit, never echo a long value.
absl::Status ValidateCommandMeta(const CommandMeta& meta);

// Decides one command against current state read through `view` (which
// already holds the effects of earlier commands of the same batch). Must not
// write to `view`. `now` is the decision time to stamp on events.
using DecideFn = std::function<absl::StatusOr<std::vector<NewEvent>>(storage::ProjectionBatch& view, absl::Time now)>;
// Receives the outcome: the first event's aggregate and its version after the
// command, or the error.
using DoneFn = std::function<void(const absl::StatusOr<common::v1::CommandOutcome>&)>;

struct CommandProcessorOptions {
  // Most commands decided and appended together in one batch.
  size_t max_batch_commands = 2000;
  // Commands waiting beyond this answer RESOURCE_EXHAUSTED.
  size_t max_queued_commands = 200000;
  // Largest serialized event envelope. A command that decides a larger event
  // fails alone with INVALID_ARGUMENT; it never reaches the log, where it
  // would fail the whole batch's transaction (Kafka's default limit is 1 MB).
  size_t max_event_bytes = 512 << 10;
  // The events of a batch go to the log as one record per partition (an
  // EventBatch, record_codec.h), a new record past this size (below the
  // broker's 1 MB message limit). False: one record per event, as before
  // batches (kept for measuring the difference).
  bool batch_records = true;
  size_t max_record_bytes = 768 << 10;
  ProjectionRunnerOptions runner;
};

struct CommandProcessorStats {
  int64_t batches = 0;
  int64_t commands = 0;
  int64_t events = 0;
  int64_t replays = 0;
  int64_t failed_appends = 0;
  // Where the writer's time goes, summed over batches (microseconds): the
  // decisions (idempotency look-ups, decide, envelopes, rows), the atomic
  // append to the log (one transaction), the projection's commit, and
  // answering the callers.
  int64_t decide_micros = 0;
  int64_t append_micros = 0;
  int64_t store_commit_micros = 0;
  int64_t answer_micros = 0;
};

class CommandProcessor {
 public:
  CommandProcessor(EventLog* log, storage::ProjectionStore* store, Projection* projection, const Clock* clock,
                   CommandProcessorOptions options = {});
  ~CommandProcessor();
  CommandProcessor(const CommandProcessor&) = delete;
  CommandProcessor& operator=(const CommandProcessor&) = delete;

  // Catches the projection up with the log, then starts the writer thread.
  absl::Status Start();
  void Stop();

  void Submit(CommandMeta meta, DecideFn decide, DoneFn done);
  // Runs `fn` while no command is being decided or written (the batch in
  // flight is finished first); commands queue.
  absl::Status RunExclusive(const std::function<absl::Status()>& fn);
  // An upstream topic followed live, replayed by Rebuild after the own topic.
  struct UpstreamReplay {
    EventLog* log;
    Projection* projection;  // null: followed for reactions only (offsets kept, nothing replayed)
  };
  // Rebuilds the projection beside the live one, exclusively: the own log
  // from offset 0, then each upstream log from 0 up to the offsets its live
  // subscription had applied (later records are the subscription's to apply,
  // reactions included). Queries read the old projection until the swap.
  absl::StatusOr<int64_t> Rebuild(const std::vector<UpstreamReplay>& upstreams = {});

  CommandProcessorStats stats() const;

 private:
  struct Pending {
    CommandMeta meta;
    DecideFn decide;
    DoneFn done;
  };
  // One command's decision, its events applied to `rows` (or rolled back)
  // and their records to append; `writes` when it appends (not when it
  // failed, replays or decided nothing).
  struct Decided {
    absl::StatusOr<common::v1::CommandOutcome> outcome = absl::InternalError("not decided");
    std::vector<AppendRecord> records;
    bool writes = false;
  };
  // A decided batch on its way to the log: decided by the writer thread,
  // appended, committed and answered by the committer thread.
  struct Flight {
    explicit Flight(storage::ProjectionBatch r) : rows(std::move(r)) {}
    std::vector<Pending> batch;
    std::vector<Decided> results;
    storage::ProjectionBatch rows;
    int64_t replays = 0;
    int64_t decide_micros = 0;
    // Set by the committer under flight_mu_: finished, and whether its
    // records are in the log AND its rows in the projection.
    bool finished = false;
    bool succeeded = false;
  };
  void Loop();
  void CommitLoop();
  // Decides every command of `flight` (standing on `base`'s rows, if any).
  void Decide(Flight& flight);
  Decided DecideOne(Pending& cmd, storage::ProjectionBatch& rows);
  // Appends, commits the rows, answers; runs on the committer thread.
  void Finish(Flight& flight);
  // Appends the batch's records in one atomic append, then commits `rows`
  // with the applied offsets. UNAVAILABLE when the append failed (the log is
  // re-read before the next batch); `committed` false when either failed.
  absl::Status AppendAndCommit(std::vector<AppendRecord> records, const storage::ProjectionBatch& rows,
                               int64_t& append_micros, int64_t& commit_micros, bool& committed);
  // Waits until `flight` (may be null) has finished.
  void Await(const std::shared_ptr<Flight>& flight);
  absl::Status RecoverIfNeeded();
  // Puts commands back at the head of the queue, in their order.
  void Requeue(std::vector<Pending>& batch);

  EventLog* log_;
  storage::ProjectionStore* store_;
  Projection* projection_;
  const Clock* clock_;
  CommandProcessorOptions options_;
  ProjectionRunner runner_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::mutex write_mu_;          // held while a batch is decided, and by RunExclusive
  bool needs_recovery_ = false;  // under flight_mu_
  std::thread thread_;
  std::thread committer_;

  // The hand-over between the writer and the committer (one flight at a time).
  std::mutex flight_mu_;
  std::condition_variable flight_cv_;
  std::shared_ptr<Flight> to_commit_;    // handed over, not yet taken
  std::shared_ptr<Flight> last_flight_;  // the latest handed over (writer's and RunExclusive's view)
  bool committer_stopping_ = false;

  mutable std::mutex stats_mu_;
  CommandProcessorStats stats_;
};

}  // namespace zizhu::es
