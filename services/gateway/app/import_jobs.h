// Roster imports started from the console: the uploaded file is imported in
// the background by the same importer as `zizhu import` (CSV in UTF-8 or
// GBK, or XLSX; the agencies' header variants; rows in chunks, each chunk
// idempotent), as the operator who uploaded it (their token rides on every
// call, so the registry's own role and scope checks apply). The console polls
// a job for its progress and then its per-row error report.
//
// A job is visible to the account that started it only (another account gets
// "not found"). The last kMaxJobs jobs are kept in memory; a gateway restart
// forgets them (the imports themselves are in the registry, and uploading the
// same file again answers "already imported").
//
// An upload waits in `work_dir` while it is imported; one a killed gateway
// left behind is removed by the next gateway after an hour.
//
// Thread-safe. The destructor waits for running jobs to end.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "zizhu/common/v1/error_details.pb.h"

namespace zizhu::gateway {

struct ImportRowError {
  int line = 0;
  std::string kind;  // invalid_id, duplicate, bad_value, school_unresolved, warning
  std::string national_id_masked;
  std::string column;
  std::string reason;          // English
  common::v1::ErrorInfo code;  // the reason as its code and parameters (libs/reasons), when it has one
};

struct ImportJob {
  std::string id;
  std::string owner;              // the login that started it
  std::string source;             // students, poverty, civil, status
  std::string file_name;          // as uploaded
  std::string state = "running";  // running, done, failed
  int done = 0, total = 0;        // rows sent / rows in the file
  int applied = 0, rejected = 0, warnings = 0;
  bool already_imported = false;
  bool dry_run = false;  // a preview: rows checked, nothing sent
  std::string mapping;   // "field = header" lines the operator gave (the file's own header names)
  // The file's header row, when its columns could not all be matched
  // (HEADER_COLUMNS_MISSING): the console offers them to map.
  std::vector<std::string> file_headers;
  std::string format;          // "csv utf-8", "csv gb18030", "xlsx"
  std::string import_id;       // the registry's, for agency rosters
  std::string message;         // why a failed job failed (English)
  std::string message_reason;  // and its reason code (libs/reasons), when it has one
  std::map<std::string, std::string> message_params;
  std::vector<ImportRowError> errors;  // in line order
};

class ImportJobs {
 public:
  static constexpr size_t kMaxJobs = 200;
  static constexpr char kSources[] = "students, poverty, civil, status";

  // `registry`: the registry service's channel; `work_dir`: where uploads wait
  // while they are imported (deleted after).
  ImportJobs(std::shared_ptr<grpc::Channel> registry, std::string work_dir);
  ~ImportJobs();

  // Starts importing `content` (the uploaded file named `file_name`) from
  // `source`; the job's id. An unknown source or an empty file is refused.
  // `dry_run` (student rosters): every row checked, nothing sent.
  absl::StatusOr<std::string> Start(const std::string& owner, const std::string& token, const std::string& source,
                                    const std::string& file_name, std::string content, bool dry_run = false,
                                    std::string mapping = "");
  // The job `id` as it stands, if `owner` started it.
  std::optional<ImportJob> Get(const std::string& id, const std::string& owner) const;

 private:
  void Run(std::string id, std::string token, std::string path);
  void Update(const std::string& id, const std::function<void(ImportJob&)>& change);

  std::shared_ptr<grpc::Channel> registry_;
  std::string work_dir_;
  mutable absl::Mutex mu_;
  std::map<std::string, ImportJob> jobs_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);
  // Each job's thread; a finished job's is joined when the next job starts.
  std::map<std::string, std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

// The error report as CSV (UTF-8 with BOM, which Excel opens): line, kind,
// national ID (masked), column, reason.
// The job's row errors as CSV (UTF-8 with BOM, for Excel): its header, kinds,
// columns and reasons in Chinese or English.
std::string ImportErrorsCsv(const ImportJob& job, bool chinese);

}  // namespace zizhu::gateway
