// The report point: reading up to a recorded point gives the same events,
// in the same order, whatever was appended since; a point the log does not
// reach is refused; points print and parse back.
#include "tools/report/report_point.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "services/common/es/memory_event_log.h"

namespace zizhu::report {
namespace {

using ::testing::HasSubstr;

void Append(es::MemoryEventLog& log, int from, int to) {
  for (int i = from; i < to; ++i) {
    common::v1::EventEnvelope e;
    e.set_event_id(absl::StrCat("e", i));
    e.set_aggregate_id(absl::StrCat("agg-", i % 7));
    google::protobuf::Int64Value v;
    v.set_value(i);
    e.mutable_payload()->PackFrom(v);
    ASSERT_TRUE(log.AppendAtomically({{e.aggregate_id(), e.SerializeAsString()}}).ok());
  }
}

std::string Bytes(const PointRead& read) {
  std::string all;
  for (const auto& e : read.events) all += e.SerializeAsString();
  return all;
}

TEST(ReportPointTest, TheSamePointGivesTheSameEventsWhateverCameAfter) {
  es::MemoryEventLog log("zizhu.test.events.v1", 3);
  Append(log, 0, 100);
  int64_t progressed = 0;
  absl::StatusOr<PointRead> now = ReadToPoint(log, nullptr, [&](int64_t n) { progressed = n; });
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->events.size(), 100u);
  EXPECT_EQ(progressed, 100);
  Append(log, 100, 150);  // later events: not in the report of the point
  absl::StatusOr<PointRead> again = ReadToPoint(log, &now->reached);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events.size(), 100u);
  EXPECT_EQ(Bytes(*again), Bytes(*now));
  // The point prints and parses back.
  ReportPoint point = {{log.topic(), now->reached}};
  const std::string text = FormatPoint(point);
  absl::StatusOr<ReportPoint> parsed = ParsePoint(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(FormatPoint(*parsed), text);
  EXPECT_THAT(text, HasSubstr("zizhu.test.events.v1 0:"));
}

TEST(ReportPointTest, APointTheLogDoesNotReachIsRefused) {
  es::MemoryEventLog log("zizhu.test.events.v1", 3);
  Append(log, 0, 10);
  es::OffsetMap beyond = {{0, LogOffset(1000)}};
  EXPECT_THAT(std::string(ReadToPoint(log, &beyond).status().message()), HasSubstr("partition 0 ends at"));
  EXPECT_THAT(std::string(ParsePoint("t 0:x").status().message()), HasSubstr("'0:x' of topic t is not"));
  EXPECT_FALSE(ParsePoint("  ").ok());
}

}  // namespace
}  // namespace zizhu::report
