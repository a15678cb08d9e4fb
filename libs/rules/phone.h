// A phone number as every office accepts it: 7-15 digits; an 11-digit one is
// a mobile number starting with 1.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace zizhu::rules {

// INVALID_ARGUMENT naming `field` and the masked value when `phone` is not
// a phone number.
absl::Status CheckPhone(absl::string_view field, const std::string& phone);

}  // namespace zizhu::rules
