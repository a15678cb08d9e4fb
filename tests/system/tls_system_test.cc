// TLS on the gRPC port of a real service process: a plaintext client and a
// client trusting another CA are refused; with mutual TLS on, a client
// without a certificate (or with one from another CA) is refused too.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/service_process.h"
#include "tests/support/test_security.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu {
namespace {

using testing_support::ServiceProcess;
using testing_support::ServiceProcessOptions;
using testing_support::TestSecurity;
namespace rv1 = registry::v1;

grpc::Status ListSchools(const std::string& address, const grpc_kit::ClientTls& tls) {
  auto credentials = grpc_kit::ChannelCredentialsFor(tls);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  const auto& security = TestSecurity::Get();
  auto stub = rv1::RegistryService::NewStub(
      grpc_kit::CreateChannelWithToken(address, *credentials, security.Token(TestSecurity::Service())));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  rv1::ListSchoolsResponse response;
  return stub->ListSchools(&ctx, rv1::ListSchoolsRequest(), &response);
}

class TlsSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/zizhu-tls-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // Another CA, with its own server and client certificates.
    ASSERT_EQ(std::system(absl::StrCat("bash '", ZIZHU_TLS_SCRIPT, "' '", dir_, "/other' >/dev/null").c_str()), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ServiceProcess> Registry(std::vector<std::string> extra) {
    extra.insert(extra.end(), {"--key-file", dir_ + "/key", "--create-key-if-missing"});
    auto process = std::make_unique<ServiceProcess>(ServiceProcessOptions{
        ZIZHU_REGISTRY_BINARY, testing_support::GlobalBroker().bootstrap(),
        absl::StrCat("zizhu.registry.events.tls.", ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        "registry-tls", dir_ + "/projection", 3, extra, dir_ + "/registry.log"});
    return process;
  }
  std::string dir_;
};

TEST_F(TlsSystemTest, PlaintextAndAnotherCaAreRefused) {
  auto registry = Registry({});
  ASSERT_TRUE(registry->Start());
  const auto& security = TestSecurity::Get();
  EXPECT_TRUE(ListSchools(registry->address(), security.ClientTls()).ok());

  grpc_kit::ClientTls plaintext;
  plaintext.insecure_plaintext = true;
  grpc::Status refused = ListSchools(registry->address(), plaintext);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();

  grpc_kit::ClientTls other_ca;
  other_ca.ca_file = dir_ + "/other/ca.pem";
  refused = ListSchools(registry->address(), other_ca);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
}

TEST_F(TlsSystemTest, MutualTlsRefusesClientsWithoutACertificateOfTheCa) {
  const auto& security = TestSecurity::Get();
  auto registry = Registry({"--tls-client-ca", security.ca_file()});
  ASSERT_TRUE(registry->Start());  // its probe presents the test client certificate
  grpc::Status ok = ListSchools(registry->address(), security.ClientTls());
  EXPECT_TRUE(ok.ok()) << ok.error_message();

  grpc_kit::ClientTls without_cert = security.ClientTls();
  without_cert.cert_file.clear();
  without_cert.key_file.clear();
  grpc::Status no_cert = ListSchools(registry->address(), without_cert);
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAVAILABLE) << no_cert.error_message();

  grpc_kit::ClientTls foreign_cert = security.ClientTls();
  foreign_cert.cert_file = dir_ + "/other/client.pem";
  foreign_cert.key_file = dir_ + "/other/client.key";
  grpc::Status foreign = ListSchools(registry->address(), foreign_cert);
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::UNAVAILABLE) << foreign.error_message();
}

}  // namespace
}  // namespace zizhu
