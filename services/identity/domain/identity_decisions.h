// Pure decisions of the identity service: operator accounts (created, role
// changed, locked, unlocked, password changed) and login outcomes. No I/O:
// password hashing happens before, in the app layer; state comes through
// IdentityState.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth/caller.h"
#include "services/common/es/new_event.h"
#include "zizhu/identity/v1/identity.pb.h"
#include "zizhu/identity/v1/identity_service.pb.h"

namespace zizhu::identity {

namespace v1 = zizhu::identity::v1;

inline constexpr char kAccountAggregate[] = "identity.Account";
using Events = std::vector<es::NewEvent>;

class IdentityState {
 public:
  virtual ~IdentityState() = default;
  virtual absl::StatusOr<std::optional<v1::AccountRecord>> FindAccount(const std::string& login) = 0;
};

// Policy data (flags of the service), not constants of the code.
struct LoginPolicy {
  // Failed logins in a row after which no password is tried for a while
  // (first_login_block, doubling with each further failure up to
  // max_login_block). Never a lock: a lock is an administrator's act.
  int max_failed_logins = 5;
  absl::Duration first_login_block = absl::Minutes(1);
  absl::Duration max_login_block = absl::Minutes(15);
  // Failed logins from one source address (any accounts) per minute before
  // that source is refused for the rest of the minute.
  int max_failed_logins_per_source = 30;
  // Peers (as gRPC names them: "ipv4:127.0.0.1", "ipv6:[::1]") whose
  // x-zizhu-client-address is believed: the gateway. Logins through any
  // other peer count against the peer itself.
  std::vector<std::string> trusted_proxies;
  absl::Duration token_ttl = absl::Hours(1);
  int min_password_chars = 12;
};

auth::Role ToAuthRole(v1::Role role);
// ROLE_UNSPECIFIED for roles accounts do not have (agency).
v1::Role ToProtoRole(auth::Role role);
// INVALID_ARGUMENT naming the field when `login` is not 3-64 of [a-z0-9._-].
absl::Status ValidateLogin(const std::string& login);
// The scope a role needs: a 4-digit city code (city admin), a 6-digit county
// code (county officer), a 4- or 6-digit code (auditor), a school code of
// 6-20 letters and digits (school roles), "*" (service).
absl::Status ValidateScope(v1::Role role, const std::string& scope);
absl::Status ValidatePassword(const std::string& field, const std::string& password, const LoginPolicy& policy);

// The message of a wrong login or password (also what a stranger is told of a
// locked or blocked account).
inline constexpr char kWrongLoginMessage[] = "login or password is wrong";
// The one answer to a wrong login name or password (reason LOGIN_WRONG): it
// never tells which of the two was wrong.
absl::Status WrongLogin();

// `password_hash`: the Argon2id hash sealed with the identity service's key.
absl::StatusOr<Events> DecideCreateAccount(IdentityState& state, const v1::CreateAccountRequest& request,
                                           const common::v1::SealedField& password_hash);
absl::StatusOr<Events> DecideChangeRole(IdentityState& state, const v1::ChangeRoleRequest& request);
absl::StatusOr<Events> DecideLockAccount(IdentityState& state, const std::string& login, const std::string& reason);
absl::StatusOr<Events> DecideUnlockAccount(IdentityState& state, const std::string& login);
absl::StatusOr<Events> DecideChangePassword(IdentityState& state, const std::string& login,
                                            const common::v1::SealedField& password_hash);
// A login attempt at `now` whose password was checked (`password_ok`). A
// failure is recorded, and from the policy's threshold blocks further
// attempts for a while; a locked or blocked account is refused whatever the
// password, and told why only when the password was right.
absl::StatusOr<Events> DecideRecordLogin(IdentityState& state, const std::string& login, bool password_ok,
                                         const std::string& token_id, absl::Time expires_at, absl::Time now,
                                         const LoginPolicy& policy);

// The account after one of its events (`at`: the event's time). The
// projection counts the version.
void Evolve(v1::AccountRecord& record, const v1::AccountCreated& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::AccountRoleChanged& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::AccountLocked& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::AccountUnlocked& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::PasswordChanged& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::LoginSucceeded& event, absl::Time at);
void Evolve(v1::AccountRecord& record, const v1::LoginFailed& event, absl::Time at);

}  // namespace zizhu::identity
