// Every row of the domain page's table, computed from the shipped policy
// file; semester halves, fund-source splits, exits and proration.
#include "services/subsidy/domain/entitlement_calc.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/subsidy/domain/policy_file.h"

namespace zizhu::subsidy {
namespace {

using registry::v1::EducationStage;

v1::Policy DefaultPolicy() {
  std::ifstream in(ZIZHU_DEFAULT_POLICY);
  std::stringstream text;
  text << in.rdbuf();
  return *ParsePolicyFile("default-policy.yaml", text.str());
}

v1::StudentFacts Facts(EducationStage stage, bool boarding, bool poor) {
  v1::StudentFacts facts;
  facts.set_stage(stage);
  facts.set_boarding(boarding);
  facts.set_registered_poor(poor);
  return facts;
}

int64_t YearFen(const v1::Policy& policy, EducationStage stage, bool boarding, bool poor) {
  const Semester spring{2026, Term::kSpring};
  const Semester autumn{2026, Term::kAutumn};
  auto a = ComputeEntitlement(policy, spring, Facts(stage, boarding, poor), 1, Date());
  auto b = ComputeEntitlement(policy, autumn, Facts(stage, boarding, poor), 1, Date());
  if (!a.ok() || !b.ok()) return -1;
  return a->amount_fen() + b->amount_fen();
}

struct Row {
  EducationStage stage;
  bool boarding;
  bool poor;
  int64_t yuan_per_year;  // -1: no rule (no aid)
};

TEST(EntitlementCalcTest, EveryRowOfThePolicyTable) {
  const v1::Policy policy = DefaultPolicy();
  using registry::v1::EducationStage;
  const Row rows[] = {
      {registry::v1::EDUCATION_STAGE_PRESCHOOL, false, true, 2200},
      {registry::v1::EDUCATION_STAGE_PRESCHOOL, true, true, 2200},
      {registry::v1::EDUCATION_STAGE_PRIMARY, true, true, 2000},
      {registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE, true, true, 2250},
      {registry::v1::EDUCATION_STAGE_PRIMARY, false, true, 1000},
      {registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE, false, true, 1000},
      {registry::v1::EDUCATION_STAGE_SENIOR_HIGH, false, true, 3000},
      {registry::v1::EDUCATION_STAGE_SENIOR_HIGH, true, true, 3000},
      {registry::v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL, false, true, 3000},
      {registry::v1::EDUCATION_STAGE_UNIVERSITY, false, true, 1000},
      // Other hardship students: the base grant, no top-up.
      {registry::v1::EDUCATION_STAGE_PRESCHOOL, false, false, 1200},
      {registry::v1::EDUCATION_STAGE_PRIMARY, true, false, 1000},
      {registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE, true, false, 1250},
      {registry::v1::EDUCATION_STAGE_SENIOR_HIGH, false, false, 2000},
      {registry::v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL, true, false, 2000},
      {registry::v1::EDUCATION_STAGE_PRIMARY, false, false, -1},
      {registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE, false, false, -1},
  };
  for (const Row& row : rows) {
    const int64_t expected = row.yuan_per_year < 0 ? -1 : row.yuan_per_year * 100;
    EXPECT_EQ(YearFen(policy, row.stage, row.boarding, row.poor), expected)
        << registry::v1::EducationStage_Name(row.stage) << " boarding=" << row.boarding << " poor=" << row.poor;
  }
}

TEST(EntitlementCalcTest, UniversityGrantIsPaidByCivilAffairs) {
  auto e = ComputeEntitlement(DefaultPolicy(), {2026, Term::kAutumn},
                              Facts(registry::v1::EDUCATION_STAGE_UNIVERSITY, false, true), 1, Date());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->payer(), v1::PAYER_CIVIL_AFFAIRS);
  ASSERT_EQ(e->shares_size(), 1);
  EXPECT_EQ(e->shares(0).source(), v1::FUND_SOURCE_CIVIL_AFFAIRS);
}

TEST(EntitlementCalcTest, SemesterHalvesSharesAndExplanation) {
  const v1::Policy policy = DefaultPolicy();
  v1::StudentFacts facts = Facts(registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE, true, true);
  facts.set_household_exit_year(2023);
  auto e = ComputeEntitlement(policy, {2026, Term::kSpring}, facts, 1, Date());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->rule_id(), "junior-boarding-poor");
  EXPECT_EQ(e->base_fen(), 62500);
  EXPECT_EQ(e->top_up_fen(), 50000);
  EXPECT_EQ(e->amount_fen(), 112500);
  int64_t sum = 0;
  for (const auto& share : e->shares()) sum += share.fen();
  EXPECT_EQ(sum, e->amount_fen());
  EXPECT_EQ(FormatDate(e->semester_start()), "2026-02-01");
  EXPECT_EQ(FormatDate(e->semester_end()), "2026-07-31");
  EXPECT_THAT(e->explanation(), ::testing::HasSubstr("policy 2026-v1, rule junior-boarding-poor"));
  EXPECT_THAT(e->explanation(), ::testing::HasSubstr("household exited 2023"));
  EXPECT_THAT(e->explanation(), ::testing::HasSubstr("1125.00 yuan"));
}

TEST(EntitlementCalcTest, OddFenGoToSpringAndSharesAddUp) {
  v1::Policy policy = DefaultPolicy();
  policy.mutable_rules(0)->set_base_fen_per_year(120001);  // preschool-poor
  v1::StudentFacts facts = Facts(registry::v1::EDUCATION_STAGE_PRESCHOOL, false, true);
  auto spring = ComputeEntitlement(policy, {2026, Term::kSpring}, facts, 1, Date());
  auto autumn = ComputeEntitlement(policy, {2026, Term::kAutumn}, facts, 1, Date());
  EXPECT_EQ(spring->base_fen(), 60001);
  EXPECT_EQ(autumn->base_fen(), 60000);
  const auto parts = SplitShares(60001, policy.rules(0).base_shares());
  EXPECT_EQ(parts[0].fen() + parts[1].fen(), 60001);
}

TEST(EntitlementCalcTest, RegisteredPoorThroughTheTransitionPeriod) {
  v1::UpstreamStudent student;
  student.set_stage(registry::v1::EDUCATION_STAGE_PRIMARY);
  v1::UpstreamPovertyEvidence evidence;
  evidence.set_poverty_office(true);
  EXPECT_TRUE(FactsOf(student, &evidence, 5, 2026).registered_poor());
  evidence.set_year_exited(2021);
  EXPECT_TRUE(FactsOf(student, &evidence, 5, 2026).registered_poor());
  EXPECT_EQ(FactsOf(student, &evidence, 5, 2026).household_exit_year(), 2021);
  evidence.set_year_exited(2020);
  EXPECT_FALSE(FactsOf(student, &evidence, 5, 2026).registered_poor());
  student.add_categories(registry::v1::POVERTY_CATEGORY_REGISTERED_POOR);
  EXPECT_FALSE(FactsOf(student, &evidence, 5, 2026).registered_poor());  // the roster's exit decides
  evidence.set_civil_affairs(true);
  EXPECT_TRUE(FactsOf(student, &evidence, 5, 2026).registered_poor());
  EXPECT_TRUE(FactsOf(student, nullptr, 5, 2026).registered_poor());  // registry says so, no roster
}

TEST(EntitlementCalcTest, PayableProratesByDays) {
  auto e = ComputeEntitlement(DefaultPolicy(), {2026, Term::kSpring},
                              Facts(registry::v1::EDUCATION_STAGE_PRIMARY, true, true), 1, Date());
  ASSERT_TRUE(e.ok());
  const int64_t days = 181;  // 2026-02-01 .. 2026-07-31
  EXPECT_EQ(PayableFor(*e, days).fen, 100000);
  EXPECT_EQ(PayableFor(*e, 0).fen, 0);
  // 59 days: Feb and March. 50000 * 59 / 181 = 16298 (base) + the same (top-up).
  EXPECT_EQ(PayableFor(*e, 59).fen, 2 * (50000 * 59 / 181));
  int64_t sum = 0;
  for (const auto& share : PayableFor(*e, 59).shares) sum += share.fen();
  EXPECT_EQ(sum, PayableFor(*e, 59).fen);
}

}  // namespace
}  // namespace zizhu::subsidy
