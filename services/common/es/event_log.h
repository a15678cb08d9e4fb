// The event log: an append-only, partitioned sequence of records that is the
// source of truth of a service. Two implementations: KafkaEventLog (real
// broker, transactions, read_committed) and MemoryEventLog (tests).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/core/strong_types.h"

namespace zizhu::es {

using PartitionId = int32_t;
// Next offset to read, per partition.
using OffsetMap = std::map<PartitionId, LogOffset>;

struct AppendRecord {
  std::string key;             // aggregate id; decides the partition unless `partition` is set
  std::string value;           // serialized EventBatch (or EventEnvelope)
  PartitionId partition = -1;  // -1: the log's partitioner on `key`
};

struct LogPosition {
  PartitionId partition = 0;
  LogOffset offset;
};

struct LoggedRecord {
  PartitionId partition = 0;
  LogOffset offset;
  std::string key;
  std::string value;
};

struct ReadResult {
  std::vector<LoggedRecord> records;
  // True when every partition has been read up to its end (for Kafka, up to
  // the last stable offset) at the time of this call.
  bool at_end = false;
};

// Reads committed records of one topic, all partitions, from given offsets.
// Not thread-safe: one thread owns a reader.
class EventLogReader {
 public:
  virtual ~EventLogReader() = default;
  // Positions the reader; partitions absent from `next_offsets` start at 0.
  virtual absl::Status Seek(const OffsetMap& next_offsets) = 0;
  // Returns up to `max_records`, waiting at most `timeout` for the first.
  virtual absl::StatusOr<ReadResult> Read(size_t max_records, absl::Duration timeout) = 0;
  // Records between this reader's position and the end of the topic, summed
  // over partitions (0 when every partition has been read to its end).
  virtual absl::StatusOr<int64_t> Lag() = 0;
};

// Writer side. Append is called from one thread at a time (the command
// processor's); implementations must still be safe to destroy from any thread.
class EventLog {
 public:
  virtual ~EventLog() = default;
  virtual const std::string& topic() const = 0;
  // The partition the log's partitioner gives `key` (a record without an
  // explicit partition goes there).
  virtual PartitionId PartitionOf(const std::string& key) const = 0;
  // Appends all records atomically (one transaction): either every record is
  // committed and visible to read_committed readers, or none is. Returns the
  // position of each record, in order. UNAVAILABLE when the log cannot be
  // reached; the outcome may then be unknown, so callers re-read the log.
  virtual absl::StatusOr<std::vector<LogPosition>> AppendAtomically(const std::vector<AppendRecord>& records) = 0;
  // A new reader over the same topic.
  virtual absl::StatusOr<std::unique_ptr<EventLogReader>> NewReader() = 0;
};

}  // namespace zizhu::es
