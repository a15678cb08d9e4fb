#include "services/gateway/app/import_jobs.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libs/files/csv_out.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/row_reader.h"
#include "libs/files/import/student_importer.h"
#include "libs/reasons/reasons.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::gateway {
namespace {

// The uploaded name without any folder, and only characters safe in a path.
std::string SafeFileName(const std::string& name) {
  std::string base = name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string out;
  for (unsigned char c : base) out += (c == '\0' || c == '/' || c == '\\' || c < 0x20) ? '_' : static_cast<char>(c);
  if (out.empty() || out == "." || out == "..") out = "upload";
  return out.substr(0, 200);
}

}  // namespace

ImportJobs::ImportJobs(std::shared_ptr<grpc::Channel> registry, std::string work_dir)
    : registry_(std::move(registry)), work_dir_(std::move(work_dir)) {
  // Uploads left by a gateway that was killed mid-import (jobs live in memory,
  // so nothing will finish them): gone after an hour.
  std::error_code error;
  const auto stale = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : std::filesystem::directory_iterator(work_dir_, error)) {
    if (entry.is_directory(error) && entry.last_write_time(error) < stale) std::filesystem::remove_all(entry, error);
  }
}

ImportJobs::~ImportJobs() {
  std::map<std::string, std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(threads_);
  }
  for (auto& [id, t] : threads) t.join();
}

// The header mapping of a source: its defaults and the operator's "field =
// header" lines (which override them).
absl::StatusOr<tools::HeaderMapping> MappingOf(const std::string& source, const std::string& lines) {
  tools::HeaderMapping mapping = source == "students"
                                     ? tools::HeaderMapping::Default()
                                     : tools::RosterHeaderMapping(rules::ParseRosterSource(source).value());
  RETURN_IF_ERROR(mapping.AddFromText(lines));
  return mapping;
}

absl::StatusOr<std::string> ImportJobs::Start(const std::string& owner, const std::string& token,
                                              const std::string& source, const std::string& file_name,
                                              std::string content, bool dry_run, std::string mapping) {
  if (source != "students" && !rules::ParseRosterSource(source).ok()) {
    return FieldInvalid("source", source, absl::StrCat("is not one of ", kSources));
  }
  if (content.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_EMPTY", {{"file", file_name}},
                   absl::StrCat("file '", file_name, "' is empty"));
  }
  if (dry_run && source != "students") {
    return Refusal(absl::StatusCode::kInvalidArgument, "PREVIEW_STUDENTS_ONLY", {},
                   absl::StrCat("a preview (dry_run) is made of student rosters only, not of '", source, "'"));
  }
  if (mapping.size() > 10'000) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                   {{"field", "mapping"}, {"bytes", std::to_string(mapping.size())}, {"max", "10000"}},
                   "mapping is longer than 10000 bytes");
  }
  RETURN_IF_ERROR(MappingOf(source, mapping).status());  // a bad line is refused now, not in the job
  ImportJob job;
  job.id = NewRandomHexId();
  job.mapping = std::move(mapping);
  job.owner = owner;
  job.dry_run = dry_run;
  job.source = source;
  job.file_name = SafeFileName(file_name);
  const std::filesystem::path dir = std::filesystem::path(work_dir_) / job.id;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  const std::string path = (dir / job.file_name).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return absl::UnavailableError(absl::StrCat("cannot keep the upload in '", dir.string(), "'"));
  }
  absl::MutexLock lock(&mu_);
  // A job's last locked step marks it done or failed: its thread is then
  // past every lock and joins at once.
  for (auto it = threads_.begin(); it != threads_.end();) {
    auto j = jobs_.find(it->first);
    if (j != jobs_.end() && j->second.state == "running") {
      ++it;
      continue;
    }
    it->second.join();
    it = threads_.erase(it);
  }
  jobs_[job.id] = job;
  order_.push_back(job.id);
  while (order_.size() > kMaxJobs) {
    auto oldest = jobs_.find(order_.front());
    if (oldest != jobs_.end() && oldest->second.state == "running") break;  // never forget a running job
    if (oldest != jobs_.end()) jobs_.erase(oldest);
    order_.pop_front();
  }
  threads_.emplace(job.id, std::thread([this, id = job.id, token, path] { Run(id, token, path); }));
  return job.id;
}

std::optional<ImportJob> ImportJobs::Get(const std::string& id, const std::string& owner) const {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.owner != owner) return std::nullopt;
  return it->second;
}

void ImportJobs::Update(const std::string& id, const std::function<void(ImportJob&)>& change) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) change(it->second);
}

void ImportJobs::Run(std::string id, std::string token, std::string path) {
  std::string source;
  bool dry_run = false;
  std::string mapping;
  {
    absl::MutexLock lock(&mu_);
    source = jobs_.at(id).source;
    dry_run = jobs_.at(id).dry_run;
    mapping = jobs_.at(id).mapping;
  }
  const tools::HeaderMapping headers = MappingOf(source, mapping).value();  // checked when the job started
  auto progress = [this, &id](int done, int total) {
    Update(id, [&](ImportJob& job) {
      job.done = done;
      job.total = total;
    });
  };
  // The job's last locked step: done with the summary's figures, or failed with the reason.
  auto finish = [this, &id, &path](const absl::Status& status, const std::function<void(ImportJob&)>& fill) {
    std::vector<std::string> headers;  // what the operator can map the missing columns to
    if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status);
        info && info->reason() == "HEADER_COLUMNS_MISSING") {
      if (absl::StatusOr<tools::TableFile> file = tools::InspectTableFile(path, "auto"); file.ok()) {
        headers = file->header;
      }
    }
    Update(id, [&](ImportJob& job) {
      job.state = status.ok() ? "done" : "failed";
      if (status.ok()) {
        fill(job);
      } else {  // the reader names the file it read: the operator's name for it, not the gateway's path
        job.message = absl::StrReplaceAll(status.message(), {{path, job.file_name}});
        job.file_headers = headers;
        if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status)) {
          job.message_reason = info->reason();
          for (const auto& [name, value] : info->metadata()) {
            job.message_params[name] = absl::StrReplaceAll(value, {{path, job.file_name}});
          }
        }
      }
    });
  };
  if (source == "students") {
    auto stub = registry::v1::RegistryService::NewStub(registry_);
    tools::ImportOptions options;
    options.bearer_token = token;
    options.concurrency = 16;
    options.dry_run = dry_run;
    options.on_progress = [&](int done, int total, int, int) { progress(done, total); };
    auto summary = tools::ImportStudentsFile(stub.get(), path, "auto", headers, options);
    finish(summary.status(), [&](ImportJob& job) {
      job.format = summary->encoding;
      job.done = job.total = summary->rows;
      job.applied = summary->imported;
      job.rejected = summary->failed;
      for (const auto& f : summary->failures) {
        job.errors.push_back({f.line, "bad_value", f.national_id_masked, f.column, f.reason, f.code});
      }
    });
  } else {
    const registry::v1::RosterSource roster = rules::ParseRosterSource(source).value();
    auto stub = registry::v1::RosterService::NewStub(registry_);
    tools::RosterImportOptions options;
    options.bearer_token = token;
    options.chunk_rows = 1000;  // progress the operator can watch
    options.on_progress = progress;
    auto summary = tools::ImportRosterFile(stub.get(), roster, path, headers, options);
    finish(summary.status(), [&](ImportJob& job) {
      job.format = summary->format;
      job.import_id = summary->import_id;
      job.already_imported = summary->already_imported;
      job.done = job.total = summary->rows;
      job.applied = summary->applied;
      job.rejected = summary->rejected;
      job.warnings = summary->warnings;
      for (const auto& e : summary->errors) {
        job.errors.push_back({e.line, e.kind, e.national_id_masked, e.column, e.reason, e.code});
      }
    });
  }
  std::error_code error;
  std::filesystem::remove_all(std::filesystem::path(path).parent_path(), error);
}

std::string ImportErrorsCsv(const ImportJob& job, bool chinese) {
  using cli::CsvField;
  std::string out =
      chinese ? "\xEF\xBB\xBF行号,类别,身份证号,栏目,原因\n" : "\xEF\xBB\xBFline,kind,national_id,column,reason\n";
  for (const auto& e : job.errors) {
    std::string reason = e.reason;
    if (!e.code.reason().empty()) {
      if (std::optional<std::string> said = reasons::Render(e.code, chinese)) reason = *said;
    }
    absl::StrAppend(&out, e.line, ",", CsvField(reasons::WordsOf("row_kind", e.kind, chinese)), ",",
                    CsvField(e.national_id_masked), ",",
                    CsvField(e.column.empty() ? "" : reasons::WordsOf("field", e.column, chinese)), ",",
                    CsvField(reason), "\n");
  }
  return out;
}

}  // namespace zizhu::gateway
