#include "services/common/core/money.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/core/refusal.h"

namespace zizhu {

absl::StatusOr<Fen> Fen::ParseYuan(const std::string& text) {
  auto bad = [&](const char* why) {
    return Refusal(absl::StatusCode::kInvalidArgument, "AMOUNT_NOT_YUAN", {{"value", text.substr(0, 40)}},
                   absl::StrCat("amount '", text, "' is not a yuan amount: ", why));
  };
  if (text.empty()) return bad("empty");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  int64_t yuan = 0;
  size_t int_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return bad("unexpected character");
    if (yuan > (std::numeric_limits<int64_t>::max() / 100 - 9) / 10) return bad("too large");
    yuan = yuan * 10 + (c - '0');
    ++int_digits;
  }
  if (int_digits == 0) return bad("no digits before the decimal point");
  int64_t cents = 0;
  if (i < text.size()) {
    ++i;  // '.'
    size_t decimals = text.size() - i;
    if (decimals == 0 || decimals > 2) return bad("one or two decimals expected");
    for (size_t d = 0; d < decimals; ++d) {
      char c = text[i + d];
      if (c < '0' || c > '9') return bad("unexpected character");
      cents = cents * 10 + (c - '0');
    }
    if (decimals == 1) cents *= 10;
  }
  int64_t fen = yuan * 100 + cents;
  return Fen(negative ? -fen : fen);
}

absl::StatusOr<Fen> Fen::ParseTypedYuan(const std::string& text) {
  std::string s(absl::StripAsciiWhitespace(text));
  for (const char* sign : {"\xC2\xA5", "\xEF\xBF\xA5"}) {  // ¥ ￥
    if (absl::StartsWith(s, sign)) s = std::string(absl::StripAsciiWhitespace(s.substr(std::strlen(sign))));
  }
  if (absl::EndsWith(s, "\xE5\x85\x83")) {  // 元
    s = std::string(absl::StripAsciiWhitespace(s.substr(0, s.size() - 3)));
  }
  s = absl::StrReplaceAll(s, {{"\xEF\xBC\x8C", ","}});  // ，
  if (s.find(',') != std::string::npos) {
    const size_t point = s.find('.');
    const std::string whole = s.substr(0, point);
    std::vector<std::string> groups = absl::StrSplit(whole, ',');
    const bool grouped =
        !groups.front().empty() && groups.front().size() <= 3 &&
        std::all_of(groups.begin() + 1, groups.end(), [](const std::string& g) { return g.size() == 3; });
    if (!grouped) {
      return Refusal(absl::StatusCode::kInvalidArgument, "AMOUNT_NOT_YUAN", {{"value", text.substr(0, 40)}},
                     absl::StrCat("amount '", text, "' is not a yuan amount: thousands separators every three digits"));
    }
    s = absl::StrCat(absl::StrJoin(groups, ""), point == std::string::npos ? "" : s.substr(point));
  }
  absl::StatusOr<Fen> fen = ParseYuan(s);
  if (!fen.ok()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "AMOUNT_NOT_YUAN", {{"value", text.substr(0, 40)}},
                   absl::StrCat("amount '", text, "' is not a yuan amount"));
  }
  return fen;
}

std::string Fen::ToYuanString() const {
  // Careful with INT64_MIN: work on the unsigned magnitude.
  uint64_t magnitude = fen_ < 0 ? (~static_cast<uint64_t>(fen_) + 1) : static_cast<uint64_t>(fen_);
  return absl::StrFormat("%s%d.%02d", fen_ < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

std::optional<Fen> Fen::CheckedAdd(Fen other) const {
  int64_t out;
  if (__builtin_add_overflow(fen_, other.fen_, &out)) return std::nullopt;
  return Fen(out);
}

std::optional<Fen> Fen::CheckedSub(Fen other) const {
  int64_t out;
  if (__builtin_sub_overflow(fen_, other.fen_, &out)) return std::nullopt;
  return Fen(out);
}

std::optional<Fen> Fen::CheckedMul(int64_t factor) const {
  int64_t out;
  if (__builtin_mul_overflow(fen_, factor, &out)) return std::nullopt;
  return Fen(out);
}

Fen Fen::PartOfSplit(int64_t parts, int64_t index) const {
  int64_t base = fen_ / parts;
  int64_t remainder = fen_ % parts;  // same sign as fen_
  int64_t extra = 0;
  if (remainder > 0 && index < remainder) extra = 1;
  if (remainder < 0 && index < -remainder) extra = -1;
  return Fen(base + extra);
}

}  // namespace zizhu
