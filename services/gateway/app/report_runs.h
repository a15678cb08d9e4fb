// Reports made, signed off and locked from the console: the gateway runs the
// report CLI (`zizhu report …`, the same job as an office's command line) as a
// child process, as the operator who asked — their session's token in a
// private file, so the report job's own role and scope checks and the identity
// service's check that the account still stands apply — writing its files into
// the reports directory, where the report list finds them.
//
// A county signs off, and the city locks, the figures of a report it made here
// (the run's recorded point): nobody pastes offsets.
//
// A run is visible to the account that started it only. At most kMaxRunning
// runs at once (a report reads every topic); the last kMaxRuns are kept in
// memory, and a gateway restart forgets them (the files and the sign-offs stay).
//
// Thread-safe. The destructor waits for running children to end.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace zizhu::gateway {

// What the console asks for (the JSON body of POST /api/v1/report-runs).
struct ReportRunRequest {
  std::string action;  // make, sign-off, lock
  std::string kind;    // monthly, quarterly, half-year (make)
  std::string period;  // 2026-11, 2026-Q4, 2026-H2
  std::string scope;   // city, county, school
  std::string code;    // the county's or school's code (the city: empty)
  std::string note;    // sign-off and lock: what was checked
  std::string run;     // sign-off and lock: the make run whose figures are signed
  std::string lang = "zh";
};

struct ReportRun {
  std::string id;
  std::string owner;
  ReportRunRequest request;
  std::string state = "running";  // running, done, failed
  std::string output;             // what the report job printed
  std::string error;              // why it failed, in the operator's language
  std::string report;             // make: the file stem (monthly-2026-11-county-210102)
  std::string point;              // make: the recorded point of its figures
};

// How the report CLI is called: the program, the arguments before `report`
// (--ca, --identity) and after the subcommand's own (--kafka, --kafka-config,
// --token-public-key, --targets, --pairing-rules).
struct ReportCommand {
  std::string program;
  std::vector<std::string> global_args;
  std::vector<std::string> report_args;
  std::string reports_dir;
  std::string work_dir;  // the runs' token files and output, private
};

class ReportRuns {
 public:
  static constexpr size_t kMaxRuns = 100;
  static constexpr int kMaxRunning = 2;

  explicit ReportRuns(ReportCommand command);
  ~ReportRuns();
  ReportRuns(const ReportRuns&) = delete;
  ReportRuns& operator=(const ReportRuns&) = delete;

  // Starts a run as `owner` with `token`; INVALID_ARGUMENT names a bad field
  // and its value; RESOURCE_EXHAUSTED while kMaxRunning runs are running;
  // NOT_FOUND when a sign-off's make run is not the owner's or not done.
  absl::StatusOr<std::string> Start(const std::string& owner, const std::string& token, ReportRunRequest request);
  std::optional<ReportRun> Get(const std::string& id, const std::string& owner) const;

  // The child's argument list (pure; tested): the request checked field by
  // field, `point` the make run's for a sign-off or lock.
  static absl::StatusOr<std::vector<std::string>> Argv(const ReportCommand& command, const ReportRunRequest& request,
                                                       const std::string& point);
  // What a finished child printed, read into the run: the report's file stem
  // and point (make), or the last refusal line ("zizhu: …").
  static void ReadOutcome(int exit_code, const std::string& out, const std::string& err, ReportRun& run);

 private:
  void Run(std::string id, std::vector<std::string> argv, std::string token);

  const ReportCommand command_;
  mutable absl::Mutex mu_;
  std::map<std::string, ReportRun> runs_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::thread> threads_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zizhu::gateway
