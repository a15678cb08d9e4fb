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

TEST(IdentityDecisionsTest, CreateTwiceIsAlreadyExists) {
  MapState state;
  state.Apply(DecideCreateAccount(state, Create("wang.li", v1::ROLE_COUNTY_OFFICER, "210102"), "$argon2id$x").value());
  EXPECT_EQ(state.accounts["wang.li"].account().role(), v1::ROLE_COUNTY_OFFICER);
  EXPECT_EQ(DecideCreateAccount(state, Create("wang.li", v1::ROLE_AUDITOR, "2101"), "$argon2id$y").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(IdentityDecisionsTest, RepeatedFailuresLockAndALockedAccountCannotLogIn) {
  MapState state;
  state.Apply(DecideCreateAccount(state, Create("li.na", v1::ROLE_SCHOOL_OPERATOR, "3121000001"), "h").value());
  LoginPolicy policy;
  policy.max_failed_logins = 3;
  for (int i = 1; i <= 2; ++i) {
    Events events = DecideRecordLogin(state, "li.na", false, "", absl::UnixEpoch(), policy).value();
    ASSERT_EQ(events.size(), 1u);
    state.Apply(events);
    EXPECT_EQ(state.accounts["li.na"].account().failed_logins(), i);
  }
  Events third = DecideRecordLogin(state, "li.na", false, "", absl::UnixEpoch(), policy).value();
  ASSERT_EQ(third.size(), 2u);  // LoginFailed + AccountLocked
  state.Apply(third);
  EXPECT_TRUE(state.accounts["li.na"].account().locked());
  auto refused = DecideRecordLogin(state, "li.na", true, "tok", absl::UnixEpoch(), policy);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  state.Apply(DecideUnlockAccount(state, "li.na").value());
  Events ok = DecideRecordLogin(state, "li.na", true, "tok", absl::UnixEpoch(), policy).value();
  state.Apply(ok);
  EXPECT_EQ(state.accounts["li.na"].account().failed_logins(), 0);
  EXPECT_FALSE(state.accounts["li.na"].account().locked());
}

}  // namespace
}  // namespace zizhu::identity
