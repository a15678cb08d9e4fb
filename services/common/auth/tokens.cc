#include "services/common/auth/tokens.h"

#include <google/protobuf/util/json_util.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"
#include "zizhu/common/v1/token.pb.h"

namespace zizhu::auth {
namespace {

std::string Rfc3339(absl::Time t) { return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone()); }

std::string ToBase64(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

template <size_t N>
absl::StatusOr<std::array<unsigned char, N>> LoadKey(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " file '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  std::string line = std::string(absl::StripAsciiWhitespace(text.str()));
  std::array<unsigned char, N> key{};
  size_t len = 0;
  if (sodium_base642bin(key.data(), key.size(), line.data(), line.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != N) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " file '", path, "' does not hold a base64 key of ", N, " bytes"));
  }
  return key;
}

absl::Status WriteKey(const std::string& path, const std::string& line, mode_t mode) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  out << line << "\n";
  out.close();
  if (!out || ::chmod(path.c_str(), mode) != 0)
    return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> IssueToken(const SecretKey& key, const Caller& caller, absl::Time now, absl::Duration ttl,
                                       const std::string& token_id) {
  common::v1::TokenClaims claims;
  claims.set_iss(kIssuer);
  claims.set_sub(caller.subject);
  claims.set_role(std::string(RoleName(caller.role)));
  claims.set_scope(caller.scope);
  claims.set_iat(Rfc3339(now));
  claims.set_exp(Rfc3339(now + ttl));
  claims.set_jti(token_id);
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (auto printed = google::protobuf::util::MessageToJsonString(claims, &json, options); !printed.ok()) {
    return absl::InternalError(absl::StrCat("token claims: ", printed.ToString()));
  }
  return SignV4Public(key, json);
}

absl::StatusOr<Caller> TokenVerifier::Verify(absl::string_view token, absl::Time now) const {
  absl::StatusOr<std::string> message = VerifyV4Public(key_, token);
  if (!message.ok()) return message.status();
  common::v1::TokenClaims claims;
  if (!google::protobuf::util::JsonStringToMessage(*message, &claims).ok() || claims.iss() != kIssuer) {
    return absl::UnauthenticatedError("the token's claims are not zizhu's");
  }
  absl::Time expires, issued;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, claims.exp(), &expires, &error) ||
      !absl::ParseTime(absl::RFC3339_full, claims.iat(), &issued, &error)) {
    return absl::UnauthenticatedError("the token has no valid issue and expiry times");
  }
  if (now >= expires) {
    return Refusal(absl::StatusCode::kUnauthenticated, "TOKEN_EXPIRED", {},
                   absl::StrCat("the token expired at ", claims.exp()));
  }
  absl::StatusOr<Role> role = ParseRole(claims.role());
  if (!role.ok() || claims.sub().empty() || claims.scope().empty()) {
    return absl::UnauthenticatedError("the token names no valid subject, role and scope");
  }
  return Caller{claims.sub(), *role, claims.scope(), claims.jti(), expires, issued};
}

absl::StatusOr<SecretKey> LoadSecretKey(const std::string& path) {
  return LoadKey<crypto_sign_SECRETKEYBYTES>(path, "token signing key");
}

absl::StatusOr<PublicKey> LoadPublicKey(const std::string& path) {
  return LoadKey<crypto_sign_PUBLICKEYBYTES>(path, "token public key");
}

absl::Status CreateKeyPair(const std::string& secret_path, const std::string& public_path) {
  if (std::filesystem::exists(secret_path)) {
    return absl::AlreadyExistsError(absl::StrCat("'", secret_path, "' exists; not overwritten"));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  PublicKey pk;
  SecretKey sk;
  crypto_sign_keypair(pk.data(), sk.data());
  absl::Status written = WriteKey(secret_path, ToBase64(sk.data(), sk.size()), 0600);
  if (written.ok()) written = WriteKey(public_path, ToBase64(pk.data(), pk.size()), 0644);
  sodium_memzero(sk.data(), sk.size());
  return written;
}

}  // namespace zizhu::auth
