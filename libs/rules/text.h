// Free text an operator types (a reason, a note, a name): required or not,
// and at most `max_bytes` long. Each service sets its own limit per field.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"

namespace zizhu::rules {

// INVALID_ARGUMENT naming `field`: "<field> is required" or "<field> is N
// bytes; at most M".
inline absl::Status CheckText(const std::string& field, const std::string& value, size_t max_bytes, bool required) {
  if (required && value.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", field}},
                   absl::StrCat(field, " is required"));
  }
  if (value.size() > max_bytes) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                   {{"field", field}, {"bytes", std::to_string(value.size())}, {"max", std::to_string(max_bytes)}},
                   absl::StrCat(field, " is ", value.size(), " bytes; at most ", max_bytes));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::rules
