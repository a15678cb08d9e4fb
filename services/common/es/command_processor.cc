#include "services/common/es/command_processor.h"

#include <pthread.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {

absl::Status ValidateCommandMeta(const CommandMeta& meta) {
  if (meta.request_id.empty() || meta.request_id.size() > 128) {
    return absl::InvalidArgumentError(
        absl::StrCat("meta.request_id must be 1-128 characters, got ", meta.request_id.size()));
  }
  for (char c : meta.request_id) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat("meta.request_id '", meta.request_id, "' must be printable ASCII without spaces"));
    }
  }
  if (meta.actor.empty()) return absl::InvalidArgumentError("meta.actor is required (operator or system id)");
  constexpr size_t kMaxMetaField = 256;
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"meta.actor", &meta.actor},
                                    {"meta.org_scope", &meta.org_scope},
                                    {"meta.correlation_id", &meta.correlation_id},
                                    {"meta.causation_id", &meta.causation_id}}) {
    if (value->size() > kMaxMetaField) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " is ", value->size(), " bytes; at most ", kMaxMetaField, " are allowed"));
    }
  }
  return absl::OkStatus();
}

CommandProcessor::CommandProcessor(EventLog* log, storage::ProjectionStore* store, Projection* projection,
                                   const Clock* clock, CommandProcessorOptions options)
    : log_(log),
      store_(store),
      projection_(projection),
      clock_(clock),
      options_(options),
      runner_(log, store, projection, options.runner) {}

CommandProcessor::~CommandProcessor() { Stop(); }

absl::Status CommandProcessor::Start() {
  ASSIGN_OR_RETURN(int64_t applied, runner_.CatchUp());
  (void)applied;
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    committer_stopping_ = false;
  }
  std::lock_guard<std::mutex> lock(queue_mu_);
  stopping_ = false;
  committer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "zizhu-committer");
    CommitLoop();
  });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "zizhu-writer");
    Loop();
  });
  return absl::OkStatus();
}

void CommandProcessor::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  // The writer hands over what it decided, then the committer finishes it.
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    committer_stopping_ = true;
  }
  flight_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  std::deque<Pending> leftover;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    leftover.swap(queue_);
  }
  for (auto& p : leftover) p.done(absl::UnavailableError("service is shutting down; retry with the same request_id"));
}

void CommandProcessor::Submit(CommandMeta meta, DecideFn decide, DoneFn done) {
  absl::Status valid = ValidateCommandMeta(meta);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  if (meta.correlation_id.empty()) meta.correlation_id = meta.request_id;
  if (meta.causation_id.empty()) meta.causation_id = meta.request_id;
  absl::Status refused;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (stopping_) {
      refused = absl::UnavailableError("service is shutting down; retry with the same request_id");
    } else if (queue_.size() >= options_.max_queued_commands) {
      refused =
          Refusal(absl::StatusCode::kResourceExhausted, "SERVICE_BUSY", {},
                  absl::StrCat("command queue is full (", options_.max_queued_commands, " waiting); retry later"));
    } else {
      queue_.push_back(Pending{std::move(meta), std::move(decide), std::move(done)});
    }
  }
  if (!refused.ok()) {
    done(refused);  // outside the queue's lock: `done` may submit again
    return;
  }
  queue_cv_.notify_one();
}

absl::Status CommandProcessor::RunExclusive(const std::function<absl::Status()>& fn) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::shared_ptr<Flight> last;
  {
    std::lock_guard<std::mutex> flight_lock(flight_mu_);
    last = last_flight_;
  }
  Await(last);
  return fn();
}

void CommandProcessor::Await(const std::shared_ptr<Flight>& flight) {
  if (!flight) return;
  std::unique_lock<std::mutex> lock(flight_mu_);
  flight_cv_.wait(lock, [&] { return flight->finished; });
}

absl::StatusOr<int64_t> CommandProcessor::Rebuild(const std::vector<UpstreamReplay>& upstreams) {
  int64_t total = 0;
  absl::Status status = RunExclusive([&]() -> absl::Status {
    std::vector<OffsetMap> limits;
    for (const UpstreamReplay& upstream : upstreams) {
      ASSIGN_OR_RETURN(OffsetMap applied, store_->LoadAppliedOffsets(upstream.log->topic()));
      limits.push_back(std::move(applied));
    }
    RETURN_IF_ERROR(store_->BeginRebuild());
    absl::Status replayed = [&]() -> absl::Status {
      ASSIGN_OR_RETURN(int64_t own, runner_.CatchUp());
      total += own;
      for (size_t i = 0; i < upstreams.size(); ++i) {
        if (upstreams[i].projection == nullptr) {
          // A topic followed for reactions only: no rows to rebuild; the
          // subscription resumes where it was (its reactions are in the own
          // log, replayed above).
          storage::ProjectionBatch offsets = store_->NewBatch();
          for (const auto& [partition, next] : limits[i]) {
            offsets.RecordAppliedOffset(upstreams[i].log->topic(), partition, next);
          }
          RETURN_IF_ERROR(store_->Commit(offsets));
          continue;
        }
        ProjectionRunnerOptions options = options_.runner;
        options.record_request_outcomes = false;
        ProjectionRunner runner(upstreams[i].log, store_, upstreams[i].projection, options);
        ASSIGN_OR_RETURN(int64_t applied, runner.CatchUp(limits[i]));
        total += applied;
      }
      return store_->FinishRebuild();
    }();
    if (!replayed.ok()) {
      store_->AbortRebuild();
      return replayed;
    }
    std::lock_guard<std::mutex> flight_lock(flight_mu_);
    needs_recovery_ = false;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return total;
}

CommandProcessorStats CommandProcessor::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void CommandProcessor::Loop() {
  while (true) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      size_t n = std::min(queue_.size(), options_.max_batch_commands);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    // The batch in flight, if it has not finished: this one stands on it.
    std::shared_ptr<Flight> base;
    {
      std::lock_guard<std::mutex> flight_lock(flight_mu_);
      if (last_flight_ && !last_flight_->finished) base = last_flight_;
    }
    if (!base) {
      absl::Status recovered = RecoverIfNeeded();
      if (!recovered.ok()) {
        for (auto& p : batch) p.done(recovered);
        continue;
      }
    }
    auto flight = std::make_shared<Flight>(store_->NewBatch(base ? &base->rows : nullptr));
    flight->batch = std::move(batch);
    Decide(*flight);
    if (base) {
      Await(base);
      flight->rows.DetachBase();  // base's rows are in the database now, or void
      if (!base->succeeded) {
        // Decided on rows that never reached the log or the projection:
        // decided again, after the projection has re-read the log.
        Requeue(flight->batch);
        continue;
      }
    }
    {
      std::lock_guard<std::mutex> flight_lock(flight_mu_);
      to_commit_ = flight;
      last_flight_ = flight;
    }
    flight_cv_.notify_all();
  }
}

void CommandProcessor::CommitLoop() {
  while (true) {
    std::shared_ptr<Flight> flight;
    {
      std::unique_lock<std::mutex> lock(flight_mu_);
      flight_cv_.wait(lock, [&] { return to_commit_ != nullptr || committer_stopping_; });
      if (!to_commit_) return;
      flight = std::move(to_commit_);
      to_commit_.reset();
    }
    Finish(*flight);
  }
}

void CommandProcessor::Requeue(std::vector<Pending>& batch) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
  }
  batch.clear();
  queue_cv_.notify_one();
}

absl::Status CommandProcessor::RecoverIfNeeded() {
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    if (!needs_recovery_) return absl::OkStatus();
  }
  absl::StatusOr<int64_t> caught_up = runner_.CatchUp();
  if (!caught_up.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the event log could not be re-read after a failed append: ", caught_up.status().message()));
  }
  std::lock_guard<std::mutex> lock(flight_mu_);
  needs_recovery_ = false;
  return absl::OkStatus();
}

namespace {

// The first outcome of a request id seen before (in the store or earlier in
// the batch), nullopt for a new one; ALREADY_EXISTS when the id was used for
// another command.
absl::StatusOr<std::optional<common::v1::CommandOutcome>> SeenOutcome(storage::ProjectionBatch& rows,
                                                                      const CommandMeta& meta) {
  ASSIGN_OR_RETURN(std::optional<std::string> seen, rows.Get(RequestOutcomeKey(meta.actor, meta.request_id)));
  if (!seen) return std::optional<common::v1::CommandOutcome>();
  common::v1::CommandOutcome outcome;
  if (!outcome.ParseFromString(*seen)) {
    return absl::DataLossError(absl::StrCat("stored outcome of request '", meta.request_id, "' cannot be parsed"));
  }
  if (!meta.fingerprint.empty() && !outcome.request_fingerprint().empty() &&
      outcome.request_fingerprint() != meta.fingerprint) {
    return Refusal(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED", {{"request_id", meta.request_id}},
                   absl::StrCat("request_id '", meta.request_id,
                                "' was already used for a different command; use a new request_id"));
  }
  outcome.set_replayed(true);
  return std::optional<common::v1::CommandOutcome>(std::move(outcome));
}

// The envelope of the `index`-th of `count` events a command decided at `now`.
common::v1::EventEnvelope EnvelopeOf(const NewEvent& event, const CommandMeta& meta, absl::Time now, int32_t index,
                                     int32_t count) {
  common::v1::EventEnvelope envelope;
  envelope.set_event_id(NewRandomHexId());
  envelope.set_aggregate_type(event.aggregate_type);
  envelope.set_aggregate_id(event.aggregate_id.value());
  envelope.set_aggregate_version(event.aggregate_version.value());
  *envelope.mutable_occurred_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now));
  envelope.set_actor(meta.actor);
  envelope.set_org_scope(meta.org_scope);
  envelope.set_correlation_id(meta.correlation_id);
  envelope.set_causation_id(meta.causation_id);
  envelope.set_request_id(meta.request_id);
  envelope.set_request_fingerprint(meta.fingerprint);
  envelope.set_index_in_command(index);
  envelope.set_events_in_command(count);
  envelope.set_envelope_version(1);
  envelope.mutable_payload()->PackFrom(*event.payload);
  return envelope;
}

}  // namespace

CommandProcessor::Decided CommandProcessor::DecideOne(Pending& cmd, storage::ProjectionBatch& rows) {
  Decided result;
  const absl::Time now = clock_->Now();
  rows.SetSavePoint();
  absl::StatusOr<std::vector<NewEvent>> decided = cmd.decide(rows, now);
  if (decided.ok() && decided->empty()) {
    if (cmd.meta.may_decide_nothing) {
      rows.RollbackToSavePoint();
      common::v1::CommandOutcome nothing;
      nothing.set_request_id(cmd.meta.request_id);
      result.outcome = nothing;
      return result;
    }
    decided = absl::InternalError("command decided no events");
  }
  if (!decided.ok()) {
    rows.RollbackToSavePoint();
    result.outcome = decided.status();
    return result;
  }
  common::v1::CommandOutcome outcome;
  const int32_t count = static_cast<int32_t>(decided->size());
  for (int32_t e = 0; e < count; ++e) {
    const NewEvent& event = (*decided)[e];
    const common::v1::EventEnvelope envelope = EnvelopeOf(event, cmd.meta, now, e, count);
    const size_t bytes = envelope.ByteSizeLong();
    if (bytes > options_.max_event_bytes) {
      // Fails alone: an event the log would refuse never joins the batch.
      rows.RollbackToSavePoint();
      result.records.clear();
      result.outcome =
          absl::InvalidArgumentError(absl::StrCat("the command's event ", event.payload->GetTypeName(), " would be ",
                                                  bytes, " bytes; at most ", options_.max_event_bytes, " are allowed"));
      return result;
    }
    if (absl::Status applied = ApplyEventRows(*projection_, envelope, rows); !applied.ok()) {
      rows.RollbackToSavePoint();
      result.records.clear();
      result.outcome = absl::InternalError(absl::StrCat("projection rejected the decided events: ", applied.message()));
      return result;
    }
    if (e == 0) {
      outcome.set_request_id(cmd.meta.request_id);
      outcome.set_aggregate_type(event.aggregate_type);
      outcome.set_aggregate_id(event.aggregate_id.value());
      outcome.set_first_event_id(envelope.event_id());
      outcome.set_request_fingerprint(cmd.meta.fingerprint);
    }
    if (event.aggregate_id.value() == outcome.aggregate_id()) {
      outcome.set_aggregate_version(event.aggregate_version.value());
    }
    result.records.push_back(AppendRecord{event.aggregate_id.value(), envelope.SerializeAsString()});
  }
  rows.PopSavePoint();
  result.outcome = outcome;
  result.writes = true;
  return result;
}

absl::Status CommandProcessor::AppendAndCommit(std::vector<AppendRecord> records, const storage::ProjectionBatch& rows,
                                               int64_t& append_micros, int64_t& commit_micros, bool& committed) {
  committed = false;
  const absl::Time append_start = absl::Now();
  absl::StatusOr<std::vector<LogPosition>> positions = log_->AppendAtomically(records);
  append_micros = absl::ToInt64Microseconds(absl::Now() - append_start);
  if (!positions.ok()) {
    return Refusal(absl::StatusCode::kUnavailable, "LOG_APPEND_FAILED", {},
                   absl::StrCat("event log append failed (", positions.status().message(),
                                "); the command may or may not be recorded: retry with the same request_id"));
  }
  OffsetMap applied;
  for (const LogPosition& pos : *positions) {
    auto it = applied.find(pos.partition);
    if (it == applied.end() || it->second < pos.offset.Next()) applied[pos.partition] = pos.offset.Next();
  }
  // The events are durable in the log; a projection that failed to commit
  // catches up from it before the next batch is decided.
  const absl::Time commit_start = absl::Now();
  committed = store_->Commit(rows, log_->topic(), applied).ok();
  commit_micros = absl::ToInt64Microseconds(absl::Now() - commit_start);
  return absl::OkStatus();
}

void CommandProcessor::Decide(Flight& flight) {
  const absl::Time decide_start = absl::Now();
  flight.results.resize(flight.batch.size());
  for (size_t i = 0; i < flight.batch.size(); ++i) {
    absl::StatusOr<std::optional<common::v1::CommandOutcome>> seen = SeenOutcome(flight.rows, flight.batch[i].meta);
    if (!seen.ok() || seen->has_value()) {
      if (seen.ok()) ++flight.replays;
      flight.results[i].outcome = seen.ok() ? absl::StatusOr<common::v1::CommandOutcome>(**seen) : seen.status();
      continue;
    }
    flight.results[i] = DecideOne(flight.batch[i], flight.rows);
  }
  flight.decide_micros = absl::ToInt64Microseconds(absl::Now() - decide_start);
}

void CommandProcessor::Finish(Flight& flight) {
  std::vector<AppendRecord> records;
  for (Decided& r : flight.results) {
    for (AppendRecord& record : r.records) records.push_back(std::move(record));
    r.records.clear();
  }
  const int64_t event_count = static_cast<int64_t>(records.size());
  int64_t append_micros = 0;
  int64_t commit_micros = 0;
  bool committed = true;
  bool append_failed = false;
  if (!records.empty()) {
    if (options_.batch_records) {
      records =
          PackRecords(
              records, [this](const std::string& key) { return log_->PartitionOf(key); }, options_.max_record_bytes)
              .records;
    }
    absl::Status appended = AppendAndCommit(std::move(records), flight.rows, append_micros, commit_micros, committed);
    if (!appended.ok()) {
      append_failed = true;
      for (Decided& r : flight.results) {
        if (r.writes) r.outcome = appended;
      }
    }
  }
  {
    // Counted before the answers: a caller that reads the stats after its
    // answer finds its command in them.
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.batches += 1;
    stats_.commands += static_cast<int64_t>(flight.batch.size());
    stats_.replays += flight.replays;
    if (append_failed) {
      stats_.failed_appends += 1;
    } else {
      stats_.events += event_count;
    }
    stats_.decide_micros += flight.decide_micros;
    stats_.append_micros += append_micros;
    stats_.store_commit_micros += commit_micros;
  }
  const absl::Time answer_start = absl::Now();
  for (size_t i = 0; i < flight.batch.size(); ++i) flight.batch[i].done(flight.results[i].outcome);
  const int64_t answer_micros = absl::ToInt64Microseconds(absl::Now() - answer_start);
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.answer_micros += answer_micros;
  }
  {
    std::lock_guard<std::mutex> lock(flight_mu_);
    if (!committed) needs_recovery_ = true;
    flight.succeeded = committed;
    flight.finished = true;
  }
  flight_cv_.notify_all();
}

}  // namespace zizhu::es
