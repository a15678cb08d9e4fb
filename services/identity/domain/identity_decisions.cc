#include "services/identity/domain/identity_decisions.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu::identity {
namespace {

es::NewEvent MakeEvent(const std::string& login, int64_t version, std::shared_ptr<const google::protobuf::Message> e) {
  return es::NewEvent{kAccountAggregate, AggregateId(login), AggregateVersion(version), std::move(e)};
}

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

absl::StatusOr<v1::AccountRecord> Existing(IdentityState& state, const std::string& login) {
  RETURN_IF_ERROR(ValidateLogin(login));
  ASSIGN_OR_RETURN(auto record, state.FindAccount(login));
  if (!record) {
    return Refusal(absl::StatusCode::kNotFound, "ACCOUNT_NOT_FOUND", {{"login", login}},
                   absl::StrCat("account '", login, "' does not exist"));
  }
  return *record;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

}  // namespace

auth::Role ToAuthRole(v1::Role role) {
  switch (role) {
    case v1::ROLE_CITY_ADMIN:
      return auth::Role::kCityAdmin;
    case v1::ROLE_COUNTY_OFFICER:
      return auth::Role::kCountyOfficer;
    case v1::ROLE_SCHOOL_OPERATOR:
      return auth::Role::kSchoolOperator;
    case v1::ROLE_REVIEWER:
      return auth::Role::kReviewer;
    case v1::ROLE_SERVICE:
      return auth::Role::kService;
    default:
      return auth::Role::kAuditor;
  }
}

v1::Role ToProtoRole(auth::Role role) {
  switch (role) {
    case auth::Role::kCityAdmin:
      return v1::ROLE_CITY_ADMIN;
    case auth::Role::kCountyOfficer:
      return v1::ROLE_COUNTY_OFFICER;
    case auth::Role::kSchoolOperator:
      return v1::ROLE_SCHOOL_OPERATOR;
    case auth::Role::kReviewer:
      return v1::ROLE_REVIEWER;
    case auth::Role::kAuditor:
      return v1::ROLE_AUDITOR;
    case auth::Role::kService:
      return v1::ROLE_SERVICE;
    case auth::Role::kAgency:
      return v1::ROLE_UNSPECIFIED;
  }
  return v1::ROLE_UNSPECIFIED;
}

absl::Status ValidateLogin(const std::string& login) {
  bool ok = login.size() >= 3 && login.size() <= 64;
  for (char c : login) {
    ok &= absl::ascii_islower(static_cast<unsigned char>(c)) || absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '_' || c == '-';
  }
  if (ok) return absl::OkStatus();
  return Refusal(
      absl::StatusCode::kInvalidArgument, "LOGIN_NAME_INVALID", {{"login", login.substr(0, 64)}},
      absl::StrCat("login '", login.substr(0, 64), "' must be 3-64 characters of a-z, 0-9, '.', '_' and '-'"));
}

absl::Status ValidateScope(v1::Role role, const std::string& scope) {
  bool ok = false;
  const char* want = "";
  switch (role) {
    case v1::ROLE_CITY_ADMIN:
      ok = scope.size() == 4 && AllDigits(scope);
      want = "a 4-digit city code";
      break;
    case v1::ROLE_COUNTY_OFFICER:
      ok = scope.size() == 6 && AllDigits(scope);
      want = "a 6-digit county code";
      break;
    case v1::ROLE_AUDITOR:
      ok = (scope.size() == 4 || scope.size() == 6) && AllDigits(scope);
      want = "a 4-digit city or 6-digit county code";
      break;
    case v1::ROLE_SCHOOL_OPERATOR:
    case v1::ROLE_REVIEWER: {
      ok = scope.size() >= 6 && scope.size() <= 20;
      for (char c : scope) ok &= absl::ascii_isalnum(static_cast<unsigned char>(c));
      want = "a school code (6-20 letters and digits)";
      break;
    }
    case v1::ROLE_SERVICE:
      ok = scope == "*";
      want = "\"*\"";
      break;
    default:
      return FieldInvalid("role", std::to_string(static_cast<int>(role)), "is not a valid role");
  }
  if (ok) return absl::OkStatus();
  return Refusal(absl::StatusCode::kInvalidArgument, "SCOPE_INVALID_FOR_ROLE",
                 {{"scope", scope.substr(0, 32)}, {"role", v1::Role_Name(role)}},
                 absl::StrCat("scope '", scope.substr(0, 32), "' of role ", v1::Role_Name(role), " must be ", want));
}

absl::Status ValidatePassword(const std::string& field, const std::string& password, const LoginPolicy& policy) {
  size_t chars = 0;
  for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
  if (chars < static_cast<size_t>(policy.min_password_chars) || password.size() > 256) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "PASSWORD_LENGTH",
        {{"min", std::to_string(policy.min_password_chars)}, {"got", std::to_string(chars)}},
        absl::StrCat(field, " must have ", policy.min_password_chars, " to 128 characters (got ", chars, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> DecideCreateAccount(IdentityState& state, const v1::CreateAccountRequest& request,
                                           const common::v1::SealedField& password_hash) {
  RETURN_IF_ERROR(ValidateLogin(request.login()));
  RETURN_IF_ERROR(ValidateScope(request.role(), request.scope()));
  if (request.display_name().size() > 100) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
        {{"field", "display_name"}, {"bytes", std::to_string(request.display_name().size())}, {"max", "100"}},
        "display_name must be at most 100 bytes");
  }
  if (password_hash.ciphertext().empty()) return FieldRequired("password");
  ASSIGN_OR_RETURN(auto existing, state.FindAccount(request.login()));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "ACCOUNT_EXISTS", {{"login", request.login()}},
                   absl::StrCat("account '", request.login(), "' already exists"));
  }
  auto event = std::make_shared<v1::AccountCreated>();
  event->set_login(request.login());
  event->set_display_name(request.display_name());
  event->set_role(request.role());
  event->set_scope(request.scope());
  *event->mutable_sealed_password_hash() = password_hash;
  return Events{MakeEvent(request.login(), 1, event)};
}

absl::StatusOr<Events> DecideChangeRole(IdentityState& state, const v1::ChangeRoleRequest& request) {
  ASSIGN_OR_RETURN(v1::AccountRecord record, Existing(state, request.login()));
  RETURN_IF_ERROR(ValidateScope(request.role(), request.scope()));
  auto event = std::make_shared<v1::AccountRoleChanged>();
  event->set_login(request.login());
  event->set_role(request.role());
  event->set_scope(request.scope());
  return Events{MakeEvent(request.login(), record.account().version() + 1, event)};
}

absl::StatusOr<Events> DecideLockAccount(IdentityState& state, const std::string& login, const std::string& reason) {
  ASSIGN_OR_RETURN(v1::AccountRecord record, Existing(state, login));
  if (reason.empty() || reason.size() > 200) {
    return Refusal(absl::StatusCode::kInvalidArgument, "LOCK_REASON_REQUIRED", {}, "reason must be 1-200 bytes");
  }
  if (record.account().locked()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ACCOUNT_ALREADY_LOCKED", {{"login", login}},
                   absl::StrCat("account '", login, "' is already locked"));
  }
  auto event = std::make_shared<v1::AccountLocked>();
  event->set_login(login);
  event->set_reason(reason);
  return Events{MakeEvent(login, record.account().version() + 1, event)};
}

absl::StatusOr<Events> DecideUnlockAccount(IdentityState& state, const std::string& login) {
  ASSIGN_OR_RETURN(v1::AccountRecord record, Existing(state, login));
  if (!record.account().locked()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ACCOUNT_NOT_LOCKED", {{"login", login}},
                   absl::StrCat("account '", login, "' is not locked"));
  }
  auto event = std::make_shared<v1::AccountUnlocked>();
  event->set_login(login);
  return Events{MakeEvent(login, record.account().version() + 1, event)};
}

absl::StatusOr<Events> DecideChangePassword(IdentityState& state, const std::string& login,
                                            const common::v1::SealedField& password_hash) {
  ASSIGN_OR_RETURN(v1::AccountRecord record, Existing(state, login));
  if (password_hash.ciphertext().empty()) return FieldRequired("new_password");
  auto event = std::make_shared<v1::PasswordChanged>();
  event->set_login(login);
  *event->mutable_sealed_password_hash() = password_hash;
  return Events{MakeEvent(login, record.account().version() + 1, event)};
}

absl::Time LoginBlockedUntil(const v1::AccountRecord& record) {
  if (!record.account().has_login_blocked_until()) return absl::InfinitePast();
  return FromProto(record.account().login_blocked_until());
}

absl::Duration LoginBlock(int failures, const LoginPolicy& policy) {
  if (failures < policy.max_failed_logins) return absl::ZeroDuration();
  absl::Duration block = policy.first_login_block;
  for (int n = policy.max_failed_logins; n < failures && block < policy.max_login_block; ++n) block *= 2;
  return std::min(block, policy.max_login_block);
}

absl::Status WrongLogin() { return Refusal(absl::StatusCode::kUnauthenticated, "LOGIN_WRONG", {}, kWrongLoginMessage); }

absl::StatusOr<Events> DecideRecordLogin(IdentityState& state, const std::string& login, bool password_ok,
                                         const std::string& token_id, absl::Time expires_at, absl::Time now,
                                         const LoginPolicy& policy) {
  ASSIGN_OR_RETURN(v1::AccountRecord record, Existing(state, login));
  // A locked or blocked account is told so only to whoever knows its
  // password; anyone else learns no more than from a wrong password, and
  // nothing is written (a stranger's guesses neither lock nor extend).
  if (record.account().locked()) {
    if (!password_ok) return WrongLogin();
    return Refusal(absl::StatusCode::kUnauthenticated, "ACCOUNT_LOCKED", {},
                   "this account is locked; ask an administrator to unlock it");
  }
  if (now < LoginBlockedUntil(record)) {
    if (!password_ok) return WrongLogin();
    const std::string until =
        absl::FormatTime("%Y-%m-%d %H:%M:%S", LoginBlockedUntil(record), absl::FixedTimeZone(8 * 3600));
    return Refusal(absl::StatusCode::kUnauthenticated, "LOGIN_BLOCKED", {{"until", until}},
                   absl::StrCat("too many failed logins: try again after ", until, ", Beijing time"));
  }
  int64_t version = record.account().version();
  if (password_ok) {
    auto event = std::make_shared<v1::LoginSucceeded>();
    event->set_login(login);
    event->set_token_id(token_id);
    *event->mutable_expires_at() = ToProto(expires_at);
    return Events{MakeEvent(login, version + 1, event)};
  }
  auto failed = std::make_shared<v1::LoginFailed>();
  failed->set_login(login);
  failed->set_failures(record.account().failed_logins() + 1);
  // From the threshold on, a temporary block that doubles with each further
  // failure up to the policy's longest; never a lock (a lock revokes the
  // account's sessions everywhere, and anyone can type a wrong password).
  const absl::Duration block = LoginBlock(failed->failures(), policy);
  if (block > absl::ZeroDuration()) *failed->mutable_blocked_until() = ToProto(now + block);
  return Events{MakeEvent(login, version + 1, failed)};
}

void Evolve(v1::AccountRecord& record, const v1::AccountCreated& e, absl::Time at) {
  v1::Account& a = *record.mutable_account();
  a.set_login(e.login());
  a.set_display_name(e.display_name());
  a.set_role(e.role());
  a.set_scope(e.scope());
  *a.mutable_created_at() = ToProto(at);
  record.set_password_hash(e.password_hash());
  *record.mutable_sealed_password_hash() = e.sealed_password_hash();
}

void Evolve(v1::AccountRecord& record, const v1::AccountRoleChanged& e, absl::Time) {
  record.mutable_account()->set_role(e.role());
  record.mutable_account()->set_scope(e.scope());
}

void Evolve(v1::AccountRecord& record, const v1::AccountLocked& e, absl::Time) {
  record.mutable_account()->set_locked(true);
  record.mutable_account()->set_locked_reason(e.reason());
}

void Evolve(v1::AccountRecord& record, const v1::AccountUnlocked&, absl::Time) {
  record.mutable_account()->set_locked(false);
  record.mutable_account()->clear_locked_reason();
  record.mutable_account()->set_failed_logins(0);
  record.mutable_account()->clear_login_blocked_until();
}

void Evolve(v1::AccountRecord& record, const v1::PasswordChanged& e, absl::Time) {
  record.set_password_hash(e.password_hash());
  *record.mutable_sealed_password_hash() = e.sealed_password_hash();
}

void Evolve(v1::AccountRecord& record, const v1::LoginSucceeded&, absl::Time at) {
  record.mutable_account()->set_failed_logins(0);
  record.mutable_account()->clear_login_blocked_until();
  *record.mutable_account()->mutable_last_login_at() = ToProto(at);
}

void Evolve(v1::AccountRecord& record, const v1::LoginFailed& e, absl::Time) {
  record.mutable_account()->set_failed_logins(e.failures());
  if (e.has_blocked_until()) *record.mutable_account()->mutable_login_blocked_until() = e.blocked_until();
}

}  // namespace zizhu::identity
