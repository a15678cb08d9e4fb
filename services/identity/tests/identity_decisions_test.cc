// Pure decisions of the identity service.
#include "services/identity/domain/identity_decisions.h"

#include <map>

#include "gtest/gtest.h"

namespace zizhu::identity {
namespace {

class MapState : public IdentityState {
 public:
  absl::StatusOr<std::optional<v1::AccountRecord>> FindAccount(const std::string& login) override {
    auto it = accounts.find(login);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  // Applies the events as the projection does.
  void Apply(const Events& events) {
    for (const auto& e : events) {
      v1::AccountRecord& r = accounts[std::string(e.aggregate_id.value())];
      const auto& m = *e.payload;
      if (auto* x = dynamic_cast<const v1::AccountCreated*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      if (auto* x = dynamic_cast<const v1::AccountLocked*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      if (auto* x = dynamic_cast<const v1::AccountUnlocked*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      if (auto* x = dynamic_cast<const v1::LoginFailed*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      if (auto* x = dynamic_cast<const v1::LoginSucceeded*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      if (auto* x = dynamic_cast<const v1::PasswordChanged*>(&m)) Evolve(r, *x, absl::UnixEpoch());
      r.mutable_account()->set_version(e.aggregate_version.value());
    }
  }
  std::map<std::string, v1::AccountRecord> accounts;
};

v1::CreateAccountRequest Create(const std::string& login, v1::Role role, const std::string& scope) {
  v1::CreateAccountRequest r;
  r.set_login(login);
  r.set_role(role);
  r.set_scope(scope);
  return r;
}

TEST(IdentityDecisionsTest, ScopesMustFitTheRole) {
  EXPECT_TRUE(ValidateScope(v1::ROLE_CITY_ADMIN, "2101").ok());
  EXPECT_FALSE(ValidateScope(v1::ROLE_CITY_ADMIN, "210102").ok());
  EXPECT_TRUE(ValidateScope(v1::ROLE_COUNTY_OFFICER, "210102").ok());
  EXPECT_TRUE(ValidateScope(v1::ROLE_SCHOOL_OPERATOR, "3121000001").ok());
  EXPECT_FALSE(ValidateScope(v1::ROLE_SCHOOL_OPERATOR, "3121/00").ok());
  EXPECT_TRUE(ValidateScope(v1::ROLE_SERVICE, "*").ok());
  EXPECT_FALSE(ValidateScope(v1::ROLE_UNSPECIFIED, "2101").ok());
  auto bad = ValidateScope(v1::ROLE_COUNTY_OFFICER, "21");
  EXPECT_EQ(bad.message(), "scope '21' of role ROLE_COUNTY_OFFICER must be a 6-digit county code");
  EXPECT_FALSE(ValidateLogin("Wang Li").ok());
  EXPECT_TRUE(ValidateLogin("wang.li").ok());
  LoginPolicy policy;
  EXPECT_FALSE(ValidatePassword("password", "short", policy).ok());
  EXPECT_TRUE(ValidatePassword("password", "十二个汉字的一个很长的密码", policy).ok());
}

common::v1::SealedField Sealed(const std::string& ciphertext) {
  common::v1::SealedField sealed;
  sealed.set_key_id("k1");
  sealed.set_ciphertext(ciphertext);
  return sealed;
}

TEST(IdentityDecisionsTest, CreateTwiceIsAlreadyExists) {
  MapState state;
  state.Apply(DecideCreateAccount(state, Create("wang.li", v1::ROLE_COUNTY_OFFICER, "210102"), Sealed("x")).value());
  EXPECT_EQ(state.accounts["wang.li"].account().role(), v1::ROLE_COUNTY_OFFICER);
  EXPECT_EQ(DecideCreateAccount(state, Create("wang.li", v1::ROLE_AUDITOR, "2101"), Sealed("y")).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(IdentityDecisionsTest, TheEventsCarryTheSealedHashNeverAClearOne) {
  MapState state;
  Events created =
      DecideCreateAccount(state, Create("wang.li", v1::ROLE_COUNTY_OFFICER, "210102"), Sealed("c1")).value();
  const auto& event = static_cast<const v1::AccountCreated&>(*created[0].payload);
  EXPECT_TRUE(event.password_hash().empty());
  EXPECT_EQ(event.sealed_password_hash().ciphertext(), "c1");
  state.Apply(created);
  Events changed = DecideChangePassword(state, "wang.li", Sealed("c2")).value();
  EXPECT_TRUE(static_cast<const v1::PasswordChanged&>(*changed[0].payload).password_hash().empty());
  state.Apply(changed);
  EXPECT_EQ(state.accounts["wang.li"].sealed_password_hash().ciphertext(), "c2");
  EXPECT_EQ(DecideChangePassword(state, "wang.li", {}).status().code(), absl::StatusCode::kInvalidArgument);
}

// Finding 8 of the probe: five anonymous wrong passwords locked any account
// (the only city administrator too) and revoked its sessions. Now failures
// block further attempts for a while, doubling, and lock nothing.
TEST(IdentityDecisionsTest, RepeatedFailuresBlockForAWhileAndNeverLock) {
  MapState state;
  state.Apply(DecideCreateAccount(state, Create("li.na", v1::ROLE_SCHOOL_OPERATOR, "3121000001"), Sealed("h")).value());
  LoginPolicy policy;
  policy.max_failed_logins = 3;
  policy.first_login_block = absl::Minutes(1);
  policy.max_login_block = absl::Minutes(3);
  absl::Time now = absl::FromUnixSeconds(1800000000);
  for (int i = 1; i <= 2; ++i) {
    Events events = DecideRecordLogin(state, "li.na", false, "", now, now, policy).value();
    ASSERT_EQ(events.size(), 1u);
    state.Apply(events);
    EXPECT_EQ(state.accounts["li.na"].account().failed_logins(), i);
    EXPECT_FALSE(state.accounts["li.na"].account().has_login_blocked_until());
  }
  Events third = DecideRecordLogin(state, "li.na", false, "", now, now, policy).value();
  ASSERT_EQ(third.size(), 1u);  // LoginFailed only: no AccountLocked (which revokes sessions)
  EXPECT_EQ(third[0].payload->GetTypeName(), "zizhu.identity.v1.LoginFailed");
  state.Apply(third);
  EXPECT_FALSE(state.accounts["li.na"].account().locked());
  // Blocked for a minute: a stranger's guess is a wrong password and writes
  // nothing; the owner (right password) is told when to come back.
  auto guess = DecideRecordLogin(state, "li.na", false, "", now, now + absl::Seconds(30), policy);
  EXPECT_EQ(guess.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(guess.status().message(), kWrongLoginMessage);
  auto owner = DecideRecordLogin(state, "li.na", true, "tok", now, now + absl::Seconds(30), policy);
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(owner.status().message().find("try again after"), std::string::npos) << owner.status();
  // After the block a further failure blocks twice as long, up to the cap.
  Events fourth = DecideRecordLogin(state, "li.na", false, "", now, now + absl::Minutes(1), policy).value();
  state.Apply(fourth);
  EXPECT_EQ(static_cast<const v1::LoginFailed&>(*fourth[0].payload).blocked_until().seconds(),
            absl::ToUnixSeconds(now + absl::Minutes(3)));
  Events fifth = DecideRecordLogin(state, "li.na", false, "", now, now + absl::Minutes(3), policy).value();
  EXPECT_EQ(static_cast<const v1::LoginFailed&>(*fifth[0].payload).blocked_until().seconds(),
            absl::ToUnixSeconds(now + absl::Minutes(6)));  // capped at 3 minutes
  state.Apply(fifth);
  // Once it lifts, the right password logs in and clears the count.
  Events ok = DecideRecordLogin(state, "li.na", true, "tok", now, now + absl::Minutes(6), policy).value();
  state.Apply(ok);
  EXPECT_EQ(state.accounts["li.na"].account().failed_logins(), 0);
  EXPECT_FALSE(state.accounts["li.na"].account().has_login_blocked_until());
}

// An administrator's lock: its reason is not told to whoever tries to log in.
TEST(IdentityDecisionsTest, ALockedAccountIsToldOnlyToItsOwnerWithoutTheReason) {
  MapState state;
  state.Apply(DecideCreateAccount(state, Create("li.na", v1::ROLE_SCHOOL_OPERATOR, "3121000001"), Sealed("h")).value());
  state.Apply(DecideLockAccount(state, "li.na", "涉嫌违规发放，停职调查").value());
  LoginPolicy policy;
  absl::Time now = absl::FromUnixSeconds(1800000000);
  auto stranger = DecideRecordLogin(state, "li.na", false, "", now, now, policy);
  EXPECT_EQ(stranger.status().message(), kWrongLoginMessage);
  auto owner = DecideRecordLogin(state, "li.na", true, "tok", now, now, policy);
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(owner.status().message().find("停职"), std::string::npos) << owner.status();
  state.Apply(DecideUnlockAccount(state, "li.na").value());
  EXPECT_TRUE(DecideRecordLogin(state, "li.na", true, "tok", now, now, policy).ok());
}

}  // namespace
}  // namespace zizhu::identity
