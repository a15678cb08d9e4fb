#include "tools/report/report_point.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/core/status_macros.h"
#include "services/common/es/record_codec.h"

namespace zizhu::report {

absl::StatusOr<PointRead> ReadToPoint(es::EventLog& log, const es::OffsetMap* point,
                                      const std::function<void(int64_t)>& progress) {
  ASSIGN_OR_RETURN(std::unique_ptr<es::EventLogReader> reader, log.NewReader());
  RETURN_IF_ERROR(reader->Seek({}));
  std::vector<es::LoggedRecord> kept;
  es::OffsetMap last_read;  // per partition: the next offset after the last record read
  int64_t read = 0;
  for (;;) {
    ASSIGN_OR_RETURN(es::ReadResult result, reader->Read(5000, absl::Seconds(5)));
    for (es::LoggedRecord& record : result.records) {
      ++read;
      last_read[record.partition] = record.offset.Next();
      if (point != nullptr) {
        auto limit = point->find(record.partition);
        if (limit == point->end() || record.offset.value() >= limit->second.value()) continue;
      }
      kept.push_back(std::move(record));
    }
    if (progress) progress(read);
    if (result.at_end) break;
    if (result.records.empty()) {
      return absl::UnavailableError(absl::StrCat("reading '", log.topic(), "' stalled before its end"));
    }
  }
  PointRead out;
  if (point != nullptr) {
    for (const auto& [partition, next] : *point) {
      auto reached = last_read.find(partition);
      if (reached == last_read.end() || reached->second.value() < next.value()) {
        return absl::FailedPreconditionError(
            absl::StrCat("topic '", log.topic(), "' partition ", partition, " ends at ",
                         reached == last_read.end() ? 0 : reached->second.value(), ", before the point's ",
                         next.value(), " (a point of another deployment, or a topic that lost data)"));
      }
    }
    out.reached = *point;
  } else {
    out.reached = last_read;
  }
  std::sort(kept.begin(), kept.end(), [](const es::LoggedRecord& a, const es::LoggedRecord& b) {
    return std::make_tuple(a.partition, a.offset.value()) < std::make_tuple(b.partition, b.offset.value());
  });
  out.events.reserve(kept.size());
  out.positions.reserve(kept.size());
  for (const es::LoggedRecord& record : kept) {
    RETURN_IF_ERROR(es::DecodeRecord(log.topic(), record, out.events));
    out.positions.resize(out.events.size(), es::LogPosition{record.partition, record.offset});
  }
  return out;
}

std::string FormatPoint(const ReportPoint& point) {
  std::vector<std::string> topics;
  for (const TopicPoint& t : point) {
    std::vector<std::string> parts = {t.topic};
    for (const auto& [partition, next] : t.next) parts.push_back(absl::StrCat(partition, ":", next.value()));
    topics.push_back(absl::StrJoin(parts, " "));
  }
  return absl::StrJoin(topics, "; ");
}

absl::StatusOr<ReportPoint> ParsePoint(const std::string& text) {
  ReportPoint point;
  for (absl::string_view topic_text : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(absl::StripAsciiWhitespace(topic_text), ' ', absl::SkipEmpty());
    TopicPoint t;
    t.topic = std::string(parts.front());
    for (size_t i = 1; i < parts.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(parts[i], absl::MaxSplits(':', 1));
      int partition = 0;
      int64_t next = 0;
      if (!absl::SimpleAtoi(kv.first, &partition) || !absl::SimpleAtoi(kv.second, &next) || partition < 0 || next < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("point: '", parts[i], "' of topic ", t.topic, " is not <partition>:<next offset>"));
      }
      t.next[partition] = LogOffset(next);
    }
    point.push_back(std::move(t));
  }
  if (point.empty()) return absl::InvalidArgumentError("point: names no topic");
  return point;
}

}  // namespace zizhu::report
