// Semesters ("2026-spring", "2026-autumn") and their calendar under a
// policy version: first day, last day, the application deadline, and the
// days an entitlement accrues. Pure.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "zizhu/registry/v1/types.pb.h"
#include "zizhu/subsidy/v1/policy.pb.h"

namespace zizhu::subsidy {

namespace v1 = zizhu::subsidy::v1;
using registry::v1::Date;

enum class Term { kSpring, kAutumn };

struct Semester {
  int year = 0;
  Term term = Term::kSpring;
  std::string id() const;  // "2026-spring"
};

// INVALID_ARGUMENT naming `field` and the value unless "YYYY-spring" or
// "YYYY-autumn" with 2000 <= YYYY <= 2100.
absl::StatusOr<Semester> ParseSemester(const std::string& field, const std::string& text);

struct SemesterCalendar {
  absl::CivilDay first_day;
  absl::CivilDay last_day;              // inclusive
  absl::CivilDay application_deadline;  // the last day of the application month
  int64_t days() const { return last_day - first_day + 1; }
};

// The semester's days under `policy`'s term calendar.
SemesterCalendar CalendarOf(const v1::Policy& policy, const Semester& semester);

absl::CivilDay ToCivil(const Date& date);
Date ToDate(absl::CivilDay day);
std::string FormatDate(const Date& date);  // 2026-02-28
// INVALID_ARGUMENT naming `field` unless a real calendar date.
absl::Status ValidateDate(const std::string& field, const Date& date);

}  // namespace zizhu::subsidy
