// The registry: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares). Published:
// the gateway tells the console which roles may do what from these.
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::registry {

// Register and change students and households.
inline constexpr auth::Action kWriteStudents{
    "change students and households",
    "登记和变更学生、家庭",
    {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kSchoolOperator, auth::Role::kService}};
// Register schools.
inline constexpr auth::Action kRegisterSchools{
    "register schools", "登记学校", {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kService}};
// Import agency rosters (city-wide files) and run the cross-match.
inline constexpr auth::Action kImportRosters{"import agency rosters and run the cross-match",
                                             "导入部门名单并比对",
                                             {auth::Role::kCityAdmin, auth::Role::kAgency, auth::Role::kService}};
// The cross-match work queues and counts, in scope.
inline constexpr auth::Action kReadMatchQueues{
    "read the cross-match work queues",
    "查阅比对工作清单",
    {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kService}};

}  // namespace zizhu::registry
