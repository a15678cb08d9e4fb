// The pairing: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares). Published:
// the gateway tells the console which roles may do what from these.
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::pairing {

// School pairs, activities, plans, teacher rotation (county, city).
inline constexpr auth::Action kManagePairing{
    "manage school pairing",
    "管理结对帮扶",
    {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kService}};

}  // namespace zizhu::pairing
