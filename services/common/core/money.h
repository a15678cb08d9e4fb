// Money as an integer number of fen (分, 1/100 yuan). Never floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"

namespace zizhu {

class Fen {
 public:
  constexpr Fen() = default;
  static constexpr Fen FromFen(int64_t fen) { return Fen(fen); }
  // Whole yuan; the caller guarantees no overflow (|yuan| < 9e16).
  static constexpr Fen FromYuan(int64_t yuan) { return Fen(yuan * 100); }
  // Parses "1234", "1234.5", "1234.56", "-3.00" (yuan) exactly; rejects more
  // than two decimals, exponents and anything that is not a plain number.
  static absl::StatusOr<Fen> ParseYuan(const std::string& text);
  // An amount as an office types it into a form: ParseYuan after taking off
  // spaces, a leading ¥ or ￥, a trailing 元 and thousands separators ("20,000",
  // "20，000.50"; every group after the first has three digits). Not for files,
  // whose cells ParseYuan reads as they are.
  static absl::StatusOr<Fen> ParseTypedYuan(const std::string& text);

  constexpr int64_t fen() const { return fen_; }
  // "1234.50"
  std::string ToYuanString() const;

  // Checked arithmetic: nullopt on overflow.
  std::optional<Fen> CheckedAdd(Fen other) const;
  std::optional<Fen> CheckedSub(Fen other) const;
  std::optional<Fen> CheckedMul(int64_t factor) const;
  // Splits into `parts` amounts that add up exactly; earlier parts get the
  // remainder fen (e.g. 1001 fen / 2 = 501 + 500). `parts` must be > 0.
  Fen PartOfSplit(int64_t parts, int64_t index) const;

  friend constexpr bool operator==(Fen a, Fen b) { return a.fen_ == b.fen_; }
  friend constexpr bool operator!=(Fen a, Fen b) { return a.fen_ != b.fen_; }
  friend constexpr bool operator<(Fen a, Fen b) { return a.fen_ < b.fen_; }
  friend std::ostream& operator<<(std::ostream& os, Fen f) { return os << f.ToYuanString(); }

 private:
  constexpr explicit Fen(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

}  // namespace zizhu
