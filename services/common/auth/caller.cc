#include "services/common/auth/caller.h"

#include "absl/strings/str_cat.h"

namespace zizhu::auth {
namespace {

struct RoleEntry {
  Role role;
  absl::string_view name;
};
constexpr RoleEntry kRoles[] = {
    {Role::kCityAdmin, "city_admin"},
    {Role::kCountyOfficer, "county_officer"},
    {Role::kSchoolOperator, "school_operator"},
    {Role::kReviewer, "reviewer"},
    {Role::kAuditor, "auditor"},
    {Role::kService, "service"},
    {Role::kAgency, "agency"},
};

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& e : kRoles) {
    if (e.role == role) return e.name;
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (const auto& e : kRoles) {
    if (e.name == name) return e.role;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "role '", name, "' is not one of city_admin, county_officer, school_operator, reviewer, auditor, service"));
}

std::string Caller::actor() const { return absl::StrCat(RoleName(role), ":", subject); }

}  // namespace zizhu::auth
