#include "services/registry/app/vault_protector.h"

#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"

namespace zizhu::registry {

absl::StatusOr<v1::ProtectedValue> VaultProtector::Protect(absl::string_view plain, PersonalField field) {
  v1::ProtectedValue out;
  ASSIGN_OR_RETURN(*out.mutable_sealed(), vault_->Seal(plain, PersonalFieldName(field)));
  switch (field) {
    case PersonalField::kNationalId:
      out.set_masked(MaskNationalId(plain));
      break;
    case PersonalField::kBankCard:
      out.set_masked(MaskBankCard(plain));
      break;
    case PersonalField::kPhone:
      out.set_masked(MaskPhone(plain));
      break;
  }
  return out;
}

std::string VaultProtector::NationalIdHash(absl::string_view normalized_id) {
  return vault_->LookupHash(normalized_id, "national_id");
}

absl::StatusOr<std::string> VaultProtector::Reveal(const v1::ProtectedValue& value, PersonalField field) const {
  if (!value.has_sealed()) return std::string();
  return vault_->Open(value.sealed(), PersonalFieldName(field));
}

}  // namespace zizhu::registry
