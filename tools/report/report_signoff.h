// Sign-off of a reporting period (pure): a county office's self-inspection
// (县级自查) of its figures, then the city's re-inspection (市级复查), which
// locks the period at a recorded point. A locked period's figures never
// change: its report is always made at the lock's point, and what arrives
// later for it is listed as revisions in the next period's report.
//
// Events (proto zizhu.report.v1, topic zizhu.report.events.v1), one
// aggregate per period; the job checks the caller's role and scope.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "zizhu/report/v1/signoff.pb.h"

namespace zizhu::report {

// The state after one event; `actor` and `day` (2026-12-03, China) come from
// its envelope.
void EvolveSignOff(v1::PeriodSignOff& state, const v1::CountySignedOff& event, const std::string& actor,
                   const std::string& day, int64_t version);
void EvolveSignOff(v1::PeriodSignOff& state, const v1::PeriodLocked& event, const std::string& actor,
                   const std::string& day, int64_t version);

// A county signs its figures (`figures_sha256`) read at `point`. Refused
// when the period is locked; a later sign-off before the lock replaces it.
absl::StatusOr<v1::CountySignedOff> DecideCountySignOff(const v1::PeriodSignOff& state, const std::string& period,
                                                        const std::string& county_code, const std::string& point,
                                                        const std::string& figures_sha256, const std::string& note);

// The city locks the period at `point`: every county with figures
// (`county_figures`: county -> the SHA-256 of its figures at `point`) must
// have signed off, and its figures must not have changed since. Refused,
// naming the counties, otherwise; refused when already locked.
absl::StatusOr<v1::PeriodLocked> DecideLock(const v1::PeriodSignOff& state, const std::string& period,
                                            const std::string& point, const std::string& city_figures_sha256,
                                            const std::map<std::string, std::string>& county_figures,
                                            const std::string& note);

// "open", "self-inspected by 2 of 3 counties", "locked on 2026-12-05 by city_admin:wang" ...
std::string DescribeSignOff(const v1::PeriodSignOff& state, bool chinese);

}  // namespace zizhu::report
