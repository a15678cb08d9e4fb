// Masks for personal data on public lists. Pure functions on UTF-8 text.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace zizhu {

// 张三 -> 张*, 张小明 -> 张*明, 欧阳小明 -> 欧**明. Works on UTF-8 code points.
std::string MaskName(absl::string_view name);
// Keeps the first `keep_head` and last `keep_tail` characters, stars the rest:
// MaskMiddle("210102201001011234", 4, 4) = "2101**********1234".
std::string MaskMiddle(absl::string_view value, size_t keep_head, size_t keep_tail);
// National ID: first 4 (the city) and last 2 kept: 2101************34. Not
// 4 + 4: with the last four (sequence and check digit) and the birth date
// beside them, the check digit left a handful of candidates (probe finding
// 4); with two, a caller who sees the birth year and month has hundreds
// (registry_service_test's recovery computation).
std::string MaskNationalId(absl::string_view id);
// Bank card: first 4 and last 4 kept.
std::string MaskBankCard(absl::string_view card);
// Phone: first 3 and last 4 kept (138****1234).
std::string MaskPhone(absl::string_view phone);

}  // namespace zizhu
