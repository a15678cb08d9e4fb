// Caller: who is calling, as verified from a token — never from a request
// field. Roles and org scopes are those of domain.md: the city education
// bureau, county offices, schools (their operators and working-group
// reviewers), auditors; plus agency systems and zizhu's own services.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zizhu::auth {

enum class Role {
  kCityAdmin,       // city education bureau: everything in the city
  kCountyOfficer,   // a county office: its county
  kSchoolOperator,  // a school's aid office: its school
  kReviewer,        // a working-group member: reads its school, reviews applications
  kAuditor,         // read-only; reads the audit of personal-data reads
  kService,         // a zizhu service or batch job (report jobs, benches)
  kAgency,          // another agency's system, by its key: its own roster only
};

absl::string_view RoleName(Role role);  // "city_admin", ...
absl::StatusOr<Role> ParseRole(absl::string_view name);

struct Caller {
  std::string subject;  // account login, e.g. "wang.li"
  Role role = Role::kAuditor;
  // Org code the caller acts for: a city code ("2101") for city roles, a
  // county code ("210102"), or a school code; "*" for services.
  std::string scope;
  std::string token_id;
  absl::Time expires_at = absl::InfiniteFuture();
  absl::Time issued_at = absl::InfinitePast();

  // The actor written on events: "<role>:<subject>".
  std::string actor() const;
  // The org scope written on events.
  const std::string& org_scope() const { return scope; }
};

}  // namespace zizhu::auth
