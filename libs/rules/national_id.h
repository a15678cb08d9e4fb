// Chinese resident identity numbers (GB 11643-1999): 18 characters, six-digit
// region code, eight-digit birth date, three-digit sequence (odd = male), and
// a check character (0-9 or X) over the first 17 digits.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::rules {

namespace v1 = ::zizhu::registry::v1;

struct NationalIdInfo {
  std::string normalized;  // 18 characters, upper-case X
  std::string region_code;
  v1::Date birth_date;
  v1::Gender gender = v1::GENDER_UNSPECIFIED;
};

// Full-width digits and letters become ASCII, spaces (ASCII, full-width,
// tabs, NBSP) and a leading apostrophe (Excel's text marker) are removed, a
// lower-case x becomes X. Nothing else is changed.
std::string NormalizeNationalId(absl::string_view raw);

// The check character for the first 17 digits of `id`.
char NationalIdCheckCharacter(absl::string_view first17);

// Validates a normalised ID. INVALID_ARGUMENT names `field` and the value and
// says exactly what is wrong (length, characters, province, date, check digit).
absl::StatusOr<NationalIdInfo> ValidateNationalId(absl::string_view id, absl::string_view field = "national_id");

}  // namespace zizhu::rules
