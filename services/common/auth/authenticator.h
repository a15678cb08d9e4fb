// Authenticator: turns a call's `authorization` metadata ("Bearer <token>")
// into a verified Caller. A verified token is remembered until it expires
// (a client sends the same token on every call; the signature check and
// claim parsing then run once), at most kCachedTokens at a time.
// Thread-safe; borrowed by the kit's gRPC adapters.
#pragma once

#include <memory>
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

 private:
  static constexpr size_t kCachedTokens = 4096;
  TokenVerifier verifier_;
  const Clock* clock_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Caller> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zizhu::auth
