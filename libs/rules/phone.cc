#include "libs/rules/phone.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"

namespace zizhu::rules {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view value, absl::string_view why) {
  return Refusal(absl::StatusCode::kInvalidArgument, "PHONE_INVALID",
                 {{"field", std::string(field)}, {"value", std::string(value)}},
                 absl::StrCat(field, " '", value, "' ", why));
}

}  // namespace

absl::Status CheckPhone(absl::string_view field, const std::string& phone) {
  if (phone.size() < 7 || phone.size() > 15) return Invalid(field, MaskPhone(phone), "must have 7-15 digits");
  for (char c : phone) {
    if (c < '0' || c > '9') return Invalid(field, MaskPhone(phone), "must contain only digits");
  }
  if (phone.size() == 11 && phone[0] != '1') {
    return Invalid(field, MaskPhone(phone), "is not a mobile number (must start with 1)");
  }
  return absl::OkStatus();
}

}  // namespace zizhu::rules
