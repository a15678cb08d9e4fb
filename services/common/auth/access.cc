#include "services/common/auth/access.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zizhu::auth {

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead:
      return "read records";
    case Action::kWriteStudents:
      return "change students and households";
    case Action::kRegisterSchools:
      return "register schools";
    case Action::kRevealPersonalData:
      return "reveal personal data";
    case Action::kImportRosters:
      return "import agency rosters and run the cross-match";
    case Action::kReadMatchQueues:
      return "read the cross-match work queues";
    case Action::kPrepareAid:
      return "prepare the aid round (applications, notice, objections)";
    case Action::kReviewAid:
      return "review aid applications";
    case Action::kApproveAid:
      return "open and approve aid rounds";
    case Action::kDisburse:
      return "allocate funds and pay (bank batches and returns)";
    case Action::kKeepDropoutLedger:
      return "keep the dropout ledger";
    case Action::kManagePairing:
      return "manage school pairing";
    case Action::kSignOffReport:
      return "sign off a county's report (self-inspection)";
    case Action::kLockReport:
      return "re-inspect and lock a reporting period";
    case Action::kReadAudit:
      return "read the audit";
    case Action::kAdminister:
      return "administer the service";
  }
  return "?";
}

absl::Status Require(const Caller& caller, Action action) {
  bool allowed = false;
  switch (caller.role) {
    case Role::kService:
      allowed =
          action != Action::kRevealPersonalData && action != Action::kSignOffReport && action != Action::kLockReport;
      break;
    case Role::kCityAdmin:
      allowed = action != Action::kReadAudit;
      break;
    case Role::kCountyOfficer:
      allowed = action == Action::kRead || action == Action::kWriteStudents || action == Action::kRegisterSchools ||
                action == Action::kRevealPersonalData || action == Action::kReadMatchQueues ||
                action == Action::kPrepareAid || action == Action::kApproveAid || action == Action::kDisburse ||
                action == Action::kKeepDropoutLedger || action == Action::kManagePairing ||
                action == Action::kSignOffReport;
      break;
    case Role::kSchoolOperator:
      allowed = action == Action::kRead || action == Action::kWriteStudents || action == Action::kRevealPersonalData ||
                action == Action::kPrepareAid || action == Action::kKeepDropoutLedger;
      break;
    case Role::kReviewer:
      allowed = action == Action::kRead || action == Action::kReviewAid;
      break;
    case Role::kAuditor:
      allowed = action == Action::kRead || action == Action::kReadAudit;
      break;
    case Role::kAgency:
      allowed = action == Action::kImportRosters;
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("the role ", RoleName(caller.role), " may not ", ActionName(action)));
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

absl::Status RequireCityWide(const Caller& caller, Action action, absl::string_view city) {
  if (absl::Status allowed = Require(caller, action); !allowed.ok()) return allowed;
  if (caller.role == Role::kAgency || AdministersDeployment(caller, city)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only an administrator of city ", city, " may ", ActionName(action), " here"));
}

absl::Status OutOfScope(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " '", id, "' not found"));
}

}  // namespace zizhu::auth
