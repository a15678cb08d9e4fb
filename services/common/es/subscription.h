// Subscription: follows another service's topic live (read_committed) while
// this service serves commands, and folds the upstream events into this
// service's own projection store.
//
// Guarantees:
//  - exactly-once rows: the rows an upstream batch produced and the upstream
//    offsets they cover are committed in ONE WriteBatch, inside the command
//    processor's exclusive section (so upstream rows never race a command
//    batch); after a crash it resumes from the stored offsets;
//  - upstream request ids never enter this service's idempotency rows (the
//    upstream projection's Apply is called, not ApplyEventRows);
//  - reactions exactly once: the commands that upstream events cause are run
//    with request ids derived from the upstream event id (ReactionRequestId)
//    and awaited BEFORE the offsets are committed. A crash in between
//    redelivers the events; the repeated reactions find their request ids
//    and write nothing.
//  - a reaction sees the rows of every upstream event before its own: when
//    an event of a read causes reactions, the rows of the events before it
//    are committed first (with their offsets), then its reactions run; its
//    own rows follow. (Reactions-only follows run a read's reactions together.)
//  - an error (log unreachable, reaction UNAVAILABLE) commits nothing: the
//    subscription re-reads from the stored offsets after a pause, and
//    last_error says why until it recovers.
//
// Rules for the service (see services/README.md): the upstream projection
// writes only its own key space and reads nothing of the service's own
// aggregates; own aggregates never read upstream rows during replay — an
// upstream fact a decision used is copied into the event it decides. Then a
// rebuild (own topic, then upstream topics up to the applied offsets) gives
// the same bytes whatever the live interleaving was.
//
// Lifecycle: Start() launches the thread; Stop() (or the destructor) joins
// it. status() is thread-safe. The processor, store, log and projection are
// borrowed and must outlive the subscription.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/common/es/command_processor.h"
#include "services/common/es/event_log.h"
#include "services/common/es/projection.h"

namespace zizhu::es {

// A command this service runs because of an upstream event. Its decision
// may return no events: nothing to do (e.g. the student of an upstream
// change has no entitlement here); that is neither written nor counted as
// refused.
struct Reaction {
  // Tells several reactions to one upstream event apart ("open-case").
  std::string name;
  DecideFn decide;
};

// "r:<name>:<upstream event id>" — the same for every delivery of the event.
std::string ReactionRequestId(absl::string_view name, const common::v1::EventEnvelope& upstream);

// Decides which reactions an upstream event causes (may be none). Runs on
// the subscription's thread, before the event's rows are applied: take the
// facts from the event itself.
using ReactFn = std::function<absl::Status(const common::v1::EventEnvelope& upstream, std::vector<Reaction>& out)>;

struct SubscriptionSpec {
  // The upstream topic; only read (NewReader).
  EventLog* log = nullptr;
  // Folds upstream events into this service's rows; may be null when the
  // service only reacts.
  Projection* projection = nullptr;
  // May be empty.
  ReactFn react;
  // Actor written on the events of reactions, e.g. "system:dropout".
  std::string actor = "system";
};

struct SubscriptionOptions {
  // Upstream records applied per WriteBatch.
  size_t batch_records = 500;
  // How long one read waits for new records.
  absl::Duration read_timeout = absl::Milliseconds(200);
  // Pause before re-reading after an error.
  absl::Duration retry_pause = absl::Seconds(1);
};

struct SubscriptionStatus {
  std::string topic;
  int64_t lag_records = -1;  // -1 until first measured
  int64_t applied_events = 0;
  int64_t reactions = 0;
  int64_t reactions_refused = 0;
  int64_t skipped_events = 0;
  OffsetMap applied_offsets;
  std::string last_error;
};

class Subscription {
 public:
  Subscription(SubscriptionSpec spec, CommandProcessor* processor, storage::ProjectionStore* store,
               SubscriptionOptions options = {});
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  void Start();
  void Stop();
  SubscriptionStatus status() const;
  // Waits until a read that began after this call found the topic's end
  // (everything appended before the call is applied).
  bool WaitCaughtUp(absl::Duration timeout) const;
  const SubscriptionSpec& spec() const { return spec_; }

 private:
  void Loop();
  // One read-react-apply round; false with an error means pause and re-read.
  absl::Status Step(std::unique_ptr<EventLogReader>& reader);
  // Runs the reactions (each with its upstream event) and waits for them.
  absl::Status RunReactions(std::vector<std::pair<const common::v1::EventEnvelope*, Reaction>> reactions);
  // A read's events, each with its record (a batch record holds many).
  struct DecodedRead {
    std::vector<common::v1::EventEnvelope> events;
    std::vector<size_t> record_of;        // per event: its record in the read
    std::vector<size_t> first_event;      // per record: index of its first event here
    std::vector<int64_t> applied_before;  // per record: events applied before this read (not here)
    size_t recorded = 0;                  // records [0, recorded) recorded as applied
  };
  absl::Status Decode(const ReadResult& read, DecodedRead& out);
  // Commits the rows of events [from, to) of a read in one batch, with the
  // position reached: records wholly applied, or how far into one.
  absl::Status CommitRows(const ReadResult& read, DecodedRead& decoded, size_t from, size_t to);
  void SetError(const absl::Status& status);

  SubscriptionSpec spec_;
  CommandProcessor* processor_;
  storage::ProjectionStore* store_;
  SubscriptionOptions options_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  // Per partition: a record partly applied before the reader was positioned
  // (offset, events of it applied); its first events are not applied again.
  std::map<PartitionId, std::pair<LogOffset, int64_t>> resume_within_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  SubscriptionStatus status_;
  int64_t rounds_ = 0;  // read rounds completed
};

}  // namespace zizhu::es
