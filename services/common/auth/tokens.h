// Operator and service tokens: PASETO v4.public over the TokenClaims JSON.
// The identity service signs; every other service verifies locally with the
// identity service's public key (no call per request).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth/caller.h"
#include "services/common/auth/paseto.h"

namespace zizhu::auth {

inline constexpr char kIssuer[] = "zizhu-identity";

// A token for `caller` valid from `now` for `ttl`; `token_id` names it.
absl::StatusOr<std::string> IssueToken(const SecretKey& key, const Caller& caller, absl::Time now, absl::Duration ttl,
                                       const std::string& token_id);

class TokenVerifier {
 public:
  explicit TokenVerifier(const PublicKey& key) : key_(key) {}
  // The caller a valid, unexpired token names; UNAUTHENTICATED otherwise,
  // with a reason that never repeats the token.
  absl::StatusOr<Caller> Verify(absl::string_view token, absl::Time now) const;

 private:
  PublicKey key_;
};

// Key files: one line of standard base64 (the raw libsodium key), mode 0600
// for the secret key. `CreateKeyPair` refuses to overwrite.
absl::StatusOr<SecretKey> LoadSecretKey(const std::string& path);
absl::StatusOr<PublicKey> LoadPublicKey(const std::string& path);
absl::Status CreateKeyPair(const std::string& secret_path, const std::string& public_path);

}  // namespace zizhu::auth
