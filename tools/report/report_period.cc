#include "tools/report/report_period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/core/refusal.h"

namespace zizhu::report {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

const char* FormOf(ReportKind kind) {
  switch (kind) {
    case ReportKind::kMonthly:
      return "YYYY-MM, e.g. 2026-11";
    case ReportKind::kQuarterly:
      return "YYYY-Qn, e.g. 2026-Q4";
    case ReportKind::kHalfYear:
      return "YYYY-Hn, e.g. 2026-H2";
  }
  return "?";
}

int MonthsIn(ReportKind kind) {
  switch (kind) {
    case ReportKind::kMonthly:
      return 1;
    case ReportKind::kQuarterly:
      return 3;
    case ReportKind::kHalfYear:
      return 6;
  }
  return 1;
}

int PeriodsPerYear(ReportKind kind) { return 12 / MonthsIn(kind); }

}  // namespace

std::string KindName(ReportKind kind) {
  switch (kind) {
    case ReportKind::kMonthly:
      return "monthly";
    case ReportKind::kQuarterly:
      return "quarterly";
    case ReportKind::kHalfYear:
      return "half-year";
  }
  return "?";
}

absl::StatusOr<ReportKind> ParseKind(const std::string& text) {
  if (text == "monthly") return ReportKind::kMonthly;
  if (text == "quarterly") return ReportKind::kQuarterly;
  if (text == "half-year") return ReportKind::kHalfYear;
  return absl::InvalidArgumentError(
      absl::StrCat("report kind: '", text, "' is not one of monthly, quarterly, half-year"));
}

std::string Period::id() const {
  switch (kind) {
    case ReportKind::kMonthly:
      return absl::StrFormat("%04d-%02d", year, index);
    case ReportKind::kQuarterly:
      return absl::StrFormat("%04d-Q%d", year, index);
    case ReportKind::kHalfYear:
      return absl::StrFormat("%04d-H%d", year, index);
  }
  return "?";
}

absl::CivilDay Period::first_day() const { return absl::CivilDay(year, (index - 1) * MonthsIn(kind) + 1, 1); }

absl::CivilDay Period::last_day() const {
  const absl::CivilMonth next = absl::CivilMonth(year, index * MonthsIn(kind)) + 1;
  return absl::CivilDay(next) - 1;
}

Period Period::Previous() const {
  Period p = *this;
  if (--p.index == 0) {
    p.index = PeriodsPerYear(kind);
    --p.year;
  }
  return p;
}

std::string Period::semester() const {
  const absl::CivilDay last = last_day();
  if (last.month() == 1) return absl::StrCat(last.year() - 1, "-autumn");
  return absl::StrCat(last.year(), last.month() >= 8 ? "-autumn" : "-spring");
}

absl::StatusOr<Period> ParsePeriod(ReportKind kind, const std::string& text) {
  auto bad = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("period: '", text, "' is not a ", KindName(kind), " period (", FormOf(kind), ")"));
  };
  if (text.size() < 6 || text[4] != '-') return bad();
  Period p;
  p.kind = kind;
  if (!absl::SimpleAtoi(text.substr(0, 4), &p.year) || p.year < kMinYear || p.year > kMaxYear) return bad();
  std::string rest = text.substr(5);
  if (kind == ReportKind::kQuarterly || kind == ReportKind::kHalfYear) {
    const char letter = kind == ReportKind::kQuarterly ? 'Q' : 'H';
    if (rest.size() != 2 || (rest[0] != letter && rest[0] != letter + ('a' - 'A'))) return bad();
    rest = rest.substr(1);
  } else if (rest.size() != 2) {
    return bad();
  }
  if (!absl::SimpleAtoi(rest, &p.index) || p.index < 1 || p.index > PeriodsPerYear(kind)) return bad();
  return p;
}

absl::StatusOr<Period> ParseAnyPeriod(const std::string& text) {
  ReportKind kind = ReportKind::kMonthly;
  if (text.size() > 5 && (text[5] == 'Q' || text[5] == 'q')) kind = ReportKind::kQuarterly;
  if (text.size() > 5 && (text[5] == 'H' || text[5] == 'h')) kind = ReportKind::kHalfYear;
  return ParsePeriod(kind, text);
}

absl::Status CheckPeriodHasBegun(const Period& period, absl::CivilDay today) {
  if (period.first_day() <= today) return absl::OkStatus();
  const std::string first = absl::FormatCivilTime(period.first_day());
  const std::string now = absl::FormatCivilTime(today);
  return Refusal(absl::StatusCode::kInvalidArgument, "PERIOD_NOT_BEGUN",
                 {{"period", period.id()}, {"first", first}, {"today", now}},
                 absl::StrCat("period ", period.id(), " begins on ", first, "; today is ", now,
                              ": a report is made of a period that has begun"));
}

}  // namespace zizhu::report
