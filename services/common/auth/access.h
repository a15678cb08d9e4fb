// What a caller may do and see. Every service checks both, in its app layer:
// the role must allow the action (PERMISSION_DENIED otherwise), and the
// caller's org scope must cover what is touched (a record outside it is
// answered NOT_FOUND, so that its existence does not leak).
//
// Scopes follow the administrative codes: a city code ("2101") covers the
// counties whose code starts with it ("210102"); a county code covers its
// county; school roles cover their one school. Services cover everything.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/auth/caller.h"

namespace zizhu::auth {

// A set of roles (the roles allowed an action).
class Roles {
 public:
  constexpr Roles(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  constexpr bool Has(Role role) const { return (bits_ & Bit(role)) != 0; }

 private:
  static constexpr uint32_t Bit(Role role) { return 1u << static_cast<int>(role); }
  uint32_t bits_ = 0;
};

// Something a role may do: its name (how a refusal says it) and the roles
// allowed it. The kit declares only the actions every service shares,
// below; each service declares its own business actions beside its app layer
// (services/<name>/published/<name>_actions.h), so the kit does not list anyone's
// business.
struct Action {
  const char* name;  // English: "prepare the aid round" (logs, the fallback)
  const char* zh;    // Chinese: "开展资助评审"
  Roles roles;
};

// Read records (masked) in scope.
inline constexpr Action kRead{
    "read records",
    "查阅记录",
    {Role::kCityAdmin, Role::kCountyOfficer, Role::kSchoolOperator, Role::kReviewer, Role::kAuditor, Role::kService}};
// Read a national ID, bank card or phone in clear (audited); people only.
inline constexpr Action kRevealPersonalData{
    "reveal personal data", "查看个人信息明文", {Role::kCityAdmin, Role::kCountyOfficer, Role::kSchoolOperator}};
// The audit of personal-data reads and exports.
inline constexpr Action kReadAudit{"read the audit", "查阅审计记录", {Role::kAuditor, Role::kService}};
// Projection rebuilds, accounts, policy.
inline constexpr Action kAdminister{"administer the service", "管理系统", {Role::kCityAdmin, Role::kService}};

// "ROLE_CITY_ADMIN": a role as the identity service's proto names it.
std::string RoleEnumName(Role role);

// OK when `caller`'s role allows `action`; PERMISSION_DENIED with the reason
// ROLE_MAY_NOT otherwise.
absl::Status Require(const Caller& caller, const Action& action);

// A school's own roles (operator, reviewer): their scope is one school code.
bool IsSchoolRole(const Caller& caller);

// Whether the caller's scope covers a county, or a school in a county.
bool CoversCounty(const Caller& caller, absl::string_view county_code);
bool CoversSchool(const Caller& caller, absl::string_view county_code, absl::string_view school_code);

// Whether `caller` administers the deployment serving `city` (its city
// administrators and zizhu's services; any city administrator when `city` is
// empty, a development set-up): projection maintenance, city-wide imports,
// the cross-match over every county.
bool AdministersDeployment(const Caller& caller, absl::string_view city);
// Require(caller, action) for a city-wide action, plus AdministersDeployment.
absl::Status RequireCityWide(const Caller& caller, const Action& action, absl::string_view city);

// The NOT_FOUND answered for a record outside the caller's scope.
absl::Status OutOfScope(absl::string_view what, absl::string_view id);

}  // namespace zizhu::auth
