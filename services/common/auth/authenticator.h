// Authenticator: turns a call's `authorization` metadata ("Bearer <token>")
// into a verified Caller. A verified token is remembered until it expires
// (a client sends the same token on every call; the signature check and
// claim parsing then run once), at most kCachedTokens at a time.
// Thread-safe; borrowed by the kit's gRPC adapters.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/auth/tokens.h"
#include "services/common/core/clock.h"

namespace zizhu::auth {

class Authenticator {
 public:
  Authenticator(const PublicKey& key, const Clock* clock) : verifier_(key), clock_(clock) {}
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromPublicKeyFile(const std::string& path, const Clock* clock);

  // `authorization`: the metadata value, empty when absent.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const;

  // When a login's tokens issued before a time stop being valid (its
  // account was locked, or its role, scope or password changed); nullopt
  // when none. Checked on every call, cached tokens included.
  using RevokedBefore = std::function<absl::StatusOr<std::optional<absl::Time>>(const std::string& login)>;
  // Set once, before the first call.
  void set_revoked_before(RevokedBefore revoked_before) { revoked_before_ = std::move(revoked_before); }

 private:
  absl::StatusOr<Caller> Verified(absl::string_view token) const;
  static constexpr size_t kCachedTokens = 4096;
  RevokedBefore revoked_before_;
  TokenVerifier verifier_;
  const Clock* clock_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Caller> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zizhu::auth
