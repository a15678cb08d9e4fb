#include "services/common/auth/access.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"

namespace zizhu::auth {

std::string RoleEnumName(Role role) { return absl::StrCat("ROLE_", absl::AsciiStrToUpper(RoleName(role))); }

absl::Status Require(const Caller& caller, const Action& action) {
  if (action.roles.Has(caller.role)) return absl::OkStatus();
  return Refusal(absl::StatusCode::kPermissionDenied, "ROLE_MAY_NOT",
                 {{"role", RoleEnumName(caller.role)}, {"action_zh", action.zh}, {"action_en", action.name}},
                 absl::StrCat("the role ", RoleName(caller.role), " may not ", action.name));
}

bool CoversCounty(const Caller& caller, absl::string_view county_code) {
  switch (caller.role) {
    case Role::kService:
      return true;
    case Role::kCityAdmin:
    case Role::kCountyOfficer:
    case Role::kAuditor:
      return !county_code.empty() && absl::StartsWith(county_code, caller.scope);
    case Role::kSchoolOperator:
    case Role::kReviewer:
    case Role::kAgency:
      return false;
  }
  return false;
}

bool IsSchoolRole(const Caller& caller) {
  return caller.role == Role::kSchoolOperator || caller.role == Role::kReviewer;
}

bool CoversSchool(const Caller& caller, absl::string_view county_code, absl::string_view school_code) {
  if (IsSchoolRole(caller)) {
    return !school_code.empty() && school_code == caller.scope;
  }
  return CoversCounty(caller, county_code);
}

bool AdministersDeployment(const Caller& caller, absl::string_view city) {
  if (caller.role == Role::kService) return true;
  return caller.role == Role::kCityAdmin && (city.empty() || caller.scope == city);
}

absl::Status RequireCityWide(const Caller& caller, const Action& action, absl::string_view city) {
  if (absl::Status allowed = Require(caller, action); !allowed.ok()) return allowed;
  if (caller.role == Role::kAgency || AdministersDeployment(caller, city)) return absl::OkStatus();
  return Refusal(absl::StatusCode::kPermissionDenied, "CITY_ADMINISTRATOR_ONLY",
                 {{"city", std::string(city)}, {"action_zh", action.zh}, {"action_en", action.name}},
                 absl::StrCat("only an administrator of city ", city, " may ", action.name, " here"));
}

absl::Status OutOfScope(absl::string_view what, absl::string_view id) {
  return Refusal(absl::StatusCode::kNotFound, "NOT_FOUND_IN_SCOPE",
                 {{"what", std::string(what)}, {"id", std::string(id)}}, absl::StrCat(what, " '", id, "' not found"));
}

}  // namespace zizhu::auth
