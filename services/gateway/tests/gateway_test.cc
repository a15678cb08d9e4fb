// The gateway in front of the real identity and registry services (in
// process, in-memory logs): login and the session cookie, CSRF, expired
// sessions, JSON mapping and its errors, gRPC codes as HTTP statuses, the
// OpenAPI description, and every endpoint refusing a caller without a
// session or without the CSRF token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/testing/service_harness.h"
#include "services/gateway/app/gateway_server.h"
#include "services/gateway/app/http_status.h"
#include "services/gateway/app/rpc_bridge.h"
#include "services/identity/identity.h"
#include "services/registry/registry.h"
#include "zizhu/identity/v1/identity_service.pb.h"
#include "zizhu/registry/v1/registry_service.pb.h"
#include "zizhu/registry/v1/roster_service.pb.h"

namespace zizhu::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
constexpr char kAdminPassword[] = "correct horse battery staple";
constexpr char kVaultKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = ::testing::TempDir() + "/gateway_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/console");
    std::ofstream(dir_ + "/admin-password") << kAdminPassword << "\n";
    std::ofstream(dir_ + "/console/index.html") << "<!doctype html><title>资助</title>";
    std::filesystem::create_directories(dir_ + "/console/assets");
    std::ofstream(dir_ + "/console/assets/index-Bq3xZ9.js") << "console.log('资助')";
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
    identity::IdentityOptions options;
    options.bootstrap_admin = "admin";
    options.bootstrap_city = "2101";
    options.bootstrap_password_file = dir_ + "/admin-password";
    identity_vault_ = PersonalDataVault::FromHexKey(std::string(64, 'c')).value();
    identity_ = std::make_unique<identity::Identity>(options, &secret_key_, identity_vault_.get());
    identity_host_ = testing_kit::ServiceHarness::Start(identity_.get(), topics_, "zizhu.identity.events.v1", &clock_,
                                                        dir_ + "/identity", {}, &secret_key_)
                         .value();
    vault_ = PersonalDataVault::FromHexKey(kVaultKey).value();
    registry_ = registry::Registry::Create({}, vault_.get()).value();
    registry_host_ = testing_kit::ServiceHarness::Start(registry_.get(), topics_, "zizhu.registry.events.v1", &clock_,
                                                        dir_ + "/registry", {}, &secret_key_)
                         .value();
    auto plain = [](int port) {
      return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    };
    bridge_ = std::make_unique<RpcBridge>(
        std::vector<Upstream>{{"identity",
                               ServiceOf<identity::v1::LoginRequest>("IdentityService"),
                               plain(identity_host_->port()),
                               {"Login"}},
                              {"registry",
                               ServiceOf<registry::v1::ListStudentsRequest>("RegistryService"),
                               plain(registry_host_->port()),
                               {}},
                              {"roster",
                               ServiceOf<registry::v1::AppendRosterRowsRequest>("RosterService"),
                               plain(registry_host_->port()),
                               {}}},
        absl::Seconds(10));
    GatewayOptions gateway;
    gateway.host = "127.0.0.1";
    gateway.port = 0;
    gateway.console_dir = dir_ + "/console";
    gateway.reports_dir = dir_ + "/reports";
    gateway.upload_dir = dir_ + "/uploads";
    std::filesystem::create_directories(gateway.reports_dir);
    for (const char* name :
         {"monthly-2026-12-city.json", "monthly-2026-12-city-2101.json", "monthly-2026-12-county-210102.xlsx",
          "monthly-2026-12-county-210103.xlsx", "monthly-2026-12-school-2101020001-en.json", "notes.txt"}) {
      std::ofstream(gateway.reports_dir + "/" + name) << "report " << name;
    }
    server_ = GatewayServer::Start(gateway, bridge_.get(), &gateway_clock_).value();
  }
  void TearDown() override {
    server_.reset();
    registry_host_.reset();
    identity_host_.reset();
    std::filesystem::remove_all(dir_);
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", server_->port()); }

  struct Login {
    std::string cookie;  // "zizhu_session=..."
    std::string csrf;
  };
  Login LogIn(const std::string& login, const std::string& password) {
    auto res = Client().Post("/api/v1/session", nlohmann::json{{"login", login}, {"password", password}}.dump(),
                             "application/json");
    EXPECT_TRUE(res) << "no answer";
    EXPECT_EQ(res->status, 200) << res->body;
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    EXPECT_THAT(set_cookie, HasSubstr("HttpOnly"));
    EXPECT_THAT(set_cookie, HasSubstr("SameSite=Strict"));
    const auto body = nlohmann::json::parse(res->body);
    EXPECT_FALSE(body.contains("token")) << "the token stays on the server";
    return Login{set_cookie.substr(0, set_cookie.find(';')), body.value("csrf_token", "")};
  }
  httplib::Result Call(const Login& as, const std::string& path, const std::string& body, bool with_csrf = true) {
    httplib::Headers headers = {{"Cookie", as.cookie}};
    if (with_csrf) headers.emplace("X-CSRF-Token", as.csrf);
    return Client().Post(path.c_str(), headers, body, "application/json");
  }

  // As the city administrator: a school of county 210102 and an officer of
  // county 210103 ("officer.b").
  // An import job's answer once it has left "running" (polled for up to 10 s).
  nlohmann::json FinishedImport(const Login& as, const std::string& id) {
    nlohmann::json state;
    for (int i = 0; i < 200; ++i) {
      auto polled = Client().Get(("/api/v1/imports/" + id).c_str(), httplib::Headers{{"Cookie", as.cookie}});
      EXPECT_TRUE(polled);
      if (!polled) break;
      EXPECT_EQ(polled->status, 200) << polled->body;
      state = nlohmann::json::parse(polled->body);
      if (state["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return state;
  }
  Login SchoolAndAnotherCountysOfficer() {
    Login admin = LogIn("admin", kAdminPassword);
    auto school = Call(admin, "/api/v1/registry/RegisterSchool",
                       R"({"meta":{"request_id":"s1"},"school_code":"2101020001","name":"第一小学",
                           "county_code":"210102","stages":["EDUCATION_STAGE_PRIMARY"]})");
    EXPECT_TRUE(school && school->status == 200) << (school ? school->body : "no answer");
    auto created = Call(admin, "/api/v1/identity/CreateAccount",
                        R"({"meta":{"request_id":"a1"},"login":"officer.b","role":"ROLE_COUNTY_OFFICER",
                            "scope":"210103","password":"another long passphrase 2026"})");
    EXPECT_TRUE(created && created->status == 200) << (created ? created->body : "no answer");
    return admin;
  }

  std::string dir_;
  auth::PublicKey public_key_;
  auth::SecretKey secret_key_;
  SystemClock clock_;
  ManualClock gateway_clock_{absl::Now()};
  testing_kit::MemoryTopics topics_;
  std::unique_ptr<PersonalDataVault> identity_vault_;
  std::unique_ptr<identity::Identity> identity_;
  std::unique_ptr<testing_kit::ServiceHarness> identity_host_;
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<testing_kit::ServiceHarness> registry_host_;
  std::unique_ptr<RpcBridge> bridge_;
  std::unique_ptr<GatewayServer> server_;
};

// Hashed assets are cached for a year; the page that names them and the API never.
TEST_F(GatewayTest, HashedAssetsAreCachedTheIndexAndTheApiAreNot) {
  auto asset = Client().Get("/assets/index-Bq3xZ9.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset->get_header_value_count("Cache-Control"), 1u);
  auto index = Client().Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-store");
  auto api = Client().Get("/api/v1/session");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->get_header_value("Cache-Control"), "no-store");
}

TEST_F(GatewayTest, LoginSetsASessionCookieAndCallsCarryIt) {
  auto wrong = Client().Post("/api/v1/session", R"({"login":"admin","password":"nope"})", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(nlohmann::json::parse(wrong->body)["code"], "UNAUTHENTICATED");
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());

  Login admin = LogIn("admin", kAdminPassword);
  auto who = Call(admin, "/api/v1/identity/WhoAmI", "{}");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->status, 200) << who->body;
  EXPECT_EQ(nlohmann::json::parse(who->body)["login"], "admin");
  EXPECT_EQ(who->get_header_value("X-Content-Type-Options"), "nosniff");

  // A command through the JSON mapping; a second school code is refused with the service's message.
  const std::string school = R"({"meta":{"request_id":"s1"},"school_code":"2101020001","name":"第一小学",
      "county_code":"210102","county_name":"和平区","stages":["EDUCATION_STAGE_PRIMARY"]})";
  auto created = Call(admin, "/api/v1/registry/RegisterSchool", school);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200) << created->body;
  auto listed = Call(admin, "/api/v1/registry/ListSchools", "{}");
  ASSERT_TRUE(listed);
  EXPECT_THAT(listed->body, HasSubstr("2101020001"));

  // Logout ends the session.
  httplib::Headers headers = {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}};
  auto out = Client().Delete("/api/v1/session", headers);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = Call(admin, "/api/v1/identity/WhoAmI", "{}");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(GatewayTest, TheTokenNeverReachesTheBrowserThroughTheLoginMethod) {
  Login admin = LogIn("admin", kAdminPassword);
  auto res = Call(admin, "/api/v1/identity/Login", R"({"login":"admin","password":"correct horse battery staple"})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_THAT(res->body, Not(HasSubstr("token")));
  auto openapi = Client().Get("/api/v1/openapi.json");
  ASSERT_TRUE(openapi);
  EXPECT_THAT(openapi->body, Not(HasSubstr("/api/v1/identity/Login")));
}

TEST_F(GatewayTest, BadJsonNamesTheFieldAndUnknownMethodsAreNotFound) {
  Login admin = LogIn("admin", kAdminPassword);
  auto bad = Call(admin, "/api/v1/registry/ListStudents", R"({"school_kode":"x"})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("school_kode"));
  auto not_json = Call(admin, "/api/v1/registry/ListStudents", "{not json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  for (const char* path : {"/api/v1/registry/NoSuchMethod", "/api/v1/nosuch/WhoAmI", "/api/v1/identity/whoami"}) {
    auto res = Call(admin, path, "{}");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(nlohmann::json::parse(res->body)["code"], "NOT_FOUND") << path;
  }
  auto unknown_path = Client().Get("/api/v2/anything");
  ASSERT_TRUE(unknown_path);
  EXPECT_EQ(unknown_path->status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown_path->body)["code"], "NOT_FOUND");
}

TEST_F(GatewayTest, EveryEndpointRefusesWithoutASessionOrWithoutTheCsrfToken) {
  Login admin = LogIn("admin", kAdminPassword);
  Login forged = admin;
  forged.csrf = std::string(admin.csrf.size(), '0');
  int endpoints = 0;
  std::vector<std::string> paths = {"/api/v1/imports", "/api/v1/bank-files", "/api/v1/bank-returns"};
  for (const auto& [service, method] : bridge_->Methods()) {
    paths.push_back(absl::StrCat("/api/v1/", service, "/", method->name()));
  }
  for (const std::string& path : paths) {
    auto anonymous = Client().Post(path.c_str(), "{}", "application/json");
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << path;
    auto no_csrf = Call(admin, path, "{}", false);
    ASSERT_TRUE(no_csrf);
    EXPECT_EQ(no_csrf->status, 403) << path;
    auto wrong_csrf = Call(forged, path, "{}");
    ASSERT_TRUE(wrong_csrf);
    EXPECT_EQ(wrong_csrf->status, 403) << path;
    ++endpoints;
  }
  EXPECT_GT(endpoints, 20);
  // A forged session cookie is no session.
  Login stranger{"zizhu_session=" + std::string(32, 'a'), admin.csrf};
  auto res = Call(stranger, "/api/v1/identity/WhoAmI", "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(GatewayTest, AnExpiredSessionIsRefused) {
  Login admin = LogIn("admin", kAdminPassword);
  auto ok = Call(admin, "/api/v1/identity/WhoAmI", "{}");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  gateway_clock_.Advance(absl::Hours(24));  // past the token's expiry
  auto expired = Call(admin, "/api/v1/identity/WhoAmI", "{}");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
  auto session = Client().Get("/api/v1/session", httplib::Headers{{"Cookie", admin.cookie}});
  ASSERT_TRUE(session);
  EXPECT_EQ(session->status, 401);
}

TEST_F(GatewayTest, AnotherCountysOfficerSeesNothingOfThisCounty) {
  Login admin = SchoolAndAnotherCountysOfficer();
  ASSERT_FALSE(HasFailure());
  Login officer = LogIn("officer.b", "another long passphrase 2026");
  auto students = Call(officer, "/api/v1/registry/ListStudents", R"({"school_code":"2101020001"})");
  ASSERT_TRUE(students);
  EXPECT_EQ(students->status, 404) << students->body;
  EXPECT_THAT(students->body, Not(HasSubstr("第一小学")));
  auto schools = Call(officer, "/api/v1/registry/ListSchools", "{}");
  ASSERT_TRUE(schools);
  EXPECT_THAT(schools->body, Not(HasSubstr("2101020001")));
  auto accounts = Call(officer, "/api/v1/identity/CreateAccount",
                       R"({"meta":{"request_id":"a2"},"login":"x","role":"ROLE_CITY_ADMIN","scope":"2101",
                           "password":"yet another passphrase 2026"})");
  ASSERT_TRUE(accounts);
  EXPECT_EQ(accounts->status, 403) << accounts->body;
}

TEST_F(GatewayTest, TheOpenApiDescriptionAndTheConsoleAreServed) {
  auto spec = Client().Get("/api/v1/openapi.json");
  ASSERT_TRUE(spec);
  ASSERT_EQ(spec->status, 200);
  const auto doc = nlohmann::json::parse(spec->body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/registry/ListStudents"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("zizhu.registry.v1.ListStudentsRequest"));
  auto index = Client().Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("资助"));
  auto route = Client().Get("/students/123");  // the console's own route
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_THAT(route->body, HasSubstr("资助"));
}

TEST_F(GatewayTest, ReportDownloadsAreScoped) {
  Login admin = SchoolAndAnotherCountysOfficer();
  ASSERT_FALSE(HasFailure());
  auto files = [&](const Login& as) {
    auto res = Client().Get("/api/v1/reports", httplib::Headers{{"Cookie", as.cookie}});
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    const nlohmann::json listing = nlohmann::json::parse(res->body);
    std::vector<std::string> names;
    for (const auto& r : listing["reports"]) names.push_back(r["file"]);
    return names;
  };
  EXPECT_THAT(files(admin),
              ::testing::ElementsAre("monthly-2026-12-city-2101.json", "monthly-2026-12-city.json",
                                     "monthly-2026-12-county-210102.xlsx", "monthly-2026-12-county-210103.xlsx",
                                     "monthly-2026-12-school-2101020001-en.json"));
  Login officer = LogIn("officer.b", "another long passphrase 2026");
  EXPECT_THAT(files(officer), ::testing::ElementsAre("monthly-2026-12-county-210103.xlsx"));
  auto mine =
      Client().Get("/api/v1/reports/monthly-2026-12-county-210103.xlsx", httplib::Headers{{"Cookie", officer.cookie}});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200);
  EXPECT_THAT(mine->get_header_value("Content-Disposition"), HasSubstr("attachment"));
  EXPECT_EQ(mine->body, "report monthly-2026-12-county-210103.xlsx");
  for (const char* other :
       {"/api/v1/reports/monthly-2026-12-county-210102.xlsx", "/api/v1/reports/monthly-2026-12-city-2101.json",
        "/api/v1/reports/monthly-2026-12-school-2101020001-en.json", "/api/v1/reports/notes.txt",
        "/api/v1/reports/..%2F..%2Fadmin-password"}) {
    auto res = Client().Get(other, httplib::Headers{{"Cookie", officer.cookie}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << other;
    EXPECT_THAT(res->body, Not(HasSubstr("report monthly"))) << other;
  }
  auto anonymous = Client().Get("/api/v1/reports");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

// Probe finding 7: a county auditor was served the city report. An auditor
// of county 210103 lists and downloads its county's report only.
TEST_F(GatewayTest, ACountyAuditorGetsNoCityReport) {
  Login admin = SchoolAndAnotherCountysOfficer();
  ASSERT_FALSE(HasFailure());
  auto created = Call(admin, "/api/v1/identity/CreateAccount",
                      R"({"meta":{"request_id":"a-aud"},"login":"auditor.c","role":"ROLE_AUDITOR",
                          "scope":"210103","password":"an auditor's passphrase 2026"})");
  ASSERT_TRUE(created && created->status == 200) << (created ? created->body : "no answer");
  Login auditor = LogIn("auditor.c", "an auditor's passphrase 2026");
  auto listing = Client().Get("/api/v1/reports", httplib::Headers{{"Cookie", auditor.cookie}});
  ASSERT_TRUE(listing && listing->status == 200);
  EXPECT_THAT(listing->body, HasSubstr("monthly-2026-12-county-210103.xlsx"));
  EXPECT_THAT(listing->body, Not(HasSubstr("city")));
  for (const char* path :
       {"/api/v1/reports/monthly-2026-12-city-2101.json", "/api/v1/reports/monthly-2026-12-city.json"}) {
    auto city = Client().Get(path, httplib::Headers{{"Cookie", auditor.cookie}});
    ASSERT_TRUE(city);
    EXPECT_EQ(city->status, 404) << path;
  }
}

// Probe finding 6: after a lock, the locked account still listed and
// downloaded reports with its open session (the gateway serves them itself).
TEST_F(GatewayTest, ALockedAccountsSessionEndsOnEveryRoute) {
  Login admin = SchoolAndAnotherCountysOfficer();
  ASSERT_FALSE(HasFailure());
  Login officer = LogIn("officer.b", "another long passphrase 2026");
  auto before = Client().Get("/api/v1/reports", httplib::Headers{{"Cookie", officer.cookie}});
  ASSERT_TRUE(before && before->status == 200);
  auto locked = Call(admin, "/api/v1/identity/LockAccount",
                     R"({"meta":{"request_id":"lock-b"},"login":"officer.b","reason":"调离"})");
  ASSERT_TRUE(locked && locked->status == 200) << (locked ? locked->body : "no answer");
  for (const char* path :
       {"/api/v1/reports", "/api/v1/reports/monthly-2026-12-county-210103.xlsx", "/api/v1/session"}) {
    auto after = Client().Get(path, httplib::Headers{{"Cookie", officer.cookie}});
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 401) << path << ": " << after->body;
  }
}

// Probe finding 11: anonymous 60 MiB bodies to /api/v1/session grew the
// gateway by half a gigabyte. A body over the small limit is refused from
// its headers, before it is read; uploads need a session first.
TEST_F(GatewayTest, LargeBodiesWithoutASessionAreRefusedBeforeTheyAreRead) {
  // The gateway answers 413 from the headers and closes; the client may
  // still be sending and see the connection closed instead. Either way the
  // body was not taken (a gateway that read it would answer 401 or 400).
  const std::string big(8 << 20, 'x');
  auto login = Client().Post("/api/v1/session", big, "application/json");
  EXPECT_TRUE(!login || login->status == 413) << login->status << " " << login->body;
  auto upload = Client().Post("/api/v1/imports", big, "multipart/form-data; boundary=x");
  EXPECT_TRUE(!upload || upload->status == 413) << upload->status << " " << upload->body;
  auto small = Client().Post("/api/v1/session", R"({"login":"admin","password":"nope"})", "application/json");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 401);
}

// Probe finding 11: the gateway offered CBC-SHA1 suites and sent no HSTS.
TEST_F(GatewayTest, HttpsOffersAeadSuitesOnlyAndHsts) {
  const std::string tls = dir_ + "/tls";
  ASSERT_EQ(std::system(absl::StrCat("bash '", ZIZHU_TLS_SCRIPT, "' '", tls, "' >/dev/null").c_str()), 0);
  GatewayOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.tls_cert_file = tls + "/server.pem";
  options.tls_key_file = tls + "/server.key";
  options.upload_dir = dir_ + "/tls-uploads";
  auto https = GatewayServer::Start(options, bridge_.get(), &gateway_clock_);
  ASSERT_TRUE(https.ok()) << https.status();
  httplib::SSLClient good("127.0.0.1", (*https)->port());
  good.set_ca_cert_path((tls + "/ca.pem").c_str());
  auto answer = good.Get("/api/v1/openapi.json");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  httplib::SSLClient cbc("127.0.0.1", (*https)->port());
  cbc.enable_server_certificate_verification(false);
  SSL_CTX_set_max_proto_version(cbc.ssl_context(), TLS1_2_VERSION);
  ASSERT_EQ(SSL_CTX_set_cipher_list(cbc.ssl_context(), "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA"), 1);
  EXPECT_FALSE(cbc.Get("/api/v1/openapi.json")) << "a CBC-SHA1 suite was accepted";
  httplib::SSLClient old("127.0.0.1", (*https)->port());
  old.enable_server_certificate_verification(false);
  SSL_CTX_set_max_proto_version(old.ssl_context(), TLS1_1_VERSION);
  EXPECT_FALSE(old.Get("/api/v1/openapi.json")) << "TLS 1.1 was accepted";
}

TEST(HttpStatusTest, GrpcCodesMapToHttp) {
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::DATA_LOSS), 500);
}

}  // namespace
}  // namespace zizhu::gateway

namespace zizhu::gateway {
namespace {

std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A preview before applying (issue 24): every row of a student roster checked
// and its errors shown, nothing sent to the registry.
TEST_F(GatewayTest, ADryRunChecksAStudentRosterAndRegistersNobody) {
  Login admin = SchoolAndAnotherCountysOfficer();
  const std::string roster =
      "姓名,公民身份号码,性别,出生日期,民族,学校标识码,学段,年级,班级,是否寄宿,学籍状态,户编号,贫困类别\n"
      "张三,11010519491231002X,女,1949-12-31,汉族,2101020001,小学,2,1班,否,在籍,H1,建档立卡\n"
      "李四,440524188001010014,男,1880-01-01,汉族,2101020001,小学,2,1班,否,在籍,H1,\n"
      "王五,110105194912310021,男,1949-12-31,汉族,2101020001,小学,2,1班,否,在籍,H1,\n";
  httplib::MultipartFormDataItems items = {
      {"source", "students", "", ""}, {"dry_run", "1", "", ""}, {"file", roster, "students.csv", "text/csv"}};
  auto started = Client().Post("/api/v1/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, items);
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string id = nlohmann::json::parse(started->body).value("job_id", "");
  nlohmann::json state = FinishedImport(admin, id);
  ASSERT_EQ(state["state"], "done") << state.dump();
  EXPECT_TRUE(state["dry_run"].get<bool>());
  EXPECT_EQ(state["applied"], 1);  // would be sent
  EXPECT_EQ(state["rejected"], 2) << state.dump();
  EXPECT_EQ(state["errors"][0]["line"], 3);  // born 1880: not a date the roster accepts
  EXPECT_EQ(state["errors"][1]["line"], 4);  // the check digit, as the registry would say
  EXPECT_EQ(state["errors"][1]["column"], "national_id");
  auto found = Call(admin, "/api/v1/registry/FindStudentByNationalId", R"({"national_id":"11010519491231002X"})");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 404) << "a preview registered a student: " << found->body;
  // Agency rosters have no preview (their import is all or nothing per chunk).
  httplib::MultipartFormDataItems poverty = {
      {"source", "poverty", "", ""}, {"dry_run", "1", "", ""}, {"file", roster, "p.csv", "text/csv"}};
  auto refused = Client().Post("/api/v1/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, poverty);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_THAT(refused->body, HasSubstr("student rosters only"));
}

TEST_F(GatewayTest, AnUploadedRosterIsImportedWithProgressAndItsRowErrorsOnlyForItsOwner) {
  Login admin = SchoolAndAnotherCountysOfficer();
  Login other = LogIn("officer.b", "another long passphrase 2026");
  const std::string roster = ReadTestFile(std::string(ZIZHU_SOURCE_DIR) + "/tests/data/rosters/poverty.gbk.csv");
  ASSERT_FALSE(roster.empty());
  auto upload = [&](const Login& as, const std::string& source, bool with_csrf) {
    httplib::Headers headers = {{"Cookie", as.cookie}};
    if (with_csrf) headers.emplace("X-CSRF-Token", as.csrf);
    httplib::MultipartFormDataItems items = {{"source", source, "", ""},
                                             {"file", roster, "poverty.gbk.csv", "text/csv"}};
    return Client().Post("/api/v1/imports", headers, items);
  };
  auto no_csrf = upload(admin, "poverty", false);
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  // A file without the roster's columns: the job fails naming the file as uploaded, not where the gateway kept it.
  {
    httplib::MultipartFormDataItems items = {{"source", "civil", "", ""},
                                             {"file", "foo,bar\n1,2\n", "civil.csv", "text/csv"}};
    auto bad = Client().Post("/api/v1/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, items);
    ASSERT_TRUE(bad);
    ASSERT_EQ(bad->status, 202);
    const std::string id = nlohmann::json::parse(bad->body).value("job_id", "");
    nlohmann::json failed = FinishedImport(admin, id);
    EXPECT_EQ(failed["state"], "failed");
    EXPECT_THAT(failed["message"].get<std::string>(), HasSubstr("'civil.csv': header row lacks required column(s)"));
    EXPECT_THAT(failed["message"].get<std::string>(), Not(HasSubstr("uploads")));
    // Its reason, to be said in Chinese, and the file's own columns for the operator to map.
    EXPECT_EQ(failed["message_reason"], "HEADER_COLUMNS_MISSING");
    EXPECT_EQ(failed["message_params"]["file"], "civil.csv");
    EXPECT_THAT(failed["message_params"]["fields"].get<std::string>(), HasSubstr("national_id"));
    EXPECT_EQ(failed["file_headers"], nlohmann::json::array({"foo", "bar"}));
    // Mapped: the file's "foo" is the national ID; that column is no longer missing.
    items.push_back({"mapping", "national_id = foo\n", "", ""});
    auto mapped = Client().Post("/api/v1/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, items);
    ASSERT_TRUE(mapped);
    ASSERT_EQ(mapped->status, 202) << mapped->body;
    failed = FinishedImport(admin, nlohmann::json::parse(mapped->body).value("job_id", ""));
    EXPECT_THAT(failed["message_params"].value("fields", ""), Not(HasSubstr("national_id"))) << failed.dump();
    // A mapping line that is not "field = header" is refused at once, with its reason.
    items.back() = {"mapping", "national_id foo\n", "", ""};
    auto bad_mapping =
        Client().Post("/api/v1/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, items);
    ASSERT_TRUE(bad_mapping);
    EXPECT_EQ(bad_mapping->status, 400);
    EXPECT_EQ(nlohmann::json::parse(bad_mapping->body).value("reason", ""), "MAPPING_LINE_INVALID");
  }
  auto bad_source = upload(admin, "tax office", true);
  ASSERT_TRUE(bad_source);
  EXPECT_EQ(bad_source->status, 400);
  EXPECT_THAT(bad_source->body, HasSubstr("tax office"));

  auto started = upload(admin, "poverty", true);
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string job = nlohmann::json::parse(started->body).value("job_id", "");
  nlohmann::json state = FinishedImport(admin, job);
  ASSERT_EQ(state["state"], "done") << state.dump();
  EXPECT_EQ(state["total"], 80);
  EXPECT_EQ(state["done"], 80);
  EXPECT_EQ(state["format"], "csv gb18030");
  EXPECT_GT(state["rejected"].get<int>(), 0);
  EXPECT_EQ(state["applied"].get<int>() + state["rejected"].get<int>(), 80) << state.dump();
  ASSERT_FALSE(state["errors"].empty());
  EXPECT_GT(state["errors"][0]["line"].get<int>(), 1);
  EXPECT_FALSE(state["errors"][0]["reason"].get<std::string>().empty());
  for (const auto& e : state["errors"]) {  // every row error carries its reason code, to be said in Chinese
    EXPECT_FALSE(e.value("reason_code", "").empty()) << e.dump();
  }

  // The error report: in Chinese by default (header, kinds, columns, reasons), in English on ?lang=en.
  auto csv =
      Client().Get(("/api/v1/imports/" + job + "/errors.csv").c_str(), httplib::Headers{{"Cookie", admin.cookie}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.rfind("\xEF\xBB\xBF行号,类别,身份证号,栏目,原因\n", 0), 0u);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 1 + state["errors_total"].get<int>());
  EXPECT_THAT(csv->body, Not(HasSubstr(" is not ")));
  EXPECT_THAT(csv->body, Not(HasSubstr("bad_value")));
  auto english = Client().Get(("/api/v1/imports/" + job + "/errors.csv?lang=en").c_str(),
                              httplib::Headers{{"Cookie", admin.cookie}});
  ASSERT_TRUE(english);
  EXPECT_EQ(english->body.rfind("\xEF\xBB\xBFline,kind,national_id,column,reason\n", 0), 0u);

  // Another account: the job does not exist for it.
  for (const std::string& path : {"/api/v1/imports/" + job, "/api/v1/imports/" + job + "/errors.csv"}) {
    auto theirs = Client().Get(path.c_str(), httplib::Headers{{"Cookie", other.cookie}});
    ASSERT_TRUE(theirs);
    EXPECT_EQ(theirs->status, 404) << path;
    EXPECT_THAT(theirs->body, Not(HasSubstr("poverty")));
  }
  // The same file again: the registry already has it; nothing is applied twice.
  auto again = upload(admin, "poverty", true);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 202);
  const std::string second = nlohmann::json::parse(again->body).value("job_id", "");
  state = FinishedImport(admin, second);
  EXPECT_EQ(state["state"], "done");
  EXPECT_TRUE(state["already_imported"].get<bool>()) << state.dump();
}

}  // namespace
}  // namespace zizhu::gateway
