// Civil dates of the deployment's calendar: offices work on China Standard
// Time (UTC+8, no daylight saving), so "today" and every deadline are civil
// days in that zone, whatever the machine's time zone.
#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace zizhu {

inline absl::TimeZone ChinaTimeZone() { return absl::FixedTimeZone(8 * 3600); }

// The civil day in China at `at`.
inline absl::CivilDay CivilDayInChina(absl::Time at) { return absl::ToCivilDay(at, ChinaTimeZone()); }

// The first instant of `day` in China.
inline absl::Time StartOfDayInChina(absl::CivilDay day) { return absl::FromCivil(day, ChinaTimeZone()); }

}  // namespace zizhu
