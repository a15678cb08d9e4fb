#include "tests/support/topic_reader.h"

#include "gtest/gtest.h"
#include "services/common/es/record_codec.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"

namespace zizhu::testing_support {

std::vector<es::LoggedRecord> ReadWholeTopic(const std::string& topic) {
  kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = GlobalBroker().bootstrap();
  o.client_settings = KafkaSettings("zizhu-test");
  o.topic = topic;
  o.read_only = true;
  auto log = kafka::KafkaEventLog::Open(o);
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return {};
  auto reader = (*log)->NewReader().value();
  EXPECT_TRUE(reader->Seek({}).ok());
  std::vector<es::LoggedRecord> records;
  for (;;) {
    auto read = reader->Read(1000, absl::Seconds(1));
    EXPECT_TRUE(read.ok()) << read.status();
    if (!read.ok()) return records;
    for (auto& r : read->records) records.push_back(std::move(r));
    if (read->at_end) return records;
  }
}

std::vector<common::v1::EventEnvelope> ReadWholeTopicEvents(const std::string& topic) {
  std::vector<common::v1::EventEnvelope> events;
  for (const es::LoggedRecord& record : ReadWholeTopic(topic)) {
    absl::Status decoded = es::DecodeRecord(topic, record, events);
    EXPECT_TRUE(decoded.ok()) << decoded;
  }
  return events;
}

}  // namespace zizhu::testing_support
