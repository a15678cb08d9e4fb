#include "services/common/es/record_codec.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"

namespace zizhu::es {
namespace {

// Field 100, wire type 2 (length-delimited): varint (100 << 3) | 2 = 802.
constexpr char kBatchTag[] = {static_cast<char>(0xA2), static_cast<char>(0x06)};

void AppendEvent(std::string& batch, const std::string& envelope) {
  batch.append(kBatchTag, sizeof kBatchTag);
  uint8_t length[10];
  uint8_t* end =
      google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(envelope.size()), length);
  batch.append(reinterpret_cast<const char*>(length), static_cast<size_t>(end - length));
  batch.append(envelope);
}

size_t EncodedSize(const std::string& envelope) {
  return sizeof kBatchTag +
         google::protobuf::io::CodedOutputStream::VarintSize32(static_cast<uint32_t>(envelope.size())) +
         envelope.size();
}

}  // namespace

bool IsEventBatch(std::string_view value) {
  return value.size() >= sizeof kBatchTag && value[0] == kBatchTag[0] && value[1] == kBatchTag[1];
}

absl::Status DecodeRecord(const std::string& topic, const LoggedRecord& record,
                          std::vector<common::v1::EventEnvelope>& out) {
  if (IsEventBatch(record.value)) {
    common::v1::EventBatch batch;
    if (!batch.ParseFromString(record.value) || batch.events_size() == 0) {
      return absl::DataLossError(absl::StrCat("record at ", topic, "/", record.partition, "@", record.offset.value(),
                                              " is not a readable EventBatch"));
    }
    for (common::v1::EventEnvelope& event : *batch.mutable_events()) out.push_back(std::move(event));
    return absl::OkStatus();
  }
  common::v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(record.value)) {
    return absl::DataLossError(absl::StrCat("record at ", topic, "/", record.partition, "@", record.offset.value(),
                                            " is neither an EventBatch nor an EventEnvelope"));
  }
  out.push_back(std::move(envelope));
  return absl::OkStatus();
}

PackedRecords PackRecords(const std::vector<AppendRecord>& events,
                          const std::function<PartitionId(const std::string&)>& partition_of, size_t max_record_bytes) {
  PackedRecords packed;
  packed.record_of.resize(events.size());
  std::map<PartitionId, size_t> open;  // partition -> its record being filled
  for (size_t i = 0; i < events.size(); ++i) {
    const PartitionId partition = partition_of(events[i].key);
    auto it = open.find(partition);
    if (it == open.end() || packed.records[it->second].value.size() + EncodedSize(events[i].value) > max_record_bytes) {
      AppendRecord record;
      record.key = events[i].key;
      record.partition = partition;
      packed.records.push_back(std::move(record));
      it = open.insert_or_assign(partition, packed.records.size() - 1).first;
    }
    AppendEvent(packed.records[it->second].value, events[i].value);
    packed.record_of[i] = it->second;
  }
  return packed;
}

}  // namespace zizhu::es
