// Reading the services' topics "as of a recorded point" — the base of the
// report jobs (issue 12): a point is, per topic, the next offset of each
// partition after the last record read. Reading the same topics up to the
// same point gives the same events, in the same order, whatever has been
// appended since: so the same point always gives the same figures.
//
// With Kafka (read_committed) a reader stops at the last stable offset: every
// record below a recorded point is decided (committed or aborted) for good.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/es/event_log.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::report {

struct TopicPoint {
  std::string topic;
  es::OffsetMap next;  // records at offsets below these are in; partitions absent: none
};
using ReportPoint = std::vector<TopicPoint>;

struct PointRead {
  std::vector<common::v1::EventEnvelope> events;  // in (partition, offset) order
  std::vector<es::LogPosition> positions;         // of each event
  es::OffsetMap reached;                          // the point this read stands for
};

// Reads `log` from its beginning. With `point`: the records below it (the
// log must reach it: FAILED_PRECONDITION otherwise, e.g. a point of another
// deployment). Without: up to the log's current end, and `reached` is the
// point to record. `progress(records read)` is called as it goes.
absl::StatusOr<PointRead> ReadToPoint(es::EventLog& log, const es::OffsetMap* point,
                                      const std::function<void(int64_t)>& progress = {});

// "topic 0:120 1:98 2:101; topic2 0:7" (partitions in order), and back.
std::string FormatPoint(const ReportPoint& point);
absl::StatusOr<ReportPoint> ParsePoint(const std::string& text);

}  // namespace zizhu::report
