// How events sit in the log's records. A service writes the events of one
// group-committed batch for one partition as ONE record, an EventBatch (the
// broker's and the clients' cost is per record and per request, not per
// byte); topics written before batches hold one EventEnvelope per record.
// Every reader decodes through here: the projection runner, subscriptions,
// the report reader, the tests' topic reader.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "services/common/es/event_log.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::es {

// True when `value` is an EventBatch (it begins with the tag of field 100,
// which EventEnvelope reserves).
bool IsEventBatch(std::string_view value);

// Appends the events of `record` to `out`, in order. DATA_LOSS naming the
// topic, partition and offset when the value is neither a batch nor an
// envelope (nothing is appended then).
absl::Status DecodeRecord(const std::string& topic, const LoggedRecord& record,
                          std::vector<common::v1::EventEnvelope>& out);

// Batch records made of serialized envelopes.
struct PackedRecords {
  std::vector<AppendRecord> records;  // each with its partition set
  std::vector<size_t> record_of;      // input i went into records[record_of[i]]
};
// Packs `events` (key = aggregate id, value = a serialized EventEnvelope, in
// decided order) into batch records: per partition (by `partition_of` of the
// key), in order, a new record when the next event would take one past
// `max_record_bytes`. An event of its own above the limit still gets a
// record of its own (the log refuses it; the caller caps single events).
PackedRecords PackRecords(const std::vector<AppendRecord>& events,
                          const std::function<PartitionId(const std::string&)>& partition_of, size_t max_record_bytes);

}  // namespace zizhu::es
