// In-memory EventLog for unit and service tests. Thread-safe. Partitions by
// FNV-1a hash of the key, like a real log would by key.
#pragma once

#include <deque>
#include <mutex>
#include <optional>

#include "services/common/es/event_log.h"

namespace zizhu::es {

class MemoryEventLog final : public EventLog {
 public:
  explicit MemoryEventLog(std::string topic, int partitions = 3);

  const std::string& topic() const override { return topic_; }
  PartitionId PartitionOf(const std::string& key) const override;
  absl::StatusOr<std::vector<LogPosition>> AppendAtomically(const std::vector<AppendRecord>& records) override;
  absl::StatusOr<std::unique_ptr<EventLogReader>> NewReader() override;

  // Test hook: the next append fails with `status` and writes nothing.
  void FailNextAppend(absl::Status status);
  // Number of records across all partitions.
  size_t size() const;
  // Number of events in them (a batch record holds many).
  size_t events() const;
  // A copy of every record, partition by partition.
  std::vector<LoggedRecord> AllRecords() const;
  int partitions() const { return static_cast<int>(partitions_.size()); }

 private:
  friend class MemoryEventLogReader;
  std::string topic_;
  mutable std::mutex mu_;
  std::vector<std::vector<LoggedRecord>> partitions_;
  std::optional<absl::Status> fail_next_;
};

}  // namespace zizhu::es
