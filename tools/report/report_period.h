// Reporting periods (pure): the monthly dispatch (月调度, "2026-11"), the
// quarterly summary (季汇总, "2026-Q4") and the half-year bulletin (半年通报,
// "2026-H2"); their first and last civil day (China), the period before, and
// the semester whose aid round the period reports on.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace zizhu::report {

enum class ReportKind { kMonthly, kQuarterly, kHalfYear };

// "monthly", "quarterly", "half-year".
std::string KindName(ReportKind kind);
absl::StatusOr<ReportKind> ParseKind(const std::string& text);

struct Period {
  ReportKind kind = ReportKind::kMonthly;
  int year = 0;
  int index = 0;  // month 1-12, quarter 1-4, half 1-2

  std::string id() const;  // "2026-11", "2026-Q4", "2026-H2"
  absl::CivilDay first_day() const;
  absl::CivilDay last_day() const;  // inclusive
  Period Previous() const;
  // The semester holding the last day: Feb 1 - Jul 31 is "<year>-spring",
  // Aug 1 - Jan 31 is "<year>-autumn" (January: the year before).
  std::string semester() const;
};

// The period of `kind` written as `text`; INVALID_ARGUMENT names the value
// and the form expected ("2026-11" for monthly ...).
absl::StatusOr<Period> ParsePeriod(ReportKind kind, const std::string& text);
// A period of any kind, told by its form.
absl::StatusOr<Period> ParseAnyPeriod(const std::string& text);
// A report is made of a period that has begun: INVALID_ARGUMENT (reason
// PERIOD_NOT_BEGUN) for one that starts after `today` (China's date).
absl::Status CheckPeriodHasBegun(const Period& period, absl::CivilDay today);

}  // namespace zizhu::report
