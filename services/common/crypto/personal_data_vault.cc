#include "services/common/crypto/personal_data_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace zizhu {
namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'z', 'i', 'z', 'h', 'u', 'p', 'd', 'v'};

std::string ToHex(const unsigned char* data, size_t len) {
  std::string out(len * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, len);
  out.resize(len * 2);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PersonalDataVault>> PersonalDataVault::FromKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("key file '", path, "' cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto vault = FromHexKey(absl::StripAsciiWhitespace(buffer.str()));
  if (!vault.ok()) {
    return absl::Status(vault.status().code(), absl::StrCat("key file '", path, "': ", vault.status().message()));
  }
  return vault;
}

absl::StatusOr<std::unique_ptr<PersonalDataVault>> PersonalDataVault::FromHexKey(absl::string_view hex_key) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  unsigned char master[crypto_kdf_KEYBYTES];
  size_t bin_len = 0;
  if (hex_key.size() != 64 ||
      sodium_hex2bin(master, sizeof master, hex_key.data(), hex_key.size(), nullptr, &bin_len, nullptr) != 0 ||
      bin_len != sizeof master) {
    return absl::InvalidArgumentError(
        absl::StrCat("key must be 64 hex characters (32 bytes), got ", hex_key.size(), " characters"));
  }
  std::unique_ptr<PersonalDataVault> vault(new PersonalDataVault());
  crypto_kdf_derive_from_key(vault->seal_key_, sizeof vault->seal_key_, 1, kKdfContext, master);
  crypto_kdf_derive_from_key(vault->hash_key_, sizeof vault->hash_key_, 2, kKdfContext, master);
  unsigned char id[4];
  crypto_generichash(id, sizeof id, master, sizeof master, nullptr, 0);
  vault->key_id_ = ToHex(id, sizeof id);
  sodium_memzero(master, sizeof master);
  return vault;
}

absl::Status PersonalDataVault::GenerateKeyFile(const std::string& path) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create key file '", path, "': ", std::strerror(errno)));
  }
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  std::string hex = ToHex(key, sizeof key) + "\n";
  sodium_memzero(key, sizeof key);
  ssize_t written = ::write(fd, hex.data(), hex.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(hex.size())) {
    return absl::UnavailableError(absl::StrCat("short write to key file '", path, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<common::v1::SealedField> PersonalDataVault::Seal(absl::string_view plaintext,
                                                                absl::string_view context) const {
  common::v1::SealedField sealed;
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::string ciphertext(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long clen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_encrypt(
          reinterpret_cast<unsigned char*>(ciphertext.data()), &clen,
          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce, seal_key_) != 0) {
    return absl::InternalError("encryption failed");
  }
  ciphertext.resize(clen);
  sealed.set_key_id(key_id_);
  sealed.set_nonce(std::string(reinterpret_cast<char*>(nonce), sizeof nonce));
  sealed.set_ciphertext(std::move(ciphertext));
  return sealed;
}

absl::StatusOr<std::string> PersonalDataVault::Open(const common::v1::SealedField& sealed,
                                                    absl::string_view context) const {
  if (sealed.key_id() != key_id_) {
    return absl::DataLossError(absl::StrCat("sealed ", context, " uses key '", sealed.key_id(),
                                            "' but this process holds key '", key_id_, "'"));
  }
  if (sealed.nonce().size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      sealed.ciphertext().size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return absl::DataLossError(absl::StrCat("sealed ", context, " is malformed"));
  }
  std::string plaintext(sealed.ciphertext().size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &plen, nullptr,
          reinterpret_cast<const unsigned char*>(sealed.ciphertext().data()), sealed.ciphertext().size(),
          reinterpret_cast<const unsigned char*>(context.data()), context.size(),
          reinterpret_cast<const unsigned char*>(sealed.nonce().data()), seal_key_) != 0) {
    return absl::DataLossError(absl::StrCat("sealed ", context, " failed authentication"));
  }
  plaintext.resize(plen);
  return plaintext;
}

std::string PersonalDataVault::LookupHash(absl::string_view value, absl::string_view context) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, hash_key_, sizeof hash_key_, 16);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()), context.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  unsigned char out[16];
  crypto_generichash_final(&state, out, sizeof out);
  return ToHex(out, sizeof out);
}

}  // namespace zizhu
