// StudentImporter: registers the rows of a student roster file through the
// registry's gRPC API, many in flight at once, and reports per-row outcomes.
//
// Each row's request_id is "import-<file hash>-<row line>", so importing the
// same file again writes nothing new (the registry answers the first result).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/files/import/csv_reader.h"
#include "libs/files/import/student_row_parser.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::tools {

struct ImportOptions {
  // Requests in flight at once.
  int concurrency = 64;
  // Per-RPC deadline.
  int rpc_timeout_ms = 30000;
  // Sent as "authorization: Bearer …" on every call when set (the gateway
  // imports as the logged-in operator; the CLI's channel carries its own).
  std::string bearer_token;
  // Check every row (reading, decoding, each field, duplicates in the file)
  // and send nothing: `imported` counts the rows that would be sent. The
  // registry's own checks (the school known, the caller's scope) come with
  // the import itself.
  bool dry_run = false;
  // Called about twice a second and at the end.
  std::function<void(int done, int total, int ok, int failed)> on_progress;
};

struct ImportRowOutcome {
  int line = 0;
  std::string national_id_masked;
  std::string column;          // field at fault, "" when the row as a whole failed
  std::string reason;          // empty when the row was imported (English)
  common::v1::ErrorInfo code;  // the reason's code and parameters (libs/reasons), when it has one
  std::string student_id;
};

struct ImportSummary {
  std::string file_hash;  // first 16 hex characters of SHA-256
  std::string encoding;
  int rows = 0;
  int imported = 0;
  int failed = 0;
  double seconds = 0;
  std::vector<ImportRowOutcome> failures;  // in line order
};

// Reads, decodes, parses and imports `path`. File-level problems (unreadable,
// bad encoding, header without required columns) are errors; row problems
// are reported in the summary.
absl::StatusOr<ImportSummary> ImportStudentsFile(registry::v1::RegistryService::Stub* stub, const std::string& path,
                                                 const std::string& encoding, const HeaderMapping& mapping,
                                                 const ImportOptions& options);

// Writes the failures as CSV (row, national ID masked, column, reason).
absl::Status WriteErrorReport(const ImportSummary& summary, const std::string& path);

}  // namespace zizhu::tools
