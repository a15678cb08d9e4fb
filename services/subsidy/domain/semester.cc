#include "services/subsidy/domain/semester.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/core/refusal.h"

namespace zizhu::subsidy {

std::string Semester::id() const { return absl::StrCat(year, term == Term::kSpring ? "-spring" : "-autumn"); }

absl::StatusOr<Semester> ParseSemester(const std::string& field, const std::string& text) {
  Semester semester;
  const size_t dash = text.find('-');
  const std::string term = dash == std::string::npos ? "" : text.substr(dash + 1);
  bool ok = dash == 4 && absl::SimpleAtoi(text.substr(0, 4), &semester.year) && semester.year >= 2000 &&
            semester.year <= 2100 && (term == "spring" || term == "autumn");
  if (!ok) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "SEMESTER_INVALID", {{"field", field}, {"value", text.substr(0, 40)}},
        absl::StrCat(field, " '", text.substr(0, 40), "' must be YEAR-spring or YEAR-autumn, e.g. 2026-spring"));
  }
  semester.term = term == "spring" ? Term::kSpring : Term::kAutumn;
  return semester;
}

SemesterCalendar CalendarOf(const v1::Policy& policy, const Semester& semester) {
  const v1::TermCalendar& term = semester.term == Term::kSpring ? policy.spring() : policy.autumn();
  SemesterCalendar calendar;
  calendar.first_day = absl::CivilDay(semester.year, term.first_month(), 1);
  // The day before the first day `months` months later.
  calendar.last_day = absl::CivilDay(absl::CivilMonth(calendar.first_day) + term.months()) - 1;
  absl::CivilMonth application(semester.year, term.application_month());
  if (application < absl::CivilMonth(calendar.first_day)) application += 12;
  calendar.application_deadline = absl::CivilDay(application + 1) - 1;
  return calendar;
}

absl::CivilDay ToCivil(const Date& date) { return absl::CivilDay(date.year(), date.month(), date.day()); }

Date ToDate(absl::CivilDay day) {
  Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string FormatDate(const Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::Status ValidateDate(const std::string& field, const Date& date) {
  const absl::CivilDay day = ToCivil(date);
  if (date.year() < 1900 || date.year() > 2200 || day.year() != date.year() || day.month() != date.month() ||
      day.day() != date.day()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_INVALID", {{"field", field}, {"date", FormatDate(date)}},
                   absl::StrCat(field, " ", FormatDate(date), " is not a calendar date"));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::subsidy
