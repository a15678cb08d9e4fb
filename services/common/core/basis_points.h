// Rates in basis points (1/100 of a percent): 60 = 0.60 %. Integers, so that a
// rate and its target compare exactly.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"

namespace zizhu {

// part / whole in basis points, rounded half up; 0 when whole is 0.
inline int32_t BasisPoints(int64_t part, int64_t whole) {
  if (whole <= 0) return 0;
  return static_cast<int32_t>((part * 20000 + whole) / (2 * whole));
}

// "12.34 %" (a negative rate keeps its sign).
inline std::string FormatBasisPoints(int64_t bp) {
  const char* sign = bp < 0 ? "-" : "";
  if (bp < 0) bp = -bp;
  return absl::StrFormat("%s%d.%02d %%", sign, bp / 100, bp % 100);
}

}  // namespace zizhu
