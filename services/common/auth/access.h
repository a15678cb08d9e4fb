// What a caller may do and see. Every service checks both, in its app layer:
// the role must allow the action (PERMISSION_DENIED otherwise), and the
// caller's org scope must cover what is touched (a record outside it is
// answered NOT_FOUND, so that its existence does not leak).
//
// Scopes follow the administrative codes: a city code ("2101") covers the
// counties whose code starts with it ("210102"); a county code covers its
// county; school roles cover their one school. Services cover everything.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/auth/caller.h"

namespace zizhu::auth {

enum class Action {
  kRead,                // read records (masked) in scope
  kWriteStudents,       // register and change students and households
  kRegisterSchools,     // register schools
  kRevealPersonalData,  // read a national ID, bank card or phone in clear (audited)
  kImportRosters,       // import agency rosters (city-wide files) and run the cross-match
  kReadMatchQueues,     // the cross-match work queues and counts, in scope
  kPrepareAid,          // aid round at a school: applications, coverage reasons, notice, objections
  kReviewAid,           // review aid applications (the school's working group)
  kApproveAid,          // open a school's round with its quota, approve it (education bureau)
  kDisburse,            // allocate funds, build and export bank batches, record returns (county)
  kKeepDropoutLedger,   // dropout cases, teams, visits, cross-off; left-behind cards (school, county)
  kManagePairing,       // school pairs, activities, plans, teacher rotation (county, city)
  kSignOffReport,       // a county's self-inspection (自查) of a period's report (people only)
  kLockReport,          // the city's re-inspection (复查) that locks a period (people only)
  kReadAudit,           // the audit of personal-data reads
  kAdminister,          // projection rebuilds, accounts
};

absl::string_view ActionName(Action action);

// OK when `caller`'s role allows `action`.
absl::Status Require(const Caller& caller, Action action);

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
absl::Status RequireCityWide(const Caller& caller, Action action, absl::string_view city);

// The NOT_FOUND answered for a record outside the caller's scope.
absl::Status OutOfScope(absl::string_view what, absl::string_view id);

}  // namespace zizhu::auth
