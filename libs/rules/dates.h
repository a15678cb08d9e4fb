// Dates as every part reads them: the proto's Date (year, month, day) is
// set when any field is (all zero means "not given"); whether a set date is a
// real calendar day, its text form, its order, and the civil date in China of
// a moment.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::rules {

namespace v1 = ::zizhu::registry::v1;

inline v1::Date DateOf(int year, int month, int day) {
  v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

inline bool IsSet(const v1::Date& date) { return date.year() != 0 || date.month() != 0 || date.day() != 0; }

bool IsValidDate(int year, int month, int day);
bool IsValidDate(const v1::Date& date);
// "2010-03-07"
std::string FormatDate(const v1::Date& date);
// Negative, zero or positive like strcmp.
int CompareDates(const v1::Date& a, const v1::Date& b);

// The civil date in China (UTC+8) of a moment, and of an event's time.
v1::Date DateInChina(absl::Time at);
v1::Date DateInChina(const google::protobuf::Timestamp& at);

}  // namespace zizhu::rules
