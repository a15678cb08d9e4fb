// The disbursement: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares). Published:
// the gateway tells the console which roles may do what from these.
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::disbursement {

// Allocate funds, build and export bank batches, record returns (county).
inline constexpr auth::Action kDisburse{"allocate funds and pay (bank batches and returns)",
                                        "拨付资金和发放（银行批次与回盘）",
                                        {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kService}};

}  // namespace zizhu::disbursement
