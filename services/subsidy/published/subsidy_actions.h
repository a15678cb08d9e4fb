// The subsidy: the actions of this service's business and the roles allowed each
// (the kit's auth/access.h declares only those every service shares). Published:
// the gateway tells the console which roles may do what from these.
#pragma once

#include "services/common/auth/access.h"

namespace zizhu::subsidy {

// The aid round at a school: applications, coverage reasons, notice, objections.
inline constexpr auth::Action kPrepareAid{
    "prepare the aid round (applications, notice, objections)",
    "开展资助评审（申请、公示、异议）",
    {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kSchoolOperator, auth::Role::kService}};
// Review aid applications (the school's working group).
inline constexpr auth::Action kReviewAid{
    "review aid applications", "评审资助申请", {auth::Role::kCityAdmin, auth::Role::kReviewer, auth::Role::kService}};
// Open a school's round with its quota, approve it (education bureau).
inline constexpr auth::Action kApproveAid{"open and approve aid rounds",
                                          "开启和批复资助评审",
                                          {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kService}};

}  // namespace zizhu::subsidy
