// Authenticator: turns a call's `authorization` metadata ("Bearer <token>")
// into a verified Caller. Thread-safe; borrowed by the kit's gRPC adapters.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/auth/tokens.h"
#include "services/common/core/clock.h"

namespace zizhu::auth {

class Authenticator {
 public:
  Authenticator(const PublicKey& key, const Clock* clock) : verifier_(key), clock_(clock) {}
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromPublicKeyFile(const std::string& path, const Clock* clock);

  // `authorization`: the metadata value, empty when absent.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const;

 private:
  TokenVerifier verifier_;
  const Clock* clock_;
};

}  // namespace zizhu::auth
