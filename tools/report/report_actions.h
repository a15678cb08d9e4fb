// The report jobs: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares).
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::report {

// A county's self-inspection (自查) of a period's report (people only).
inline constexpr auth::Action kSignOffReport{"sign off a county's report (self-inspection)",
                                             "县级自查签字",
                                             {auth::Role::kCityAdmin, auth::Role::kCountyOfficer}};
// The city's re-inspection (复查) that locks a period (people only).
inline constexpr auth::Action kLockReport{
    "re-inspect and lock a reporting period", "市级复查锁定报表期", {auth::Role::kCityAdmin}};

}  // namespace zizhu::report
