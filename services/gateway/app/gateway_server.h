// The gateway's HTTP server: the one door for people. HTTPS, login with a
// session cookie (HttpOnly, Secure, SameSite=Strict) and a CSRF token, the
// JSON API over the gRPC services (RpcBridge), the OpenAPI description at
// /api/v1/openapi.json, and the built console as static files.
//
//   POST   /api/v1/session            {"login","password"} -> cookie + {"csrf_token", login, role, scope}
//   GET    /api/v1/session            who is logged in (401 without a session)
//   DELETE /api/v1/session            log out (X-CSRF-Token)
//   POST   /api/v1/<service>/<Method> the method's request as JSON (X-CSRF-Token)
//   GET    /api/v1/reports            the report files the caller may read
//   GET    /api/v1/reports/<file>     one of them (XLSX or JSON)
//   POST   /api/v1/report-runs        {"action": make|sign-off|lock, kind, period, scope, code, note, run}
//   (X-CSRF-Token) GET    /api/v1/report-runs/<id>   its state, the report made (file stem), or why it failed POST
//   /api/v1/imports            multipart: source + file [+ dry_run=1: rows checked, nothing sent] -> a background
//   roster import (X-CSRF-Token) GET    /api/v1/imports/<id>       its progress, counts and row errors;
//   /<id>/errors.csv the report POST   /api/v1/bank-files         ExportBankFileRequest JSON (?format=csv|xlsx) -> the
//   bank file (X-CSRF-Token) POST   /api/v1/bank-returns       multipart: request (RecordBankReturnRequest JSON) + file
//   (X-CSRF-Token) GET    /api/v1/openapi.json GET    /*                         the console (index.html for the app's
//   own routes)
//
// Lifecycle: Start() binds and serves on its own threads; the destructor
// stops. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/common/core/clock.h"
#include "services/common/core/rate_limiter.h"
#include "services/gateway/app/import_jobs.h"
#include "services/gateway/app/report_runs.h"
#include "services/gateway/app/rpc_bridge.h"
#include "services/gateway/app/sessions.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace zizhu::gateway {

struct GatewayOptions {
  // Address to listen on; port 0 picks a free one.
  std::string host = "0.0.0.0";
  int port = 8443;
  // Server certificate and key (PEM). Both empty: plain HTTP, for tests only
  // (the cookie then drops Secure so that a test client keeps it).
  std::string tls_cert_file;
  std::string tls_key_file;
  // The built console (index.html and assets); empty: none served.
  std::string console_dir;
  // Where the report jobs write their files (zizhu report … --out); empty:
  // no report downloads.
  std::string reports_dir;
  // Largest request body accepted (an uploaded roster is one body).
  size_t max_body_bytes = 64 << 20;
  // Largest body of any other request (JSON commands, the login): read only
  // after the Content-Length says it fits.
  size_t max_small_body_bytes = 1 << 20;
  // Failed logins from one client address per minute before it must wait.
  int max_failed_logins_per_address = 20;
  // Where uploaded files wait while they are read; empty: zizhu-gateway-uploads
  // in the system's temporary directory.
  std::string upload_dir;
  // The report CLI the console's report runs use (report_runs.h); no program:
  // reports are made with the CLI only. Its reports_dir and work_dir are this
  // gateway's (reports_dir, upload_dir/report-runs).
  ReportCommand report_command;
};

class GatewayServer {
 public:
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(GatewayOptions options, const RpcBridge* bridge,
                                                              const Clock* clock);
  ~GatewayServer();
  int port() const { return port_; }

 private:
  GatewayServer(GatewayOptions options, const RpcBridge* bridge, const Clock* clock);
  void Routes();
  void ReportRoutes();
  void FileRoutes();
  // The caller's session, or nullopt after answering 401 (no session) or,
  // when `changes` (a state-changing request), 403 (CSRF token missing or wrong).
  std::optional<Session> Authorize(const httplib::Request& req, httplib::Response& res, bool changes);
  // Whether the session may read a report of `scope` ("city-2101",
  // "county-210102", "school-2101020001"): by role and scope, and for a
  // school by asking the registry (which answers only within the caller's scope).
  bool MayRead(const Session& session, const std::string& scope) const;
  GatewayOptions options_;
  const RpcBridge* bridge_;
  const Clock* clock_;
  SessionStore sessions_;
  // Failed logins per client address (GatewayOptions::max_failed_logins_per_address a minute).
  RateLimiter login_failures_{options_.max_failed_logins_per_address, absl::Minutes(1)};
  std::unique_ptr<ImportJobs> imports_;
  std::unique_ptr<ReportRuns> report_runs_;
  std::string openapi_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace zizhu::gateway
