#include "services/common/auth/authenticator.h"

#include "absl/strings/match.h"

namespace zizhu::auth {

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromPublicKeyFile(const std::string& path,
                                                                                const Clock* clock) {
  absl::StatusOr<PublicKey> key = LoadPublicKey(path);
  if (!key.ok()) return key.status();
  return std::make_unique<Authenticator>(*key, clock);
}

absl::StatusOr<Caller> Authenticator::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError("this call needs a token: log in with `zizhu login` (metadata authorization)");
  }
  if (!absl::StartsWith(authorization, "Bearer ")) {
    return absl::UnauthenticatedError("the authorization metadata is not 'Bearer <token>'");
  }
  return verifier_.Verify(authorization.substr(7), clock_->Now());
}

}  // namespace zizhu::auth
