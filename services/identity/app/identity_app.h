// IdentityApp: operator accounts and login. Passwords are hashed and checked
// with Argon2id (libsodium crypto_pwhash_str) on the caller's thread, never on
// the single writer; the writer only records the outcome (LoginSucceeded,
// LoginFailed, and AccountLocked at the policy's limit). A successful login
// answers a PASETO v4.public token signed with the service's Ed25519 key.
//
// Access: Login needs no token; WhoAmI and ChangePassword act on the
// caller's own account; managing accounts needs auth::kAdminister
// (city administrator or service), and a city administrator creates
// city, county and auditor accounts only inside its city.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <string>

#include "services/common/auth/access.h"
#include "services/common/auth/paseto.h"
#include "services/common/core/clock.h"
#include "services/common/core/rate_limiter.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/commands.h"
#include "services/identity/app/identity_projection.h"

namespace zizhu::identity {

class IdentityApp {
 public:
  // `password_vault` seals the password hashes that go into events (the
  // identity service's own key, never shared); outlives the app.
  IdentityApp(es::Commands* commands, storage::ProjectionStore* store, const Clock* clock,
              const auth::SecretKey* signing_key, const PersonalDataVault* password_vault, LoginPolicy policy);

  // `source`: where the attempt comes from (the peer's address); failed
  // logins are limited per source as well as per account.
  void Login(const v1::LoginRequest& request, const std::string& source, Callback<v1::LoginResponse> done);
  // Whether `peer` ("ipv4:127.0.0.1") is a proxy whose forwarded client
  // address is believed (LoginPolicy::trusted_proxies).
  bool TrustsProxy(const std::string& peer) const;
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI(const auth::Caller& caller, const v1::WhoAmIRequest& request) const;
  void CreateAccount(const auth::Caller& caller, const v1::CreateAccountRequest& request,
                     Callback<v1::CreateAccountResponse> done);
  void ChangeRole(const auth::Caller& caller, const v1::ChangeRoleRequest& request,
                  Callback<v1::ChangeRoleResponse> done);
  void LockAccount(const auth::Caller& caller, const v1::LockAccountRequest& request,
                   Callback<v1::LockAccountResponse> done);
  void UnlockAccount(const auth::Caller& caller, const v1::UnlockAccountRequest& request,
                     Callback<v1::UnlockAccountResponse> done);
  void ChangePassword(const auth::Caller& caller, const v1::ChangePasswordRequest& request,
                      Callback<v1::ChangePasswordResponse> done);
  absl::StatusOr<v1::GetAccountResponse> GetAccount(const auth::Caller& caller,
                                                    const v1::GetAccountRequest& request) const;
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const auth::Caller& caller,
                                                        const v1::ListAccountsRequest& request) const;

  // Creates the first city administrator when no account of that login
  // exists (first start of a deployment); waits for the outcome.
  absl::Status Bootstrap(const std::string& login, const std::string& city_code, const std::string& password);

 private:
  absl::StatusOr<v1::AccountRecord> LoadAccount(const std::string& login) const;
  // Argon2id hash of a new password (after the policy check), sealed.
  absl::StatusOr<common::v1::SealedField> HashPassword(const std::string& field, const std::string& password) const;
  // Whether `password` is the account's (its sealed hash, or an old clear one).
  bool PasswordMatches(const v1::AccountRecord& record, const std::string& password) const;
  // kAdminister, and the target scope inside the caller's (city roles).
  absl::Status CheckManages(const auth::Caller& caller, v1::Role role, const std::string& scope) const;
  // CheckManages for an existing account as it is now.
  absl::Status CheckManagesAccount(const auth::Caller& caller, const std::string& login) const;
  template <typename Response>
  void AccountCommand(const auth::Caller& caller, const google::protobuf::Message& request,
                      const common::v1::CommandMeta& meta, const std::string& login, es::DecideFn decide,
                      Callback<Response> done);

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const Clock* clock_;
  const auth::SecretKey* signing_key_;
  const PersonalDataVault* password_vault_;
  LoginPolicy policy_;
  // Failed logins per source address (in memory: a restart forgets them).
  RateLimiter failures_by_source_;
  std::string dummy_hash_;  // checked for unknown logins, so that timing does not tell
};

}  // namespace zizhu::identity
