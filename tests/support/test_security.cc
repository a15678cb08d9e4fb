#include "tests/support/test_security.h"

#include <grpcpp/create_channel.h>
#include <stdlib.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/auth/tokens.h"

namespace zizhu::testing_support {

const TestSecurity& TestSecurity::Get() {
  static const TestSecurity* security = [] {
    auto* s = new TestSecurity();
    char pattern[] = "/tmp/zizhu-test-security-XXXXXX";
    if (!mkdtemp(pattern)) {
      std::cerr << "cannot create a directory for the test CA" << std::endl;
      std::abort();
    }
    s->dir_ = pattern;
    const std::string tls = absl::StrCat("bash '", ZIZHU_TLS_SCRIPT, "' '", s->dir_, "/tls' >/dev/null");
    if (std::system(tls.c_str()) != 0) {
      std::cerr << "deploy/tls.sh failed (is openssl installed?)" << std::endl;
      std::abort();
    }
    absl::Status keys = auth::CreateKeyPair(s->dir_ + "/token.key", s->dir_ + "/token.pub");
    auto secret = auth::LoadSecretKey(s->dir_ + "/token.key");
    if (!keys.ok() || !secret.ok()) {
      std::cerr << "cannot create the test token key pair: " << keys << std::endl;
      std::abort();
    }
    s->secret_key_ = *secret;
    return s;
  }();
  return *security;
}

std::vector<std::string> TestSecurity::ServerFlags() const {
  return {"--tls-cert",         dir_ + "/tls/server.pem", "--tls-key", dir_ + "/tls/server.key",
          "--token-public-key", dir_ + "/token.pub"};
}

grpc_kit::ClientTls TestSecurity::ClientTls() const {
  grpc_kit::ClientTls tls;
  tls.ca_file = ca_file();
  tls.cert_file = dir_ + "/tls/client.pem";  // presented only when a server asks (mutual TLS)
  tls.key_file = dir_ + "/tls/client.key";
  return tls;
}

std::string TestSecurity::Token(const auth::Caller& caller, absl::Time now) const {
  return auth::IssueToken(secret_key_, caller, now, absl::Hours(1), caller.token_id).value();
}

std::shared_ptr<grpc::Channel> TestSecurity::Channel(const std::string& address, const auth::Caller& caller,
                                                     absl::Time now) const {
  auto credentials = grpc_kit::ChannelCredentialsFor(ClientTls());
  if (!credentials.ok()) {
    std::cerr << "test TLS: " << credentials.status() << std::endl;
    std::abort();
  }
  return grpc_kit::CreateChannelWithToken(address, *credentials, Token(caller, now));
}

}  // namespace zizhu::testing_support
