#include "libs/rules/national_id.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rules/dates.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"

namespace zizhu::rules {
namespace {

// First two digits of the region code: provinces, autonomous regions,
// municipalities, Taiwan, Hong Kong and Macao (GB/T 2260).
const std::set<int>& ProvinceCodes() {
  static const std::set<int> codes = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                      43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
  return codes;
}

}  // namespace

std::string NormalizeNationalId(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    // Full-width forms U+FF01..U+FF5E are EF BC 81..EF BD 9E in UTF-8.
    if (c == 0xEF && i + 2 < raw.size()) {
      unsigned char c1 = static_cast<unsigned char>(raw[i + 1]);
      unsigned char c2 = static_cast<unsigned char>(raw[i + 2]);
      unsigned int cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 3;
        continue;
      }
    }
    // U+3000 ideographic space (E3 80 80) and U+00A0 NBSP (C2 A0).
    if (c == 0xE3 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
        static_cast<unsigned char>(raw[i + 2]) == 0x80) {
      i += 3;
      continue;
    }
    if (c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xA0) {
      i += 2;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  if (!out.empty() && out.front() == '\'') out.erase(0, 1);
  for (char& ch : out) {
    if (ch == 'x') ch = 'X';
  }
  return out;
}

char NationalIdCheckCharacter(absl::string_view first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

absl::StatusOr<NationalIdInfo> ValidateNationalId(absl::string_view id, absl::string_view field) {
  // The value is named masked: an invalid ID is often a real one with a typo
  // (probe finding 11), and these messages reach files, logs and topics.
  // Each refusal has its reason code (NATIONAL_ID_*, libs/reasons) for the
  // operator's language; `detail` is a parameter of it.
  auto bad = [&](const char* reason, const std::string& why, const std::string& detail = "") {
    return Refusal(absl::StatusCode::kInvalidArgument, reason,
                   {{"field", std::string(field)}, {"value", MaskNationalId(id)}, {"detail", detail}},
                   absl::StrCat(field, " '", MaskNationalId(id), "' is not a valid national ID: ", why));
  };
  if (id.size() != 18) {
    if (id.size() == 15) {
      return bad("NATIONAL_ID_FIRST_GENERATION",
                 "15-digit first-generation IDs are not accepted; use the 18-character ID");
    }
    return bad("NATIONAL_ID_LENGTH", absl::StrCat("must be 18 characters, got ", id.size()), std::to_string(id.size()));
  }
  for (size_t i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') {
      return bad("NATIONAL_ID_CHARACTER", absl::StrCat("character ", i + 1, " must be a digit"), std::to_string(i + 1));
    }
  }
  char last = id[17];
  if (!((last >= '0' && last <= '9') || last == 'X')) {
    return bad("NATIONAL_ID_CHARACTER", "the last character must be a digit or X", "18");
  }
  int province = (id[0] - '0') * 10 + (id[1] - '0');
  if (ProvinceCodes().count(province) == 0) {
    return bad("NATIONAL_ID_REGION", absl::StrCat("region code starts with unknown province ", province),
               std::to_string(province));
  }
  auto digits = [&](size_t from, size_t len) {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  int year = digits(6, 4), month = digits(10, 2), day = digits(12, 2);
  if (year < 1900 || !IsValidDate(year, month, day)) {
    const std::string date = absl::StrFormat("%04d-%02d-%02d", year, month, day);
    return bad("NATIONAL_ID_BIRTH_DATE", absl::StrCat("birth date ", date, " is not a valid date"), date);
  }
  char expected = NationalIdCheckCharacter(id.substr(0, 17));
  if (expected != last) {
    return bad("NATIONAL_ID_CHECK_DIGIT", "its check digit does not match the other 17 characters (a typo?)");
  }
  NationalIdInfo info;
  info.normalized = std::string(id);
  info.region_code = std::string(id.substr(0, 6));
  info.birth_date.set_year(year);
  info.birth_date.set_month(month);
  info.birth_date.set_day(day);
  info.gender = (id[16] - '0') % 2 == 1 ? v1::GENDER_MALE : v1::GENDER_FEMALE;
  return info;
}

}  // namespace zizhu::rules
