#include "services/common/es/projection_runner.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/core/status_macros.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {
namespace {

bool Reached(const OffsetMap& next, const OffsetMap& until) {
  for (const auto& [partition, offset] : until) {
    auto it = next.find(partition);
    if (offset.value() > 0 && (it == next.end() || it->second < offset)) return false;
  }
  return true;
}

}  // namespace

ProjectionRunner::ProjectionRunner(EventLog* log, storage::ProjectionStore* store, Projection* projection,
                                   ProjectionRunnerOptions options)
    : log_(log), store_(store), projection_(projection), options_(std::move(options)) {}

absl::StatusOr<int64_t> ProjectionRunner::CatchUp(const std::optional<OffsetMap>& until) {
  ASSIGN_OR_RETURN(OffsetMap offsets, store_->LoadAppliedOffsets(log_->topic()));
  if (until && Reached(offsets, *until)) return 0;
  ASSIGN_OR_RETURN(std::unique_ptr<EventLogReader> reader, log_->NewReader());
  RETURN_IF_ERROR(reader->Seek(offsets));
  int64_t applied = 0;
  absl::Time last_progress = absl::Now();
  // A rebuild loads in bulk: rows folded in memory up to a budget, then
  // written as one sorted table file (the database being rebuilt is dropped
  // if the process dies, so nothing is lost by not writing each batch).
  // Otherwise a WriteBatch per read (or per batch_records events), with the
  // offsets, as a live projection must.
  const bool bulk = store_->rebuilding() && options_.bulk_load_bytes > 0;
  storage::ProjectionBatch batch = store_->NewBatch();
  int64_t in_batch = 0;
  auto flush = [&]() -> absl::Status {
    RETURN_IF_ERROR(bulk ? store_->IngestSorted(batch) : store_->Commit(batch));
    batch = store_->NewBatch();
    applied += in_batch;
    in_batch = 0;
    if (options_.on_progress) options_.on_progress(applied);
    return absl::OkStatus();
  };
  std::vector<common::v1::EventEnvelope> events;
  while (true) {
    ASSIGN_OR_RETURN(ReadResult read, reader->Read(options_.batch_records, options_.read_timeout));
    if (!read.records.empty()) {
      for (const LoggedRecord& record : read.records) {
        if (until) {
          auto limit = until->find(record.partition);
          if (limit == until->end() || !(record.offset < limit->second)) continue;
        }
        events.clear();
        RETURN_IF_ERROR(DecodeRecord(log_->topic(), record, events));
        for (const common::v1::EventEnvelope& envelope : events) {
          absl::Status status = options_.record_request_outcomes ? ApplyEventRows(*projection_, envelope, batch)
                                                                 : projection_->Apply(envelope, batch);
          if (!status.ok()) {
            return absl::DataLossError(absl::StrCat("applying ", log_->topic(), "/", record.partition, "@",
                                                    record.offset.value(), " (event ", envelope.event_id(),
                                                    "): ", status.message()));
          }
        }
        batch.RecordAppliedOffset(log_->topic(), record.partition, record.offset.Next());
        offsets[record.partition] = record.offset.Next();
        in_batch += static_cast<int64_t>(events.size());
        // Batch records hold many events: the memory of one write stays bounded.
        if (bulk ? batch.approx_bytes() >= options_.bulk_load_bytes
                 : in_batch >= static_cast<int64_t>(options_.batch_records)) {
          RETURN_IF_ERROR(flush());
        }
      }
      if (!bulk) RETURN_IF_ERROR(flush());
      last_progress = absl::Now();
    }
    if (read.at_end || (until && Reached(offsets, *until))) {
      RETURN_IF_ERROR(flush());
      return applied;
    }
    if (read.records.empty() && absl::Now() - last_progress > options_.stall_timeout) {
      return absl::UnavailableError(absl::StrCat("log '", log_->topic(), "' gave no records and no end for ",
                                                 absl::FormatDuration(options_.stall_timeout)));
    }
  }
}

}  // namespace zizhu::es
