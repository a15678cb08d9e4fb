// Batch records: packed per partition in decided order, split below the
// size limit, read back with the events of single-envelope records alike,
// and a record that is neither refused with its place named.
#include "services/common/es/record_codec.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace zizhu::es {
namespace {

common::v1::EventEnvelope Event(const std::string& aggregate, int64_t version) {
  common::v1::EventEnvelope e;
  e.set_event_id(absl::StrCat(aggregate, "-", version));
  e.set_aggregate_type("test.Thing");
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(version);
  e.set_request_id("r");
  return e;
}

AppendRecord Serialized(const common::v1::EventEnvelope& e) { return {e.aggregate_id(), e.SerializeAsString()}; }

// "a…" keys to partition 0, "b…" to 1, "c…" to 2.
PartitionId ByFirstLetter(const std::string& key) { return key[0] - 'a'; }

std::vector<common::v1::EventEnvelope> Decode(const AppendRecord& record, PartitionId partition = 0,
                                              int64_t offset = 0) {
  std::vector<common::v1::EventEnvelope> out;
  LoggedRecord logged{partition, LogOffset(offset), record.key, record.value};
  absl::Status status = DecodeRecord("t", logged, out);
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

TEST(RecordCodecTest, PacksOneRecordPerPartitionInDecidedOrder) {
  std::vector<AppendRecord> events = {Serialized(Event("a1", 1)), Serialized(Event("b1", 1)),
                                      Serialized(Event("a1", 2)), Serialized(Event("a2", 1)),
                                      Serialized(Event("c1", 1))};
  PackedRecords packed = PackRecords(events, ByFirstLetter, 1 << 20);
  ASSERT_EQ(packed.records.size(), 3u);
  EXPECT_EQ(packed.record_of, (std::vector<size_t>{0, 1, 0, 0, 2}));
  EXPECT_EQ(packed.records[0].partition, 0);
  EXPECT_EQ(packed.records[0].key, "a1");  // the first event's aggregate
  EXPECT_EQ(packed.records[1].partition, 1);
  EXPECT_EQ(packed.records[2].partition, 2);
  std::vector<common::v1::EventEnvelope> first = Decode(packed.records[0]);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].event_id(), "a1-1");
  EXPECT_EQ(first[1].event_id(), "a1-2");
  EXPECT_EQ(first[2].event_id(), "a2-1");
  EXPECT_TRUE(IsEventBatch(packed.records[0].value));
}

TEST(RecordCodecTest, ARecordIsClosedBeforeItWouldPassTheLimit) {
  std::vector<AppendRecord> events;
  for (int v = 1; v <= 10; ++v) {
    common::v1::EventEnvelope e = Event("a", v);
    e.set_actor(std::string(100, 'x'));
    events.push_back(Serialized(e));
  }
  const size_t one = events[0].value.size() + 3;  // tag (2 bytes) + length (1 byte) + envelope
  PackedRecords packed = PackRecords(events, ByFirstLetter, 3 * one);
  ASSERT_EQ(packed.records.size(), 4u);  // 3 + 3 + 3 + 1
  size_t total = 0;
  int64_t expected_version = 1;
  for (const AppendRecord& record : packed.records) {
    EXPECT_LE(record.value.size(), 3 * one);
    EXPECT_EQ(record.partition, 0);
    for (const auto& e : Decode(record)) {
      EXPECT_EQ(e.aggregate_version(), expected_version++);
      ++total;
    }
  }
  EXPECT_EQ(total, 10u);
}

TEST(RecordCodecTest, ARecordOfOneEnvelopeWrittenBeforeBatchesIsRead) {
  common::v1::EventEnvelope e = Event("a", 7);
  AppendRecord old{"a", e.SerializeAsString()};
  EXPECT_FALSE(IsEventBatch(old.value));
  std::vector<common::v1::EventEnvelope> events = Decode(old);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].aggregate_version(), 7);
}

TEST(RecordCodecTest, NoEnvelopeLooksLikeABatch) {
  // An envelope is serialized in field order: it begins with the tag of its
  // lowest field that is set, whichever that is — never with field 100's.
  const google::protobuf::Descriptor* descriptor = common::v1::EventEnvelope::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    common::v1::EventEnvelope e;
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    const google::protobuf::Reflection* reflection = e.GetReflection();
    switch (field->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(&e, field, "x");
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(&e, field, 1);
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_INT64:
        reflection->SetInt64(&e, field, 1);
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE:
        reflection->MutableMessage(&e, field);
        break;
      default:
        FAIL() << "a field of a kind this test does not set: " << field->name();
    }
    EXPECT_FALSE(IsEventBatch(e.SerializeAsString())) << field->name();
  }
  EXPECT_FALSE(IsEventBatch(Event("a", 1).SerializeAsString()));
}

TEST(RecordCodecTest, ARecordThatIsNeitherIsDataLossNamingItsPlace) {
  std::vector<common::v1::EventEnvelope> out;
  LoggedRecord garbage{4, LogOffset(77), "k", std::string("\xff\xff\xff\xff", 4)};
  absl::Status status = DecodeRecord("zizhu.test.events", garbage, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("zizhu.test.events/4@77"), std::string::npos) << status;
  EXPECT_TRUE(out.empty());
  LoggedRecord broken_batch{1, LogOffset(3), "k", std::string("\xa2\x06\x50", 3)};  // length past the end
  status = DecodeRecord("zizhu.test.events", broken_batch, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("zizhu.test.events/1@3"), std::string::npos) << status;
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace zizhu::es
