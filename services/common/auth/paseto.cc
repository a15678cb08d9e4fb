#include "services/common/auth/paseto.h"

#include <sodium.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zizhu::auth {
namespace {

constexpr absl::string_view kHeader = "v4.public.";

void AppendLe64(std::string* out, uint64_t n) {
  n &= ~(uint64_t{1} << 63);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
}

std::string B64Url(absl::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool FromB64Url(absl::string_view text, std::string* out) {
  out->assign(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out->resize(len);
  return true;
}

}  // namespace

std::string Pae(std::initializer_list<absl::string_view> pieces) {
  std::string out;
  AppendLe64(&out, pieces.size());
  for (absl::string_view p : pieces) {
    AppendLe64(&out, p.size());
    out.append(p.data(), p.size());
  }
  return out;
}

std::string SignV4Public(const SecretKey& key, absl::string_view message) {
  std::string signed_part = Pae({kHeader, message, "", ""});
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size(), key.data());
  std::string body(message);
  body.append(reinterpret_cast<const char*>(signature), sizeof signature);
  return absl::StrCat(kHeader, B64Url(body));
}

absl::StatusOr<std::string> VerifyV4Public(const PublicKey& key, absl::string_view token) {
  if (!absl::StartsWith(token, kHeader)) return absl::UnauthenticatedError("the token is not a PASETO v4.public token");
  absl::string_view encoded = token.substr(kHeader.size());
  if (encoded.find('.') != absl::string_view::npos) return absl::UnauthenticatedError("token footers are not accepted");
  std::string body;
  if (!FromB64Url(encoded, &body) || body.size() < crypto_sign_BYTES) {
    return absl::UnauthenticatedError("the token is not well formed");
  }
  absl::string_view message(body.data(), body.size() - crypto_sign_BYTES);
  const auto* signature = reinterpret_cast<const unsigned char*>(body.data() + message.size());
  std::string signed_part = Pae({kHeader, message, "", ""});
  if (crypto_sign_verify_detached(signature, reinterpret_cast<const unsigned char*>(signed_part.data()),
                                  signed_part.size(), key.data()) != 0) {
    return absl::UnauthenticatedError("the token's signature does not verify");
  }
  return std::string(message);
}

}  // namespace zizhu::auth
