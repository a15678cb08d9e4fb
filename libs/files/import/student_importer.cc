#include "libs/files/import/student_importer.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/row_reader.h"
#include "libs/rules/national_id.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"
#include "services/common/grpc/status_convert.h"

namespace zizhu::tools {

namespace v1 = registry::v1;

namespace {

// Limits requests in flight and waits for all of them.
class InFlight {
 public:
  explicit InFlight(int limit) : limit_(limit) {}
  void Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return active_ < limit_; });
    ++active_;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
    cv_.notify_all();
  }
  void WaitAll() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return active_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int limit_;
  int active_ = 0;
};

// Server messages start with the field at fault ("national_id '...' is not
// valid", "school_code '...' is not a registered school").
std::string ColumnFromMessage(const std::string& message) {
  std::string first = message.substr(0, message.find(' '));
  for (const std::string& field : StudentFields()) {
    if (first == field) return field;
  }
  if (first == "guardian.name" || first == "guardian.phone") return "guardian_" + first.substr(9);
  return "";
}

}  // namespace

absl::StatusOr<ImportSummary> ImportStudentsFile(v1::RegistryService::Stub* stub, const std::string& path,
                                                 const std::string& encoding_name, const HeaderMapping& mapping,
                                                 const ImportOptions& options) {
  // A first pass reads the whole file (identity, encoding, header, row
  // count, any broken text) before anything is sent; the second streams it.
  auto file = InspectTableFile(path, encoding_name);
  if (!file.ok()) return file.status();
  auto columns = mapping.Resolve(file->header);
  if (!columns.ok()) return Prefixed(columns.status(), absl::StrCat("'", path, "': "), {{"file", path}});
  auto rows = OpenRows(*file);
  if (!rows.ok()) return rows.status();
  CsvRow row;
  if (auto header = (*rows)->Next(&row); !header.ok()) return header.status();

  ImportSummary summary;
  summary.file_hash = file->sha256.substr(0, 16);
  summary.encoding = file->format;
  summary.rows = file->data_rows;
  absl::Time start = absl::Now();

  std::mutex mu;
  std::vector<ImportRowOutcome> outcomes;
  // Duplicates inside the file, by a 64-bit hash of the ID (16 bytes a row
  // instead of the IDs themselves; a false match is about n²/2⁶⁵).
  absl::flat_hash_map<uint64_t, int> first_line_of_id;
  InFlight in_flight(std::max(1, options.concurrency));
  int done = 0;
  absl::Time last_progress = absl::InfinitePast();
  auto report_progress = [&](bool force) {
    // Called with `mu` held.
    if (!options.on_progress) return;
    absl::Time now = absl::Now();
    if (!force && now - last_progress < absl::Milliseconds(500)) return;
    last_progress = now;
    options.on_progress(done, summary.rows, summary.imported, summary.failed);
  };
  auto record = [&](ImportRowOutcome outcome) {
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    if (outcome.reason.empty()) {
      ++summary.imported;
    } else {
      ++summary.failed;
      outcomes.push_back(std::move(outcome));
    }
    report_progress(false);
  };

  // The service going away stops the import: rows not yet answered are not
  // errors of the file, and a re-run (same request ids) resumes safely.
  std::atomic<bool> unavailable{false};
  std::string unavailable_reason;
  absl::Status read_error;
  while (!unavailable) {
    auto more = (*rows)->Next(&row);
    if (!more.ok()) {
      read_error = absl::Status(more.status().code(), absl::StrCat("'", path, "': ", more.status().message()));
      break;
    }
    if (!*more) break;
    ImportRowOutcome outcome;
    outcome.line = row.line;
    RowError row_error;
    auto request = ParseStudentRow(row.fields, *columns, &row_error);
    if (!request.ok()) {
      outcome.column = row_error.column;
      outcome.reason = row_error.reason;
      outcome.code = row_error.code;
      auto it = columns->find("national_id");
      if (it != columns->end() && it->second < static_cast<int>(row.fields.size())) {
        outcome.national_id_masked = MaskNationalId(rules::NormalizeNationalId(row.fields[it->second]));
      }
      record(std::move(outcome));
      continue;
    }
    outcome.national_id_masked = MaskNationalId(request->national_id());
    {
      std::lock_guard<std::mutex> lock(mu);
      auto [it, inserted] = first_line_of_id.emplace(absl::HashOf(request->national_id()), row.line);
      if (!inserted && !request->national_id().empty()) {
        outcome.column = "national_id";
        outcome.reason = absl::StrCat("duplicate of line ", it->second, " (same national ID)");
        outcome.code = ReasonInfo("ROW_DUPLICATE_ID", {{"line", std::to_string(it->second)}});
        ++done;
        ++summary.failed;
        outcomes.push_back(outcome);
        continue;
      }
    }
    if (options.dry_run) {  // a preview: the registry's ID check here, then the row would be sent
      if (absl::StatusOr<rules::NationalIdInfo> id = rules::ValidateNationalId(request->national_id()); !id.ok()) {
        outcome.column = "national_id";
        outcome.reason = std::string(id.status().message());
        if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(id.status())) outcome.code = *info;
      }
      record(std::move(outcome));
      continue;
    }
    common::v1::CommandMeta* meta = request->mutable_meta();
    meta->set_request_id(absl::StrCat("import-", summary.file_hash, "-", row.line));
    meta->set_correlation_id(absl::StrCat("import-", summary.file_hash));

    in_flight.Acquire();
    struct Call {
      grpc::ClientContext context;
      v1::RegisterStudentRequest request;
      v1::RegisterStudentResponse response;
      ImportRowOutcome outcome;
    };
    auto call = std::make_shared<Call>();
    call->request = std::move(*request);
    call->outcome = std::move(outcome);
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(options.rpc_timeout_ms));
    if (!options.bearer_token.empty()) {
      call->context.AddMetadata("authorization", absl::StrCat("Bearer ", options.bearer_token));
    }
    if (unavailable) {
      in_flight.Release();
      break;
    }
    stub->async()->RegisterStudent(
        &call->context, &call->request, &call->response,
        [call, &record, &in_flight, &unavailable, &unavailable_reason, &mu](grpc::Status status) {
          if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
              status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
            {
              std::lock_guard<std::mutex> lock(mu);
              if (!unavailable) unavailable_reason = status.error_message();
            }
            unavailable = true;
            in_flight.Release();
            return;
          }
          if (status.ok()) {
            call->outcome.student_id = call->response.student().student_id();
          } else {
            call->outcome.reason = status.error_message();
            call->outcome.column = ColumnFromMessage(status.error_message());
            if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status)) call->outcome.code = *info;
          }
          record(std::move(call->outcome));
          in_flight.Release();
        });
  }
  in_flight.WaitAll();
  {
    std::lock_guard<std::mutex> lock(mu);
    report_progress(true);
  }
  if (!read_error.ok()) return read_error;
  if (unavailable) {
    return absl::UnavailableError(absl::StrCat(
        "the service is unavailable (", unavailable_reason, "); the import stopped after ", summary.imported,
        " imported row(s). Run the same command again when the service is back: rows already imported are "
        "recognised by their request ids and not written twice"));
  }
  std::sort(outcomes.begin(), outcomes.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  summary.failures = std::move(outcomes);
  summary.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return summary;
}

absl::Status WriteErrorReport(const ImportSummary& summary, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  out << "\xEF\xBB\xBF";  // BOM so that Excel opens it as UTF-8
  out << "line,national_id,column,reason\n";
  for (const auto& f : summary.failures) {
    out << f.line << "," << CsvField(f.national_id_masked) << "," << CsvField(f.column) << "," << CsvField(f.reason)
        << "\n";
  }
  return out.good() ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("write to '", path, "' failed"));
}

}  // namespace zizhu::tools
