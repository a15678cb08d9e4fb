// PersonalDataVault seals personal data (national ID, bank card, phone) with
// XChaCha20-Poly1305 and computes keyed lookup hashes (BLAKE2b) so that no
// plaintext reaches an event, a projection or a log line.
//
// Lifecycle: created once per process from a 32-byte master key file; immutable
// afterwards and safe to use from any thread.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu {

class PersonalDataVault {
 public:
  // Reads a key file holding 64 hex characters (32 bytes); surrounding
  // whitespace is ignored. The key id is the first 8 hex characters of a
  // hash of the key, so rotated keys are distinguishable.
  static absl::StatusOr<std::unique_ptr<PersonalDataVault>> FromKeyFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<PersonalDataVault>> FromHexKey(absl::string_view hex_key);
  // Writes a new random key file (mode 0600); fails if it already exists.
  static absl::Status GenerateKeyFile(const std::string& path);

  const std::string& key_id() const { return key_id_; }

  // Seals `plaintext`; `context` (e.g. "national_id") is bound as associated
  // data so a sealed phone cannot be passed off as a national ID.
  absl::StatusOr<common::v1::SealedField> Seal(absl::string_view plaintext, absl::string_view context) const;
  // Opens a sealed field; DATA_LOSS if it was tampered with or the key differs.
  absl::StatusOr<std::string> Open(const common::v1::SealedField& sealed, absl::string_view context) const;
  // Keyed hash (BLAKE2b-128, 32 hex chars) of a normalised value; equal inputs give equal
  // hashes under the same key, and the hash reveals nothing without the key.
  std::string LookupHash(absl::string_view value, absl::string_view context) const;

 private:
  PersonalDataVault() = default;
  unsigned char seal_key_[32];
  unsigned char hash_key_[32];
  std::string key_id_;
};

}  // namespace zizhu
