// Imports an agency roster file (CSV in UTF-8 or GB18030/GBK, or XLSX) into
// the registry through RosterService: start (idempotent by file hash), rows in
// chunks (idempotent by chunk request id), complete.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/files/import/csv_reader.h"
#include "libs/files/import/student_row_parser.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::tools {

struct RosterImportOptions {
  std::string agency;  // default: the source name
  std::string encoding = "auto";
  // Rows per AppendRosterRows call (at most 5000) and calls in flight.
  int chunk_rows = 5000;
  int chunks_in_flight = 3;
  int rpc_timeout_ms = 120000;
  // Sent as "authorization: Bearer …" on every call when set (the gateway
  // imports as the logged-in operator; the CLI's channel carries its own).
  std::string bearer_token;
  std::function<void(int done, int total)> on_progress;
};

struct RosterRowError {
  int line = 0;
  std::string kind;
  std::string national_id_masked;
  std::string column;
  std::string reason;          // English
  common::v1::ErrorInfo code;  // the reason's code and parameters (libs/reasons)
};

struct RosterImportSummary {
  std::string import_id;
  std::string format;  // "xlsx", "csv utf-8", "csv gb18030"
  bool already_imported = false;
  int rows = 0;
  int applied = 0;
  int rejected = 0;
  // Applied rows reported for a look (a school name that matched no school).
  int warnings = 0;
  double seconds = 0;
  std::vector<RosterRowError> errors;  // in line order
};

absl::StatusOr<RosterImportSummary> ImportRosterFile(registry::v1::RosterService::Stub* stub,
                                                     registry::v1::RosterSource source, const std::string& path,
                                                     const HeaderMapping& mapping, const RosterImportOptions& options);

absl::Status WriteRosterErrorReport(const RosterImportSummary& summary, const std::string& path);

}  // namespace zizhu::tools
