#include "services/identity/app/identity_app.h"

#include <sodium.h>

#include <algorithm>
#include <future>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/auth/tokens.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"

namespace zizhu::identity {
namespace {

// Associated data of a sealed password hash (a sealed phone number cannot
// pass for one).
constexpr char kPasswordHashContext[] = "password_hash";

absl::StatusOr<std::string> Argon2id(const std::string& password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash the password");
  }
  return std::string(hash);
}

bool HashMatches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace

IdentityApp::IdentityApp(es::Commands* commands, storage::ProjectionStore* store, const Clock* clock,
                         const auth::SecretKey* signing_key, const PersonalDataVault* password_vault,
                         LoginPolicy policy)
    : commands_(commands),
      store_(store),
      clock_(clock),
      signing_key_(signing_key),
      password_vault_(password_vault),
      policy_(policy),
      failures_by_source_(policy.max_failed_logins_per_source, absl::Minutes(1)) {
  if (sodium_init() < 0) std::abort();
  dummy_hash_ = Argon2id(NewPrefixedId("dummy")).value_or("");
}

bool IdentityApp::TrustsProxy(const std::string& peer) const {
  return std::find(policy_.trusted_proxies.begin(), policy_.trusted_proxies.end(), peer) !=
         policy_.trusted_proxies.end();
}

bool IdentityApp::PasswordMatches(const v1::AccountRecord& record, const std::string& password) const {
  if (!record.has_sealed_password_hash()) {
    // An account whose hash predates sealing (old events keep it in clear).
    return HashMatches(record.password_hash(), password);
  }
  absl::StatusOr<std::string> hash = password_vault_->Open(record.sealed_password_hash(), kPasswordHashContext);
  if (!hash.ok()) {
    std::cerr << "identity: the password hash of '" << record.account().login()
              << "' cannot be opened with this key: " << hash.status() << std::endl;
    (void)HashMatches(dummy_hash_, password);  // the same time as any other answer
    return false;
  }
  return HashMatches(*hash, password);
}

absl::StatusOr<v1::AccountRecord> IdentityApp::LoadAccount(const std::string& login) const {
  RETURN_IF_ERROR(ValidateLogin(login));
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::AccountRecord>(*store_, AccountKey(login)));
  if (!record) {
    return Refusal(absl::StatusCode::kNotFound, "ACCOUNT_NOT_FOUND", {{"login", login.substr(0, 64)}},
                   absl::StrCat("account '", login, "' does not exist"));
  }
  return *record;
}

absl::StatusOr<common::v1::SealedField> IdentityApp::HashPassword(const std::string& field,
                                                                  const std::string& password) const {
  RETURN_IF_ERROR(ValidatePassword(field, password, policy_));
  ASSIGN_OR_RETURN(std::string hash, Argon2id(password));
  return password_vault_->Seal(hash, kPasswordHashContext);
}

void IdentityApp::Login(const v1::LoginRequest& request, const std::string& source, Callback<v1::LoginResponse> done) {
  if (absl::Status admitted = failures_by_source_.Check(source, clock_->Now(), "failed logins from this address");
      !admitted.ok()) {
    return done(admitted);
  }
  absl::StatusOr<v1::AccountRecord> record = LoadAccount(request.login());
  if (!record.ok()) {
    (void)HashMatches(dummy_hash_, request.password());
    failures_by_source_.Record(source, clock_->Now());
    return done(WrongLogin());
  }
  const bool ok = PasswordMatches(*record, request.password());
  if (!ok) failures_by_source_.Record(source, clock_->Now());
  const std::string token_id = NewPrefixedId("tok");
  const absl::Time now = clock_->Now();
  const absl::Time expires = now + policy_.token_ttl;
  es::CommandMeta meta{absl::StrCat("login-", token_id), absl::StrCat("login:", request.login()), "", "", ""};
  const std::string login = request.login();
  const LoginPolicy policy = policy_;
  auto decide = [login, ok, token_id, expires, now, policy](storage::ProjectionBatch& view, absl::Time) {
    BatchIdentityState state(view);
    return DecideRecordLogin(state, login, ok, token_id, expires, now, policy);
  };
  if (!ok) {
    // The failure is recorded (its count, any block) without waiting for the
    // write: a wrong password for a known login is answered as soon as one
    // for an unknown login (probe finding 11: 92 against 83 ms told them apart).
    commands_->Run<v1::LoginResponse>(
        std::move(meta), decide,
        [](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::LoginResponse> { return WrongLogin(); },
        [](absl::StatusOr<v1::LoginResponse>) {});
    return done(WrongLogin());
  }
  commands_->Run<v1::LoginResponse>(
      std::move(meta), decide,
      [this, login, token_id, now, expires](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::LoginResponse> {
        ASSIGN_OR_RETURN(v1::AccountRecord account, LoadAccount(login));
        const auth::Caller caller{login, ToAuthRole(account.account().role()), account.account().scope(), token_id};
        v1::LoginResponse response;
        ASSIGN_OR_RETURN(*response.mutable_token(),
                         auth::IssueToken(*signing_key_, caller, now, policy_.token_ttl, token_id));
        *response.mutable_expires_at() =
            google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(expires));
        *response.mutable_account() = account.account();
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::WhoAmIResponse> IdentityApp::WhoAmI(const auth::Caller& caller, const v1::WhoAmIRequest&) const {
  v1::WhoAmIResponse response;
  response.set_login(caller.subject);
  response.set_role(ToProtoRole(caller.role));
  response.set_scope(caller.scope);
  return response;
}

absl::Status IdentityApp::CheckManages(const auth::Caller& caller, v1::Role role, const std::string& scope) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kAdminister));
  const bool city_level = role == v1::ROLE_CITY_ADMIN || role == v1::ROLE_COUNTY_OFFICER || role == v1::ROLE_AUDITOR;
  if (caller.role == auth::Role::kCityAdmin) {
    if (role == v1::ROLE_SERVICE || (city_level && scope.rfind(caller.scope, 0) != 0)) {
      return Refusal(
          absl::StatusCode::kPermissionDenied, "SCOPE_OUTSIDE_CITY",
          {{"scope", scope}, {"role", v1::Role_Name(role)}, {"city", caller.scope}},
          absl::StrCat("scope '", scope, "' of role ", v1::Role_Name(role), " is outside your city ", caller.scope));
    }
  }
  return absl::OkStatus();
}

absl::Status IdentityApp::CheckManagesAccount(const auth::Caller& caller, const std::string& login) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kAdminister));
  ASSIGN_OR_RETURN(v1::AccountRecord record, LoadAccount(login));
  return CheckManages(caller, record.account().role(), record.account().scope());
}

template <typename Response>
void IdentityApp::AccountCommand(const auth::Caller& caller, const google::protobuf::Message& request,
                                 const common::v1::CommandMeta& meta, const std::string& login, es::DecideFn decide,
                                 Callback<Response> done) {
  commands_->Run<Response>(
      es::FromCaller(caller, meta, request), std::move(decide),
      [this, login](const common::v1::CommandOutcome&) -> absl::StatusOr<Response> {
        Response response;
        ASSIGN_OR_RETURN(v1::AccountRecord record, LoadAccount(login));
        *response.mutable_account() = record.account();
        return response;
      },
      std::move(done));
}

void IdentityApp::CreateAccount(const auth::Caller& caller, const v1::CreateAccountRequest& request,
                                Callback<v1::CreateAccountResponse> done) {
  if (absl::Status allowed = CheckManages(caller, request.role(), request.scope()); !allowed.ok()) return done(allowed);
  absl::StatusOr<common::v1::SealedField> hash = HashPassword("password", request.password());
  if (!hash.ok()) return done(hash.status());
  // The password itself is not part of the command's fingerprint input
  // beyond this call: the request is fingerprinted without it.
  v1::CreateAccountRequest fingerprinted = request;
  fingerprinted.clear_password();
  AccountCommand<v1::CreateAccountResponse>(
      caller, fingerprinted, request.meta(), request.login(),
      [fingerprinted, hash = *hash](storage::ProjectionBatch& view, absl::Time) {
        BatchIdentityState state(view);
        return DecideCreateAccount(state, fingerprinted, hash);
      },
      std::move(done));
}

void IdentityApp::ChangeRole(const auth::Caller& caller, const v1::ChangeRoleRequest& request,
                             Callback<v1::ChangeRoleResponse> done) {
  if (absl::Status allowed = CheckManagesAccount(caller, request.login()); !allowed.ok()) return done(allowed);
  if (absl::Status allowed = CheckManages(caller, request.role(), request.scope()); !allowed.ok()) return done(allowed);
  AccountCommand<v1::ChangeRoleResponse>(
      caller, request, request.meta(), request.login(),
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchIdentityState state(view);
        return DecideChangeRole(state, request);
      },
      std::move(done));
}

void IdentityApp::LockAccount(const auth::Caller& caller, const v1::LockAccountRequest& request,
                              Callback<v1::LockAccountResponse> done) {
  if (absl::Status allowed = CheckManagesAccount(caller, request.login()); !allowed.ok()) return done(allowed);
  AccountCommand<v1::LockAccountResponse>(
      caller, request, request.meta(), request.login(),
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchIdentityState state(view);
        return DecideLockAccount(state, request.login(), request.reason());
      },
      std::move(done));
}

void IdentityApp::UnlockAccount(const auth::Caller& caller, const v1::UnlockAccountRequest& request,
                                Callback<v1::UnlockAccountResponse> done) {
  if (absl::Status allowed = CheckManagesAccount(caller, request.login()); !allowed.ok()) return done(allowed);
  AccountCommand<v1::UnlockAccountResponse>(
      caller, request, request.meta(), request.login(),
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchIdentityState state(view);
        return DecideUnlockAccount(state, request.login());
      },
      std::move(done));
}

void IdentityApp::ChangePassword(const auth::Caller& caller, const v1::ChangePasswordRequest& request,
                                 Callback<v1::ChangePasswordResponse> done) {
  absl::StatusOr<v1::AccountRecord> record = LoadAccount(caller.subject);
  if (!record.ok()) return done(record.status());
  if (!PasswordMatches(*record, request.old_password())) {
    return done(Refusal(absl::StatusCode::kPermissionDenied, "OLD_PASSWORD_WRONG", {}, "old_password is wrong"));
  }
  absl::StatusOr<common::v1::SealedField> hash = HashPassword("new_password", request.new_password());
  if (!hash.ok()) return done(hash.status());
  v1::ChangePasswordRequest fingerprinted;
  *fingerprinted.mutable_meta() = request.meta();
  AccountCommand<v1::ChangePasswordResponse>(
      caller, fingerprinted, request.meta(), caller.subject,
      [login = caller.subject, hash = *hash](storage::ProjectionBatch& view, absl::Time) {
        BatchIdentityState state(view);
        return DecideChangePassword(state, login, hash);
      },
      std::move(done));
}

absl::StatusOr<v1::GetAccountResponse> IdentityApp::GetAccount(const auth::Caller& caller,
                                                               const v1::GetAccountRequest& request) const {
  if (request.login() != caller.subject) RETURN_IF_ERROR(auth::Require(caller, auth::kAdminister));
  v1::GetAccountResponse response;
  ASSIGN_OR_RETURN(v1::AccountRecord record, LoadAccount(request.login()));
  *response.mutable_account() = record.account();
  return response;
}

absl::StatusOr<v1::ListAccountsResponse> IdentityApp::ListAccounts(const auth::Caller& caller,
                                                                   const v1::ListAccountsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kAdminister));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::ListAccountsResponse response;
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   storage::ScanPage(*store_, kAccountPrefix, request.page_token(), page_size,
                                     [&](const std::string& key, const std::string& value) -> absl::StatusOr<bool> {
                                       v1::AccountRecord record;
                                       if (!record.ParseFromString(value)) {
                                         return absl::DataLossError(absl::StrCat("row '", key, "' does not parse"));
                                       }
                                       *response.add_accounts() = record.account();
                                       return true;
                                     }));
  return response;
}

absl::Status IdentityApp::Bootstrap(const std::string& login, const std::string& city_code,
                                    const std::string& password) {
  if (LoadAccount(login).ok()) return absl::OkStatus();
  v1::CreateAccountRequest request;
  request.mutable_meta()->set_request_id(absl::StrCat("bootstrap-", login));
  request.set_login(login);
  request.set_display_name("市级管理员（初始账号）");  // the first city administrator
  request.set_role(v1::ROLE_CITY_ADMIN);
  request.set_scope(city_code);
  request.set_password(password);
  std::promise<absl::Status> outcome;
  const auth::Caller system{"bootstrap", auth::Role::kService, "*", ""};
  CreateAccount(system, request,
                [&outcome](absl::StatusOr<v1::CreateAccountResponse> created) { outcome.set_value(created.status()); });
  return outcome.get_future().get();
}

}  // namespace zizhu::identity
