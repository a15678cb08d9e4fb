#include "services/gateway/app/gateway_server.h"

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/gateway/app/http_reply.h"
#include "services/gateway/app/http_status.h"
#include "services/gateway/app/openapi.h"

namespace zizhu::gateway {
namespace {

constexpr char kCookie[] = "zizhu_session";

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  for (absl::string_view part : absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(absl::StripAsciiWhitespace(part), '=');
    if (kv.first == name) return std::string(kv.second);
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

GatewayServer::GatewayServer(GatewayOptions options, const RpcBridge* bridge, const Clock* clock)
    : options_(std::move(options)), bridge_(bridge), clock_(clock), openapi_(OpenApiJson(*bridge)) {
  // Uploads wait in a directory only this user can enter: the one given
  // (made private if it is not), or a new one of this gateway's own.
  if (options_.upload_dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "zizhu-gateway-uploads-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) options_.upload_dir = pattern;
  } else {
    std::error_code error;
    std::filesystem::create_directories(options_.upload_dir, error);
    std::filesystem::permissions(options_.upload_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (auto registry = bridge_->ChannelOf("roster"))
    imports_ = std::make_unique<ImportJobs>(registry, options_.upload_dir);
  if (!options_.report_command.program.empty() && !options_.reports_dir.empty()) {
    ReportCommand command = options_.report_command;
    command.reports_dir = options_.reports_dir;
    command.work_dir = options_.upload_dir + "/report-runs";
    report_runs_ = std::make_unique<ReportRuns>(std::move(command));
  }
}

std::optional<Session> GatewayServer::Authorize(const httplib::Request& req, httplib::Response& res, bool changes) {
  std::optional<Session> session = sessions_.Find(CookieValue(req, kCookie), clock_->Now());
  if (!session) {
    SendJson(res, 401, ErrorJson("UNAUTHENTICATED", "no session, or it expired: log in"));
    return std::nullopt;
  }
  if (changes && !SameSecret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
    SendJson(res, 403, ErrorJson("CSRF", "X-CSRF-Token is missing or wrong"));
    return std::nullopt;
  }
  // Revocation: the identity service knows at once when the account was
  // locked or its role, scope or password changed. Asked on every request,
  // so that routes the gateway answers itself (reports, import progress)
  // refuse a revoked session as the services do.
  const Reply who = bridge_->Call("identity", "WhoAmI", "", session->token);
  if (who.http_status == 401) {
    sessions_.Remove(session->id);
    SendJson(res, 401,
             ErrorJson("UNAUTHENTICATED",
                       "会话已结束（账户已被锁定或变更），请重新登录 (the session was ended: "
                       "the account was locked or changed; log in)"));
    return std::nullopt;
  }
  if (who.http_status != 200) {
    SendJson(res, who.http_status, who.json);
    return std::nullopt;
  }
  return session;
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(GatewayOptions options, const RpcBridge* bridge,
                                                                    const Clock* clock) {
  std::unique_ptr<GatewayServer> g(new GatewayServer(std::move(options), bridge, clock));
  const bool tls = !g->options_.tls_cert_file.empty() || !g->options_.tls_key_file.empty();
  if (tls) {
    auto server =
        std::make_unique<httplib::SSLServer>(g->options_.tls_cert_file.c_str(), g->options_.tls_key_file.c_str());
    if (!server->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat("TLS certificate '", g->options_.tls_cert_file, "' or key '",
                                                     g->options_.tls_key_file, "' cannot be used"));
    }
    // TLS 1.2 and 1.3 with forward-secret AEAD suites only, as on the gRPC
    // ports (OpenSSL's default list still offers CBC with SHA-1: probe finding 11).
    SSL_CTX* ctx = server->ssl_context();
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx,
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
      return absl::InternalError("cannot restrict the gateway's TLS versions and cipher suites");
    }
    g->server_ = std::move(server);
  } else {
    g->server_ = std::make_unique<httplib::Server>();
  }
  g->Routes();
  g->port_ = g->options_.port == 0
                 ? g->server_->bind_to_any_port(g->options_.host)
                 : (g->server_->bind_to_port(g->options_.host, g->options_.port) ? g->options_.port : -1);
  if (g->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", g->options_.host, ":", g->options_.port));
  }
  GatewayServer* raw = g.get();
  g->thread_ = std::thread([raw] { raw->server_->listen_after_bind(); });
  return g;
}

GatewayServer::~GatewayServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void GatewayServer::Routes() {
  httplib::Server& s = *server_;
  const bool secure = !options_.tls_cert_file.empty();
  s.set_payload_max_length(options_.max_body_bytes);
  httplib::Headers headers = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"},
      {"Cache-Control", "no-store"}};
  // Browsers that once reached the console over HTTPS never try it in clear.
  if (secure) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  s.set_default_headers(std::move(headers));
  // Bodies are read only after their headers pass: files only to the upload
  // routes and only with a session; every other body (the login's first of
  // all, which anyone may send) is small.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "POST" && req.method != "PUT") return httplib::Server::HandlerResponse::Unhandled;
    const bool upload = req.path == "/api/v1/imports" || req.path == "/api/v1/bank-returns";
    uint64_t length = 0;
    const bool sized = absl::SimpleAtoi(req.get_header_value("Content-Length"), &length);
    if (upload && sessions_.Find(CookieValue(req, kCookie), clock_->Now())) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (!sized || length > options_.max_small_body_bytes) {
      SendJson(res, 413,
               ErrorJson("PAYLOAD_TOO_LARGE",
                         absl::StrCat(upload ? "请先登录再上传文件" : "请求内容过大", " (a request body of ", req.path,
                                      " must have a Content-Length of at most ", options_.max_small_body_bytes,
                                      " bytes", upload ? " without a session: log in first)" : ")")));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  s.Post("/api/v1/session", [this, secure](const httplib::Request& req, httplib::Response& res) {
    // Failed logins per browser address (the identity service sees only the
    // gateway's): after too many, that address waits; no account is locked.
    if (absl::Status admitted =
            login_failures_.Check(req.remote_addr, clock_->Now(), "failed logins from this address");
        !admitted.ok()) {
      return SendJson(res, 429, ErrorJson("RESOURCE_EXHAUSTED", std::string(admitted.message())));
    }
    const Reply reply = bridge_->CallHidden("identity", "Login", req.body, "", req.remote_addr);
    if (reply.http_status != 200) {
      if (reply.http_status == 401) login_failures_.Record(req.remote_addr, clock_->Now());
      return SendJson(res, reply.http_status, reply.json);
    }
    const nlohmann::json login = nlohmann::json::parse(reply.json, nullptr, false);
    absl::Time expires;
    std::string error;
    if (login.is_discarded() || !absl::ParseTime(absl::RFC3339_full, login.value("expires_at", ""), &expires, &error)) {
      return SendJson(res, 502, ErrorJson("INTERNAL", "the identity service's answer is unreadable"));
    }
    const nlohmann::json account = login.value("account", nlohmann::json::object());
    Session session = sessions_.Create(login.value("token", ""), account.value("login", ""), account.value("role", ""),
                                       account.value("scope", ""), expires);
    res.set_header("Set-Cookie", absl::StrCat(kCookie, "=", session.id, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                                              std::max<int64_t>(0, absl::ToInt64Seconds(expires - clock_->Now())),
                                              secure ? "; Secure" : ""));
    nlohmann::json out = {{"login", session.login},
                          {"role", session.role},
                          {"scope", session.scope},
                          {"expires_at", login.value("expires_at", "")},
                          {"csrf_token", session.csrf}};
    SendJson(res, 200, out.dump());
  });
  s.Get("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, false);
    if (!session) return;
    nlohmann::json out = {
        {"login", session->login}, {"role", session->role}, {"scope", session->scope}, {"csrf_token", session->csrf}};
    SendJson(res, 200, out.dump());
  });
  s.Delete("/api/v1/session", [this, secure](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    sessions_.Remove(session->id);
    res.set_header("Set-Cookie",
                   absl::StrCat(kCookie, "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", secure ? "; Secure" : ""));
    res.status = 204;
  });
  s.Get("/api/v1/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "public, max-age=60");
    SendJson(res, 200, openapi_);
  });
  s.Post(R"(/api/v1/([a-z]+)/([A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    const Reply reply = bridge_->Call(req.matches[1], req.matches[2], req.body, session->token);
    SendJson(res, reply.http_status, reply.json);
  });
  ReportRoutes();
  FileRoutes();
  // The console's built assets carry a hash of their content in their name
  // (Vite): a year in the browser's cache, so a slow county link loads them
  // once. Everything else (index.html, the API) stays no-store.
  s.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 200 && absl::StartsWith(req.path, "/assets/")) {
      res.headers.erase("Cache-Control");
      res.set_header("Cache-Control", "public, max-age=31536000, immutable");
    }
  });
  if (!options_.console_dir.empty()) {
    s.set_mount_point("/", options_.console_dir);
  } else {
    s.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<!doctype html><meta charset=utf-8><title>zizhu 资助</title><h1>zizhu gateway</h1>"
          "<p>The console is not built here (services/gateway/console). The JSON API is described at "
          "<a href=/api/v1/openapi.json>/api/v1/openapi.json</a>.</p>",
          "text/html; charset=utf-8");
    });
  }
  // Unknown API paths answer JSON; the console's own routes (/students,
  // /rounds/...) load its index.html.
  const std::string index = options_.console_dir.empty() ? "" : options_.console_dir + "/index.html";
  s.set_error_handler([index](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (absl::StartsWith(req.path, "/api/")) {
      return SendJson(res, res.status,
                      ErrorJson(res.status == 404 ? "NOT_FOUND" : "BAD_REQUEST",
                                absl::StrCat("no endpoint ", req.method, " ", req.path)));
    }
    if (req.method != "GET" || res.status != 404 || index.empty()) return;
    const std::string html = ReadFile(index);
    if (html.empty()) return;
    res.status = 200;
    res.set_content(html, "text/html; charset=utf-8");
  });
}

namespace {

// "quarterly-2026-Q4-county-210102-en.xlsx" -> its parts; nullopt for any other file.
struct ReportFile {
  std::string kind, period, scope, language, format;
};
std::optional<ReportFile> ParseReportFile(const std::string& name) {
  static const std::regex kName(
      R"(^(monthly|quarterly|half-year)-(\d{4}-(?:\d{2}|Q[1-4]|H[12]))-(city(?:-\d{4})?|county-\d{6}|school-[0-9A-Za-z]{1,20})(-en)?\.(xlsx|json)$)");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  return ReportFile{m[1], m[2], m[3], m[4].matched ? "en" : "zh", m[5]};
}

}  // namespace

bool GatewayServer::MayRead(const Session& session, const std::string& scope) const {
  const std::string& role = session.role;
  const bool city_role = role == "ROLE_CITY_ADMIN" || role == "ROLE_AUDITOR";
  if (absl::StartsWith(scope, "city")) {
    // Only the city's own offices: an auditor of a county (scope 6 digits)
    // reads its county's reports, never the city's.
    const std::string city = scope.size() > 5 ? scope.substr(5) : "";
    return city_role && session.scope.size() == 4 && (city.empty() || city == session.scope);
  }
  if (absl::StartsWith(scope, "county-")) {
    const std::string county = scope.substr(7);
    if (role == "ROLE_COUNTY_OFFICER") return county == session.scope;
    return city_role && absl::StartsWith(county, session.scope);
  }
  const std::string school = scope.substr(7);
  if (role == "ROLE_SCHOOL_OPERATOR" || role == "ROLE_REVIEWER") return school == session.scope;
  // Counties and the city: the registry says whether the school is theirs.
  nlohmann::json request = {{"school_code", school}};
  return bridge_->Call("registry", "GetSchool", request.dump(), session.token).http_status == 200;
}

void GatewayServer::ReportRoutes() {
  httplib::Server& s = *server_;
  s.Get("/api/v1/reports", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, false);
    if (!session) return;
    nlohmann::json reports = nlohmann::json::array();
    std::error_code error;
    if (!options_.reports_dir.empty()) {
      std::vector<std::filesystem::directory_entry> entries;
      for (const auto& entry : std::filesystem::directory_iterator(options_.reports_dir, error)) {
        if (entry.is_regular_file()) entries.push_back(entry);
      }
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
      std::map<std::string, bool> allowed;  // by scope, asked once per listing
      for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        std::optional<ReportFile> file = ParseReportFile(name);
        if (!file) continue;
        auto known = allowed.find(file->scope);
        if (known == allowed.end()) known = allowed.emplace(file->scope, MayRead(*session, file->scope)).first;
        if (!known->second) continue;
        reports.push_back({{"file", name},
                           {"kind", file->kind},
                           {"period", file->period},
                           {"scope", file->scope},
                           {"language", file->language},
                           {"format", file->format},
                           {"bytes", static_cast<int64_t>(entry.file_size(error))}});
      }
    }
    SendJson(res, 200, nlohmann::json{{"reports", reports}}.dump());
  });
  s.Get(R"(/api/v1/reports/([A-Za-z0-9._-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, false);
    if (!session) return;
    const std::string name = req.matches[1];
    std::optional<ReportFile> file = ParseReportFile(name);
    const std::string path = options_.reports_dir + "/" + name;
    // Another scope's report and a missing one look the same.
    if (options_.reports_dir.empty() || !file || !MayRead(*session, file->scope) ||
        !std::filesystem::is_regular_file(path)) {
      return SendJson(res, 404, ErrorJson("NOT_FOUND", absl::StrCat("report '", name, "' not found")));
    }
    SendDownload(res, name, ReadFile(path),
                 file->format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                        : "application/json");
  });
  // Reports made, signed off and locked from the console (report_runs.h).
  s.Post("/api/v1/report-runs", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    if (!report_runs_) {
      return SendJson(res, 503, ErrorJson("UNAVAILABLE", "this gateway makes no reports (no --report-cli)"));
    }
    const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return SendJson(res, 400, ErrorJson("INVALID_ARGUMENT", "the body is not a JSON object"));
    auto text = [&body](const char* key, const char* fallback = "") {
      auto it = body.find(key);
      return it != body.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
    };
    ReportRunRequest request{text("action"), text("kind"), text("period"), text("scope", "city"),
                             text("code"),   text("note"), text("run"),    text("lang", "zh")};
    // A report of a scope the caller may not read is not found here, as its
    // files are not (the job checks again as the caller).
    if (request.action == "make" &&
        !MayRead(*session, request.scope == "city" ? (request.code.empty() ? "city" : "city-" + request.code)
                                                   : request.scope + "-" + request.code)) {
      return SendJson(
          res, 404,
          ErrorJson("NOT_FOUND", absl::StrCat(request.scope, " '", request.code.substr(0, 40), "' not found")));
    }
    absl::StatusOr<std::string> run = report_runs_->Start(session->login, session->token, std::move(request));
    if (!run.ok()) {
      const auto code = static_cast<grpc::StatusCode>(run.status().code());
      return SendJson(res, HttpStatusOf(code), ErrorJson(CodeName(code), std::string(run.status().message())));
    }
    SendJson(res, 202, nlohmann::json{{"run_id", *run}}.dump());
  });
  s.Get(R"(/api/v1/report-runs/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, false);
    if (!session) return;
    std::optional<ReportRun> run = report_runs_ ? report_runs_->Get(req.matches[1], session->login) : std::nullopt;
    if (!run) {
      return SendJson(res, 404,
                      ErrorJson("NOT_FOUND", absl::StrCat("report run '", req.matches[1].str(), "' not found")));
    }
    SendJson(res, 200,
             nlohmann::json{{"run_id", run->id},
                            {"action", run->request.action},
                            {"period", run->request.period},
                            {"state", run->state},
                            {"report", run->report},
                            {"error", run->error}}
                 .dump());
  });
}

}  // namespace zizhu::gateway
