// Plausibility of ages and dates (policy data), and its use in decisions.
#include "services/registry/domain/plausibility.h"

#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"

namespace zizhu::registry {
namespace {

v1::Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

const Plausibility kToday{PlausibilityPolicy(), D(2026, 12, 1)};

TEST(PlausibilityTest, BirthDateInTheFutureIsRefusedWithTheReason) {
  absl::Status s = CheckBirthDateForStage(kToday, D(2027, 1, 5), v1::EDUCATION_STAGE_PRESCHOOL);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "birth date 2027-01-05 is in the future (today is 2026-12-01)");
}

TEST(PlausibilityTest, AgeFarOutsideTheStageIsRefused) {
  absl::Status s = CheckBirthDateForStage(kToday, D(1950, 3, 1), v1::EDUCATION_STAGE_PRIMARY);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "a student born 1950-03-01 is 76 years old; stage EDUCATION_STAGE_PRIMARY takes 5-18 "
            "(policy data: --plausibility-file)");
  EXPECT_TRUE(CheckBirthDateForStage(kToday, D(2017, 9, 1), v1::EDUCATION_STAGE_PRIMARY).ok());
  EXPECT_TRUE(CheckBirthDateForStage(kToday, D(1995, 9, 1), v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL).ok());
}

TEST(PlausibilityTest, EventsFarAheadAreRefused) {
  EXPECT_TRUE(CheckNotFarAhead(kToday, "effective_date", D(2027, 1, 1)).ok());  // next month is normal
  absl::Status s = CheckNotFarAhead(kToday, "effective_date", D(2099, 1, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "effective_date 2099-01-01 is 26329 days after today (2026-12-01); at most 62 are allowed");
}

TEST(PlausibilityTest, PolicyIsDataParsedWithLineNumbers) {
  auto policy = PlausibilityPolicy::Parse("# ranges\nage 小学 6 16\nmax_days_ahead 10\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->age_by_stage.at(v1::EDUCATION_STAGE_PRIMARY), std::make_pair(6, 16));
  EXPECT_EQ(policy->age_by_stage.at(v1::EDUCATION_STAGE_JUNIOR_MIDDLE), std::make_pair(10, 22));  // default kept
  EXPECT_EQ(policy->max_days_ahead, 10);
  EXPECT_EQ(PlausibilityPolicy::Parse("age 小学 6\n").status().message(),
            "plausibility line 1 'age 小学 6': expected 'age <stage> <min> <max>'");
  EXPECT_EQ(PlausibilityPolicy::Parse("\nage 小学 9 3\n").status().message(),
            "plausibility line 2 'age 小学 9 3': min and max must be whole years with 0 <= min <= max <= 120");
  EXPECT_FALSE(PlausibilityPolicy::Parse("speed 3\n").ok());
}

TEST(PlausibilityTest, DecisionDateIsTheCivilDateInChina) {
  // 2026-11-30 17:00 UTC is already 2026-12-01 in China.
  v1::Date d = rules::DateInChina(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 17, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(rules::FormatDate(d), "2026-12-01");
}

}  // namespace
}  // namespace zizhu::registry
