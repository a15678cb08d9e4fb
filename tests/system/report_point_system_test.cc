// The report point on the real broker: events appended in transactions (each
// leaves a commit marker at an offset of its own), a point recorded, more
// appended; reading up to the point gives the same events, byte for byte.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tools/report/report_point.h"

namespace zizhu {
namespace {

std::string Envelope(int i) {
  common::v1::EventEnvelope e;
  e.set_event_id(absl::StrCat("point-", i));
  e.set_aggregate_id(absl::StrCat("agg-", i % 5));
  return e.SerializeAsString();
}

TEST(ReportPointSystemTest, ReadingUpToARecordedPointGivesTheSameEvents) {
  kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = testing_support::GlobalBroker().bootstrap();
  o.topic = "zizhu.test.report-point";
  o.partitions = 3;
  o.client_settings = testing_support::KafkaSettings("zizhu-test");
  o.transactional_id = "zizhu-test-report-point";
  auto log = kafka::KafkaEventLog::Open(o).value();
  for (int i = 0; i < 60; i += 3) {
    ASSERT_TRUE(log->AppendAtomically({{absl::StrCat("agg-", i % 5), Envelope(i)},
                                       {absl::StrCat("agg-", (i + 1) % 5), Envelope(i + 1)},
                                       {absl::StrCat("agg-", (i + 2) % 5), Envelope(i + 2)}})
                    .ok());
  }
  absl::StatusOr<report::PointRead> now = report::ReadToPoint(*log, nullptr);
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_EQ(now->events.size(), 60u);
  for (int i = 60; i < 90; ++i) ASSERT_TRUE(log->AppendAtomically({{absl::StrCat("agg-", i % 5), Envelope(i)}}).ok());
  absl::StatusOr<report::PointRead> again = report::ReadToPoint(*log, &now->reached);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->events.size(), 60u);
  for (size_t i = 0; i < 60; ++i) EXPECT_EQ(again->events[i].event_id(), now->events[i].event_id());
  absl::StatusOr<report::PointRead> all = report::ReadToPoint(*log, nullptr);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->events.size(), 90u);
}

}  // namespace
}  // namespace zizhu
