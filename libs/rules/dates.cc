#include "libs/rules/dates.h"

#include "absl/strings/str_format.h"
#include "services/common/core/civil_date.h"

namespace zizhu::rules {

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

bool IsValidDate(const v1::Date& date) { return IsValidDate(date.year(), date.month(), date.day()); }

std::string FormatDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

int CompareDates(const v1::Date& a, const v1::Date& b) {
  if (a.year() != b.year()) return a.year() < b.year() ? -1 : 1;
  if (a.month() != b.month()) return a.month() < b.month() ? -1 : 1;
  if (a.day() != b.day()) return a.day() < b.day() ? -1 : 1;
  return 0;
}

v1::Date DateInChina(absl::Time at) {
  const absl::CivilDay day = CivilDayInChina(at);
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

v1::Date DateInChina(const google::protobuf::Timestamp& at) { return DateInChina(absl::FromUnixSeconds(at.seconds())); }

}  // namespace zizhu::rules
