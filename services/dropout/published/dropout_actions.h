// The dropout ledger: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares). Published:
// the gateway tells the console which roles may do what from these.
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::dropout {

// Dropout cases, teams, visits, cross-off; left-behind cards (school, county).
inline constexpr auth::Action kKeepDropoutLedger{
    "keep the dropout ledger",
    "管理控辍台账",
    {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kSchoolOperator, auth::Role::kService}};

}  // namespace zizhu::dropout
