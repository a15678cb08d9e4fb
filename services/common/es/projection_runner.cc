#include "services/common/es/projection_runner.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/core/status_macros.h"

namespace zizhu::es {

ProjectionRunner::ProjectionRunner(EventLog* log, storage::ProjectionStore* store, Projection* projection,
                                   ProjectionRunnerOptions options)
    : log_(log), store_(store), projection_(projection), options_(std::move(options)) {}

absl::StatusOr<int64_t> ProjectionRunner::CatchUp() {
  ASSIGN_OR_RETURN(OffsetMap offsets, store_->LoadAppliedOffsets(log_->topic()));
  ASSIGN_OR_RETURN(std::unique_ptr<EventLogReader> reader, log_->NewReader());
  RETURN_IF_ERROR(reader->Seek(offsets));
  int64_t applied = 0;
  absl::Time last_progress = absl::Now();
  while (true) {
    ASSIGN_OR_RETURN(ReadResult read, reader->Read(options_.batch_records, options_.read_timeout));
    if (!read.records.empty()) {
      storage::ProjectionBatch batch = store_->NewBatch();
      for (const LoggedRecord& record : read.records) {
        common::v1::EventEnvelope envelope;
        if (!envelope.ParseFromString(record.value)) {
          return absl::DataLossError(absl::StrCat("record at ", log_->topic(), "/", record.partition, "@",
                                                  record.offset.value(), " is not an EventEnvelope"));
        }
        absl::Status status =
            ApplyLoggedEvent(*projection_, log_->topic(), envelope, record.partition, record.offset, batch);
        if (!status.ok()) {
          return absl::DataLossError(absl::StrCat("applying ", log_->topic(), "/", record.partition, "@",
                                                  record.offset.value(), " (event ", envelope.event_id(),
                                                  "): ", status.message()));
        }
      }
      RETURN_IF_ERROR(store_->Commit(batch));
      applied += static_cast<int64_t>(read.records.size());
      last_progress = absl::Now();
      if (options_.on_progress) options_.on_progress(applied);
    }
    if (read.at_end) return applied;
    if (read.records.empty() && absl::Now() - last_progress > options_.stall_timeout) {
      return absl::UnavailableError(absl::StrCat("log '", log_->topic(), "' gave no records and no end for ",
                                                 absl::FormatDuration(options_.stall_timeout)));
    }
  }
}

absl::StatusOr<int64_t> ProjectionRunner::Rebuild() {
  RETURN_IF_ERROR(store_->Wipe());
  return CatchUp();
}

}  // namespace zizhu::es
