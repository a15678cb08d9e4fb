#include "services/common/auth/authenticator.h"

#include "absl/strings/match.h"
#include "services/common/core/refusal.h"

namespace zizhu::auth {

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromPublicKeyFile(const std::string& path,
                                                                                const Clock* clock) {
  absl::StatusOr<PublicKey> key = LoadPublicKey(path);
  if (!key.ok()) return key.status();
  return std::make_unique<Authenticator>(*key, clock);
}

absl::StatusOr<Caller> Authenticator::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return Refusal(absl::StatusCode::kUnauthenticated, "LOGIN_NEEDED", {},
                   "this call needs a token: log in with `zizhu login` (metadata authorization)");
  }
  if (!absl::StartsWith(authorization, "Bearer ")) {
    return absl::UnauthenticatedError("the authorization metadata is not 'Bearer <token>'");
  }
  absl::StatusOr<Caller> caller = Verified(authorization.substr(7));
  if (!caller.ok() || !revoked_before_) return caller;
  absl::StatusOr<std::optional<absl::Time>> revoked = revoked_before_(caller->subject);
  if (!revoked.ok()) return revoked.status();
  if (revoked->has_value() && caller->issued_at < **revoked) {
    return Refusal(absl::StatusCode::kUnauthenticated, "TOKEN_REVOKED", {},
                   "the token was revoked (the account was locked or changed); log in again");
  }
  return caller;
}

absl::StatusOr<Caller> Authenticator::Verified(absl::string_view token) const {
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) {
      if (now < it->second.expires_at) return it->second;
      verified_.erase(it);
    }
  }
  absl::StatusOr<Caller> caller = verifier_.Verify(token, now);
  if (caller.ok()) {
    absl::MutexLock lock(&mu_);
    if (verified_.size() >= kCachedTokens) verified_.clear();
    verified_.emplace(std::string(token), *caller);
  }
  return caller;
}

}  // namespace zizhu::auth
