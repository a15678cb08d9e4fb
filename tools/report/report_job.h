// The report job: reads the services' topics as of a recorded point, folds
// the facts, builds the report (about, sections, revisions of the previous
// period when it is locked), and records sign-offs. The job owns no state:
// what it publishes are its files and the sign-off events.
//
// Lifecycle: one ReportJob per run; not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth/caller.h"
#include "services/common/es/event_log.h"
#include "tools/report/report_labels.h"
#include "tools/report/report_period.h"
#include "tools/report/report_point.h"
#include "tools/report/report_table.h"
#include "zizhu/dropout/v1/records.pb.h"
#include "zizhu/pairing/v1/records.pb.h"

namespace zizhu::report {

// The services a report reads, in the order their topics are read.
const std::vector<std::string>& ReportedServices();
std::string TopicOf(const std::string& service);  // "zizhu.<service>.events.v1"
inline constexpr char kSignOffTopic[] = "zizhu.report.events.v1";

struct ReportOptions {
  Period period;
  ReportScope scope;
  Language language = Language::kChinese;
  // The point to read to (FormatPoint's text); empty: the lock's point for a
  // locked period, else the topics' current end.
  std::string point;
  dropout::v1::Targets targets;
  pairing::v1::PairingRules rules;
  // Who asks: the report is refused unless this caller may read its scope
  // (checked once the topics are read, against the registry's schools).
  std::optional<auth::Caller> reader;
  // Called as records are read: (topic, records read so far in it); the
  // topics are read at once, but calls never overlap.
  std::function<void(const std::string&, int64_t)> progress;
};

struct MadeReport {
  Report report;
  ReportPoint point;
  std::string point_text;
  std::string figures_sha256;  // of the figures (not the about table)
  bool locked = false;         // made at its period's lock point
  int64_t revisions = 0;       // rows of the revisions table
  // Where the run's time went (for the benchmark; never in the files).
  absl::Duration read_time, fold_time, sections_time;
};

// Opens a topic's log (from several threads at once): read-only unless `write` (only the sign-off topic is
// ever written, so that a report run never fences a sign-off's producer).
// Reads the policy data a report compares against: the dropout and
// enrolment targets and the pairing rules (the files the dropout and pairing
// services load). Refusals name the file, line and field.
absl::Status LoadPolicyFiles(const std::string& targets_file, const std::string& rules_file, ReportOptions& options);

using LogOpener = std::function<absl::StatusOr<std::shared_ptr<es::EventLog>>(const std::string& topic, bool write)>;

class ReportJob {
 public:
  explicit ReportJob(LogOpener open_log) : open_log_(std::move(open_log)) {}

  // OK when `caller` may read a report of `scope` (school roles their school,
  // county officers their county, city roles and services the city);
  // `school_county` is the county of a school scope's school as the registry
  // has it ("" before the topics are read: then only what needs no data is
  // checked).
  static absl::Status CheckReader(const auth::Caller& caller, const ReportScope& scope,
                                  const std::string& school_county = "");

  absl::StatusOr<MadeReport> Make(const ReportOptions& options);

  // A county's self-inspection of its `period` report at `point_text` (the
  // point printed on the report it checked). Returns the recorded point.
  absl::StatusOr<std::string> SignOff(const auth::Caller& caller, const ReportOptions& options, const std::string& note,
                                      absl::Time now);
  // The city's re-inspection: locks the period at the point.
  absl::StatusOr<std::string> Lock(const auth::Caller& caller, const ReportOptions& options, const std::string& note,
                                   absl::Time now);

 private:
  struct Read;
  absl::StatusOr<std::unique_ptr<Read>> ReadTopics(const ReportOptions& options, const std::string& point_text);
  absl::StatusOr<MadeReport> MakeFrom(const Read& read, const ReportOptions& options);
  absl::Status Append(const auth::Caller& caller, const std::string& period, int64_t version,
                      const google::protobuf::Message& event, absl::Time now);
  LogOpener open_log_;
};

}  // namespace zizhu::report
