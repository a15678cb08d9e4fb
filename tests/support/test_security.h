// Test support: the security set-up a test deployment needs, made once per
// test binary in a temporary directory — a local CA and certificates (the
// project's deploy/tls.sh) and a token key pair — plus tokens and TLS
// channels for any caller. Service processes get ServerFlags().
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "services/common/auth/caller.h"
#include "services/common/auth/paseto.h"
#include "services/common/grpc/tls.h"

namespace zizhu::testing_support {

class TestSecurity {
 public:
  // The binary's one set-up (created on first use; aborts the test binary
  // with a message when it cannot be made).
  static const TestSecurity& Get();

  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/tls/ca.pem"; }
  // --tls-cert, --tls-key, --token-public-key for a service process.
  std::vector<std::string> ServerFlags() const;
  // The CA, and the client certificate for servers that ask for one.
  grpc_kit::ClientTls ClientTls() const;
  // A token for `caller`, valid for an hour from `now` (a process run with
  // --testing-clock-offset-hours needs tokens of its time).
  std::string Token(const auth::Caller& caller, absl::Time now = absl::Now()) const;
  // A TLS channel to `address` sending `caller`'s token.
  std::shared_ptr<grpc::Channel> Channel(const std::string& address, const auth::Caller& caller,
                                         absl::Time now = absl::Now()) const;
  // The caller test set-ups act as: a zizhu service (every scope).
  static auth::Caller Service() { return {"system-test", auth::Role::kService, "*", "t-service"}; }

 private:
  TestSecurity() = default;
  std::string dir_;
  auth::SecretKey secret_key_{};
};

}  // namespace zizhu::testing_support
