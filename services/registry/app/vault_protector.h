// PersonalDataProtector backed by the PersonalDataVault (libsodium).
#pragma once

#include "services/common/crypto/personal_data_vault.h"
#include "services/registry/domain/ports.h"

namespace zizhu::registry {

class VaultProtector final : public PersonalDataProtector {
 public:
  explicit VaultProtector(const PersonalDataVault* vault) : vault_(vault) {}
  absl::StatusOr<v1::ProtectedValue> Protect(absl::string_view plain, PersonalField field) override;
  std::string NationalIdHash(absl::string_view normalized_id) override;
  // Opens a protected value; empty values open to "".
  absl::StatusOr<std::string> Reveal(const v1::ProtectedValue& value, PersonalField field) const;

 private:
  const PersonalDataVault* vault_;
};

}  // namespace zizhu::registry
