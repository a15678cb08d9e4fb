// PASETO v4.public (https://github.com/paseto-standard/paseto-spec): a
// message signed with Ed25519, encoded "v4.public.<base64url(m || sig)>".
// Chosen over JWT because the version fixes the algorithm (no "alg" header
// to negotiate, so no "none" or key-confusion attacks) and it needs nothing
// but libsodium, which the build already has. Footers and implicit
// assertions are not used (empty).
#pragma once

#include <array>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zizhu::auth {

using PublicKey = std::array<unsigned char, 32>;
using SecretKey = std::array<unsigned char, 64>;

std::string SignV4Public(const SecretKey& key, absl::string_view message);
// The message when `token` is a v4.public token signed by `key`;
// UNAUTHENTICATED otherwise (the reason names what is wrong, never the token).
absl::StatusOr<std::string> VerifyV4Public(const PublicKey& key, absl::string_view token);

// Pre-authentication encoding of the spec (exposed for its test vector).
std::string Pae(std::initializer_list<absl::string_view> pieces);

}  // namespace zizhu::auth
