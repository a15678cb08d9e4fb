#include "services/common/crypto/masking.h"

#include <vector>

namespace zizhu {
namespace {

std::vector<absl::string_view> SplitCodePoints(absl::string_view text) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + len > text.size()) len = text.size() - i;
    out.push_back(text.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string MaskName(absl::string_view name) {
  auto cps = SplitCodePoints(name);
  if (cps.empty()) return "";
  if (cps.size() == 1) return "*";
  std::string out(cps[0]);
  if (cps.size() == 2) return out + "*";
  for (size_t i = 1; i + 1 < cps.size(); ++i) out += "*";
  out += std::string(cps.back());
  return out;
}

std::string MaskMiddle(absl::string_view value, size_t keep_head, size_t keep_tail) {
  auto cps = SplitCodePoints(value);
  if (cps.size() <= keep_head + keep_tail) return std::string(cps.size(), '*');
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (i < keep_head || i >= cps.size() - keep_tail) {
      out += std::string(cps[i]);
    } else {
      out += '*';
    }
  }
  return out;
}

std::string MaskNationalId(absl::string_view id) { return MaskMiddle(id, 4, 2); }
std::string MaskBankCard(absl::string_view card) { return MaskMiddle(card, 4, 4); }
std::string MaskPhone(absl::string_view phone) { return MaskMiddle(phone, 3, 4); }

}  // namespace zizhu
