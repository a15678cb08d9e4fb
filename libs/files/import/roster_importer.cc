#include "libs/files/import/roster_importer.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/files/import/row_reader.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {

namespace v1 = registry::v1;

namespace {

std::string KindName(v1::RejectionKind kind) {
  switch (kind) {
    case v1::REJECTION_KIND_INVALID_ID:
      return "invalid_id";
    case v1::REJECTION_KIND_DUPLICATE_IN_SOURCE:
      return "duplicate";
    case v1::REJECTION_KIND_SCHOOL_UNRESOLVED:
      return "school_unresolved";
    default:
      return "bad_value";
  }
}

}  // namespace

absl::StatusOr<RosterImportSummary> ImportRosterFile(v1::RosterService::Stub* stub, v1::RosterSource source,
                                                     const std::string& path, const HeaderMapping& mapping,
                                                     const RosterImportOptions& options) {
  // A first pass reads the whole file (identity, encoding, header, row
  // count, any broken text) before anything is sent; the second streams it.
  auto file = InspectTableFile(path, options.encoding);
  if (!file.ok()) return file.status();
  RosterImportSummary summary;
  summary.format = file->format;
  auto columns = mapping.Resolve(file->header);
  if (!columns.ok()) return Prefixed(columns.status(), absl::StrCat("'", path, "': "), {{"file", path}});
  summary.rows = file->data_rows;
  absl::Time start = absl::Now();
  auto deadline = [&] { return std::chrono::system_clock::now() + std::chrono::milliseconds(options.rpc_timeout_ms); };
  auto prepare = [&](grpc::ClientContext* ctx) {
    ctx->set_deadline(deadline());
    if (!options.bearer_token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", options.bearer_token));
  };
  auto meta = [&](const std::string& request_id) {
    common::v1::CommandMeta m;
    m.set_request_id(request_id);
    return m;
  };

  const std::string& hash = file->sha256;
  // Start is idempotent by the file hash itself (a second start answers
  // already_imported), so each attempt has a request id of its own.
  v1::StartRosterImportRequest start_request;
  *start_request.mutable_meta() =
      meta(absl::StrCat("roster-start-", hash.substr(0, 16), "-", absl::ToUnixNanos(absl::Now())));
  start_request.set_source(source);
  start_request.set_agency(options.agency.empty() ? rules::RosterSourceName(source) : options.agency);
  start_request.set_file_name(path.substr(path.rfind('/') + 1));
  start_request.set_file_hash(hash);
  start_request.set_declared_rows(summary.rows);
  v1::StartRosterImportResponse started;
  {
    grpc::ClientContext ctx;
    prepare(&ctx);
    grpc::Status status = stub->StartRosterImport(&ctx, start_request, &started);
    if (!status.ok()) return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  summary.import_id = started.import().import_id();
  summary.already_imported = started.already_imported() && started.import().completed();

  // Rows in chunks; a chunk's request id names the import and its first row,
  // so an interrupted import resumes without writing anything twice. A few
  // chunks are in flight at once so that the registry's group commit has
  // work while the next chunk travels.
  struct Chunk {
    grpc::ClientContext ctx;
    v1::AppendRosterRowsRequest request;
    v1::AppendRosterRowsResponse response;
  };
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  int done_rows = 0;
  absl::Status failure = absl::OkStatus();
  // A chunk's answer is folded into the summary when it arrives and the
  // chunk freed: memory is the chunks in flight, not the file.
  auto send = [&](std::unique_ptr<Chunk> chunk) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < std::max(1, options.chunks_in_flight) || !failure.ok(); });
      if (!failure.ok()) return;
      ++in_flight;
    }
    Chunk* c = chunk.release();
    prepare(&c->ctx);
    stub->async()->AppendRosterRows(&c->ctx, &c->request, &c->response, [&, c](grpc::Status s) {
      std::unique_ptr<Chunk> owned(c);
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
      if (!s.ok()) {
        if (failure.ok()) {
          failure = absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                                 absl::StrCat("rows from line ", c->request.rows(0).row_number(), ": ",
                                              s.error_message(), " (re-run the same command to resume)"));
        }
      } else {
        summary.applied += c->response.applied();
        for (const auto& r : c->response.rejected()) {
          summary.errors.push_back(
              {r.row_number(), KindName(r.kind()), r.national_id_masked(), r.column(), r.reason(), r.reason_code()});
        }
        for (const auto& r : c->response.warnings()) {
          summary.errors.push_back(
              {r.row_number(), KindName(r.kind()), r.national_id_masked(), r.column(), r.reason(), r.reason_code()});
          ++summary.warnings;
        }
      }
      done_rows += c->request.rows_size();
      if (options.on_progress) options.on_progress(done_rows, summary.rows);
      cv.notify_all();
    });
  };
  auto failed = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return !failure.ok();
  };
  if (!summary.already_imported) {
    auto rows = OpenRows(*file);
    if (!rows.ok()) return rows.status();
    CsvRow row;
    auto header = (*rows)->Next(&row);  // read by the first pass
    if (!header.ok()) return header.status();
    std::unique_ptr<Chunk> chunk;
    for (;;) {
      auto more = (*rows)->Next(&row);
      if (!more.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (failure.ok())
          failure = absl::Status(more.status().code(), absl::StrCat("'", path, "': ", more.status().message()));
        break;
      }
      if (*more) {
        if (!chunk) {
          chunk = std::make_unique<Chunk>();
          *chunk->request.mutable_meta() = meta(absl::StrCat(summary.import_id, "-rows-", row.line));
          chunk->request.set_import_id(summary.import_id);
        }
        v1::RosterRowInput* input = chunk->request.add_rows();
        input->set_row_number(row.line);
        for (const auto& [field, column] : *columns) {
          if (column < static_cast<int>(row.fields.size()) && !row.fields[column].empty()) {
            (*input->mutable_fields())[field] = std::move(row.fields[column]);
          }
        }
      }
      if (chunk && (!*more || chunk->request.rows_size() >= options.chunk_rows)) send(std::move(chunk));
      if (!*more || failed()) break;
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  if (!failure.ok()) return failure;
  if (!summary.already_imported && !started.import().completed()) {
    v1::CompleteRosterImportRequest complete;
    *complete.mutable_meta() = meta(absl::StrCat(summary.import_id, "-complete"));
    complete.set_import_id(summary.import_id);
    v1::CompleteRosterImportResponse completed;
    grpc::ClientContext ctx;
    prepare(&ctx);
    grpc::Status status = stub->CompleteRosterImport(&ctx, complete, &completed);
    if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
    }
  }
  if (summary.already_imported) {
    summary.applied = started.import().rows_applied();
    summary.rejected = started.import().rows_rejected();
  } else {
    // The report also lists applied rows to look at (warnings); they are not rejections.
    summary.rejected = static_cast<int>(summary.errors.size()) - summary.warnings;
  }
  std::sort(summary.errors.begin(), summary.errors.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  summary.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return summary;
}

absl::Status WriteRosterErrorReport(const RosterImportSummary& summary, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  out << "\xEF\xBB\xBF"
      << "line,kind,national_id,column,reason\n";
  for (const auto& e : summary.errors) {
    out << e.line << "," << e.kind << "," << CsvField(e.national_id_masked) << "," << CsvField(e.column) << ","
        << CsvField(e.reason) << "\n";
  }
  return out.good() ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("write to '", path, "' failed"));
}

}  // namespace zizhu::tools
