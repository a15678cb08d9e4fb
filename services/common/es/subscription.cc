#include "services/common/es/subscription.h"

#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "services/common/core/status_macros.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {
namespace {

// A reaction refused by a business rule is an answer, not a failure: the
// upstream event is still applied. Anything else is retried.
bool IsRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string ReactionRequestId(absl::string_view name, const common::v1::EventEnvelope& upstream) {
  return absl::StrCat("r:", name, ":", upstream.event_id());
}

Subscription::Subscription(SubscriptionSpec spec, CommandProcessor* processor, storage::ProjectionStore* store,
                           SubscriptionOptions options)
    : spec_(std::move(spec)), processor_(processor), store_(store), options_(options) {
  status_.topic = spec_.log->topic();
}

Subscription::~Subscription() { Stop(); }

void Subscription::Start() {
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "zizhu-follow");
    Loop();
  });
}

void Subscription::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

SubscriptionStatus Subscription::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  SubscriptionStatus copy = status_;
  if (spec_.projection) copy.skipped_events = spec_.projection->skipped_events();
  return copy;
}

bool Subscription::WaitCaughtUp(absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t first_round_after_call = rounds_ + 2;  // the round in progress may have begun before
  return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                           [&] { return rounds_ >= first_round_after_call && status_.lag_records == 0; });
}

void Subscription::SetError(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_.last_error = status.ok() ? "" : std::string(status.message());
  changed_.notify_all();
}

void Subscription::Loop() {
  std::unique_ptr<EventLogReader> reader;
  while (!stopping_) {
    absl::Status step = Step(reader);
    if (step.ok()) continue;
    SetError(step);
    reader.reset();  // start again from the stored offsets
    for (absl::Time until = absl::Now() + options_.retry_pause; !stopping_ && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
}

absl::Status Subscription::Step(std::unique_ptr<EventLogReader>& reader) {
  const std::string& topic = spec_.log->topic();
  if (!reader) {
    storage::AppliedPositions positions;
    RETURN_IF_ERROR(processor_->RunExclusive([&]() -> absl::Status {
      ASSIGN_OR_RETURN(positions, store_->LoadAppliedPositions(topic));
      return absl::OkStatus();
    }));
    ASSIGN_OR_RETURN(reader, spec_.log->NewReader());
    RETURN_IF_ERROR(reader->Seek(positions.next));
    resume_within_.clear();
    for (const auto& [partition, within] : positions.within) {
      resume_within_[partition] = {positions.next[partition], within};
    }
    std::lock_guard<std::mutex> lock(mu_);
    status_.applied_offsets = std::move(positions.next);
  }
  ASSIGN_OR_RETURN(ReadResult read, reader->Read(options_.batch_records, options_.read_timeout));
  DecodedRead decoded;
  RETURN_IF_ERROR(Decode(read, decoded));
  std::vector<common::v1::EventEnvelope>& events = decoded.events;
  if (!read.records.empty()) {
    // Reactions see the rows of the events before theirs: rows are committed
    // up to each event that causes reactions (when this follow keeps rows).
    std::vector<std::pair<const common::v1::EventEnvelope*, Reaction>> pending;
    size_t committed = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      if (!spec_.react) break;
      std::vector<Reaction> reactions;
      RETURN_IF_ERROR(spec_.react(events[i], reactions));
      if (reactions.empty()) continue;
      if (spec_.projection && committed < i) {
        RETURN_IF_ERROR(CommitRows(read, decoded, committed, i));
        committed = i;
      }
      for (Reaction& reaction : reactions) pending.emplace_back(&events[i], std::move(reaction));
      if (spec_.projection) {
        RETURN_IF_ERROR(RunReactions(std::move(pending)));
        pending.clear();
      }
    }
    RETURN_IF_ERROR(RunReactions(std::move(pending)));
    RETURN_IF_ERROR(CommitRows(read, decoded, committed, events.size()));
  }
  ASSIGN_OR_RETURN(int64_t lag, reader->Lag());
  std::lock_guard<std::mutex> lock(mu_);
  status_.lag_records = read.at_end ? 0 : std::max<int64_t>(lag, read.records.empty() ? 0 : 1);
  status_.last_error.clear();
  ++rounds_;
  changed_.notify_all();
  return absl::OkStatus();
}

absl::Status Subscription::Decode(const ReadResult& read, DecodedRead& out) {
  const std::string& topic = spec_.log->topic();
  std::vector<common::v1::EventEnvelope> events;
  for (size_t r = 0; r < read.records.size(); ++r) {
    const LoggedRecord& record = read.records[r];
    events.clear();
    RETURN_IF_ERROR(DecodeRecord(topic, record, events));
    int64_t skip = 0;
    auto resume = resume_within_.find(record.partition);
    if (resume != resume_within_.end()) {
      if (resume->second.first == record.offset) skip = resume->second.second;
      resume_within_.erase(resume);
    }
    if (skip > static_cast<int64_t>(events.size())) {
      return absl::DataLossError(absl::StrCat("record at ", topic, "/", record.partition, "@", record.offset.value(),
                                              " holds ", events.size(), " events, but ", skip,
                                              " of it are recorded as applied"));
    }
    out.first_event.push_back(out.events.size());
    out.applied_before.push_back(skip);
    for (size_t e = static_cast<size_t>(skip); e < events.size(); ++e) {
      out.events.push_back(std::move(events[e]));
      out.record_of.push_back(r);
    }
  }
  return absl::OkStatus();
}

absl::Status Subscription::CommitRows(const ReadResult& read, DecodedRead& decoded, size_t from, size_t to) {
  const std::string& topic = spec_.log->topic();
  const size_t records = read.records.size();
  auto end_of = [&](size_t r) { return r + 1 < records ? decoded.first_event[r + 1] : decoded.events.size(); };
  if (from >= to && (decoded.recorded == records || end_of(decoded.recorded) > to)) return absl::OkStatus();
  size_t recorded = decoded.recorded;
  RETURN_IF_ERROR(processor_->RunExclusive([&]() -> absl::Status {
    storage::ProjectionBatch batch = store_->NewBatch();
    for (size_t i = from; i < to; ++i) {
      const LoggedRecord& record = read.records[decoded.record_of[i]];
      if (spec_.projection) {
        absl::Status status = spec_.projection->Apply(decoded.events[i], batch);
        if (!status.ok()) {
          return absl::DataLossError(absl::StrCat("applying ", topic, "/", record.partition, "@", record.offset.value(),
                                                  " (event ", decoded.events[i].event_id(), "): ", status.message()));
        }
      }
    }
    // Records wholly applied move the partition's position past them; a
    // record applied up to an event inside it is recorded with that count.
    for (; recorded < records; ++recorded) {
      const LoggedRecord& record = read.records[recorded];
      if (end_of(recorded) <= to) {
        batch.RecordAppliedOffset(topic, record.partition, record.offset.Next());
        continue;
      }
      if (decoded.first_event[recorded] < to) {
        batch.RecordPartlyApplied(
            topic, record.partition, record.offset,
            decoded.applied_before[recorded] + static_cast<int64_t>(to - decoded.first_event[recorded]));
      }
      break;
    }
    return store_->Commit(batch);
  }));
  std::lock_guard<std::mutex> lock(mu_);
  status_.applied_events += static_cast<int64_t>(to - from);
  for (size_t r = decoded.recorded; r < recorded; ++r) {
    status_.applied_offsets[read.records[r].partition] = read.records[r].offset.Next();
  }
  decoded.recorded = recorded;
  return absl::OkStatus();
}

absl::Status Subscription::RunReactions(std::vector<std::pair<const common::v1::EventEnvelope*, Reaction>> reactions) {
  std::vector<std::pair<CommandMeta, DecideFn>> commands;
  for (auto& [event, reaction] : reactions) {
    CommandMeta meta{ReactionRequestId(reaction.name, *event), spec_.actor, event->org_scope(), event->correlation_id(),
                     event->event_id()};
    meta.may_decide_nothing = true;  // the decision finds out whether there is anything to do
    commands.emplace_back(std::move(meta), std::move(reaction.decide));
  }
  if (commands.empty()) return absl::OkStatus();
  std::vector<absl::Status> outcomes(commands.size());
  absl::BlockingCounter pending(static_cast<int>(commands.size()));
  for (size_t i = 0; i < commands.size(); ++i) {
    processor_->Submit(std::move(commands[i].first), std::move(commands[i].second),
                       [&outcomes, &pending, i](const absl::StatusOr<common::v1::CommandOutcome>& outcome) {
                         outcomes[i] = outcome.status();
                         pending.DecrementCount();
                       });
  }
  pending.Wait();
  int64_t refused = 0;
  for (const absl::Status& outcome : outcomes) {
    if (outcome.ok()) continue;
    if (!IsRefusal(outcome)) {
      return absl::UnavailableError(absl::StrCat("a reaction failed (", outcome.message(), "); will retry"));
    }
    ++refused;
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.reactions += static_cast<int64_t>(commands.size());
  status_.reactions_refused += refused;
  return absl::OkStatus();
}

}  // namespace zizhu::es
