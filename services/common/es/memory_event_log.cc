#include "services/common/es/memory_event_log.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {
namespace {

uint32_t Fnv1a(const std::string& key) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

class MemoryEventLogReader final : public EventLogReader {
 public:
  explicit MemoryEventLogReader(const MemoryEventLog* log) : log_(log), next_(log->partitions()) {}

  absl::Status Seek(const OffsetMap& next_offsets) override {
    for (size_t p = 0; p < next_.size(); ++p) {
      auto it = next_offsets.find(static_cast<PartitionId>(p));
      next_[p] = it == next_offsets.end() ? 0 : it->second.value();
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ReadResult> Read(size_t max_records, absl::Duration) override {
    ReadResult result;
    std::lock_guard<std::mutex> lock(log_->mu_);
    for (size_t p = 0; p < next_.size() && result.records.size() < max_records; ++p) {
      const auto& part = log_->partitions_[p];
      while (next_[p] < static_cast<int64_t>(part.size()) && result.records.size() < max_records) {
        result.records.push_back(part[next_[p]]);
        ++next_[p];
      }
    }
    result.at_end = true;
    for (size_t p = 0; p < next_.size(); ++p) {
      if (next_[p] < static_cast<int64_t>(log_->partitions_[p].size())) result.at_end = false;
    }
    return result;
  }

  absl::StatusOr<int64_t> Lag() override {
    std::lock_guard<std::mutex> lock(log_->mu_);
    int64_t lag = 0;
    for (size_t p = 0; p < next_.size(); ++p) lag += static_cast<int64_t>(log_->partitions_[p].size()) - next_[p];
    return lag;
  }

 private:
  const MemoryEventLog* log_;
  std::vector<int64_t> next_;
};

MemoryEventLog::MemoryEventLog(std::string topic, int partitions) : topic_(std::move(topic)), partitions_(partitions) {}

absl::StatusOr<std::vector<LogPosition>> MemoryEventLog::AppendAtomically(const std::vector<AppendRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fail_next_) {
    absl::Status status = *fail_next_;
    fail_next_.reset();
    return status;
  }
  std::vector<LogPosition> positions;
  positions.reserve(records.size());
  for (const auto& record : records) {
    if (record.partition >= static_cast<PartitionId>(partitions_.size())) {
      return absl::InvalidArgumentError(absl::StrCat("partition ", record.partition, " of topic '", topic_,
                                                     "' does not exist (", partitions_.size(), " partitions)"));
    }
  }
  for (const auto& record : records) {
    PartitionId p = record.partition >= 0 ? record.partition : PartitionOf(record.key);
    LogOffset offset(static_cast<int64_t>(partitions_[p].size()));
    partitions_[p].push_back(LoggedRecord{p, offset, record.key, record.value});
    positions.push_back(LogPosition{p, offset});
  }
  return positions;
}

PartitionId MemoryEventLog::PartitionOf(const std::string& key) const {
  return static_cast<PartitionId>(Fnv1a(key) % partitions_.size());
}

absl::StatusOr<std::unique_ptr<EventLogReader>> MemoryEventLog::NewReader() {
  return std::unique_ptr<EventLogReader>(new MemoryEventLogReader(this));
}

void MemoryEventLog::FailNextAppend(absl::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = std::move(status);
}

size_t MemoryEventLog::events() const {
  size_t n = 0;
  std::vector<common::v1::EventEnvelope> decoded;
  for (const LoggedRecord& record : AllRecords()) {
    decoded.clear();
    if (DecodeRecord(topic_, record, decoded).ok()) n += decoded.size();
  }
  return n;
}

size_t MemoryEventLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& p : partitions_) n += p.size();
  return n;
}

std::vector<LoggedRecord> MemoryEventLog::AllRecords() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LoggedRecord> out;
  for (const auto& p : partitions_) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace zizhu::es
