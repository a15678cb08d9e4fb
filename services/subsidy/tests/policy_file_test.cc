// The policy file: the shipped default parses into the domain page's table;
// malformed files are refused naming line, field and value.
#include "services/subsidy/domain/policy_file.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zizhu::subsidy {
namespace {

using ::testing::HasSubstr;

std::string DefaultPolicyText() {
  std::ifstream in(ZIZHU_DEFAULT_POLICY);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr char kMinimal[] = R"(version: t-1
effective_from: 2026-01-01
terms:
  spring: {first_month: 2, months: 6, application_month: 2}
  autumn: {first_month: 8, months: 6, application_month: 9}
rules:
  - id: r1
    stage: primary
    class: registered_poor
    boarding: day
    base_yuan_per_year: 0
    top_up_yuan_per_year: 1000
    top_up_shares: {county: 100}
)";

absl::Status ParseWith(const std::string& from, const std::string& to) {
  std::string text = kMinimal;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return ParsePolicyFile("p.yaml", text).status();
}

TEST(PolicyFileTest, DefaultPolicyHoldsTheDomainTable) {
  absl::StatusOr<v1::Policy> policy = ParsePolicyFile("default-policy.yaml", DefaultPolicyText());
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->version(), "2026-v1");
  EXPECT_EQ(policy->notice_days(), 7);
  EXPECT_EQ(policy->spring().application_month(), 2);
  EXPECT_EQ(policy->autumn().application_month(), 9);
  EXPECT_EQ(policy->rules_size(), 13);
  EXPECT_EQ(policy->credit_loan_cap_fen_per_year(), 800000);  // university credit loan: up to 8000 yuan a year
  for (const v1::PolicyRule& rule : policy->rules()) {
    if (rule.aid_class() == v1::AID_CLASS_REGISTERED_POOR) {
      EXPECT_EQ(rule.top_up_fen_per_year(), 100000) << rule.rule_id();  // 1000 yuan at every stage
    } else {
      EXPECT_EQ(rule.top_up_fen_per_year(), 0) << rule.rule_id();
    }
  }
}

TEST(PolicyFileTest, MinimalFileParses) {
  absl::StatusOr<v1::Policy> policy = ParsePolicyFile("p.yaml", kMinimal);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->rules(0).top_up_fen_per_year(), 100000);
  EXPECT_EQ(policy->rules(0).tier(), 1);
  EXPECT_EQ(policy->rules(0).payer(), v1::PAYER_EDUCATION);
  EXPECT_EQ(policy->credit_loan_cap_fen_per_year(), 0);  // none named
}

TEST(PolicyFileTest, RefusalsNameLineFieldAndValue) {
  EXPECT_THAT(ParseWith("top_up_yuan_per_year: 1000", "top_up_yuan_per_year: 10x0").message(),
              HasSubstr("p.yaml:12: rules[0].top_up_yuan_per_year: '10x0' must be an amount in yuan"));
  EXPECT_THAT(ParseWith("top_up_yuan_per_year: 1000", "top_up_yuan_per_year: 1000.001").message(),
              HasSubstr("'1000.001'"));
  EXPECT_THAT(ParseWith("stage: primary", "stage: kindergarten").message(),
              HasSubstr("p.yaml:8: rules[0].stage: 'kindergarten' is not one of"));
  EXPECT_THAT(ParseWith("boarding: day", "boardin: day").message(),
              HasSubstr("p.yaml:10: rules[0].boardin: unknown field"));
  EXPECT_THAT(ParseWith("{county: 100}", "{county: 60, city: 30}").message(),
              HasSubstr("rules[0].top_up_shares: the shares add up to 90 percent, not 100"));
  EXPECT_THAT(ParseWith("{county: 100}", "{treasury: 100}").message(),
              HasSubstr("rules[0].top_up_shares.treasury: unknown fund source"));
  EXPECT_THAT(ParseWith("effective_from: 2026-01-01", "effective_from: 2026-02-30").message(),
              HasSubstr("p.yaml:2: effective_from: '2026-02-30' must be a date YYYY-MM-DD"));
  EXPECT_THAT(ParseWith("version: t-1\n", "").message(), HasSubstr("version: is required"));
  EXPECT_THAT(ParseWith("first_month: 2,", "first_month: 13,").message(),
              HasSubstr("terms.spring.first_month: '13' must be a whole number from 1 to 12"));
  EXPECT_THAT(ParseWith("version: t-1\n", "version: t-1\ncredit_loan: {cap: 8000}\n").message(),
              HasSubstr("p.yaml:2: credit_loan.cap: unknown field"));
  EXPECT_THAT(
      ParseWith("version: t-1\n", "version: t-1\ncredit_loan: {university_cap_yuan_per_year: lots}\n").message(),
      HasSubstr("credit_loan.university_cap_yuan_per_year: 'lots' must be an amount in yuan"));
  EXPECT_THAT(ParsePolicyFile("p.yaml", "version: [unclosed").status().message(),
              HasSubstr("p.yaml:1: not valid YAML"));
  EXPECT_THAT(ParsePolicyFile("p.yaml", "- a\n- b\n").status().message(), HasSubstr("must be a mapping"));
}

TEST(PolicyFileTest, OverlappingRulesAreRefused) {
  std::string text = kMinimal;
  text += R"(  - id: r2
    stage: primary
    class: registered_poor
    boarding: any
    base_yuan_per_year: 0
    top_up_yuan_per_year: 500
    top_up_shares: {county: 100}
)";
  absl::Status status = ParsePolicyFile("p.yaml", text).status();
  EXPECT_THAT(status.message(), HasSubstr("p.yaml:14:"));
  EXPECT_THAT(status.message(),
              HasSubstr("another rule already covers stage primary, class registered_poor, day, tier 1"));
  std::string duplicate_id = kMinimal;
  duplicate_id +=
      "  - id: r1\n    stage: preschool\n    class: hardship\n    base_yuan_per_year: 1\n"
      "    top_up_yuan_per_year: 0\n    base_shares: {central: 100}\n";
  EXPECT_THAT(ParsePolicyFile("p.yaml", duplicate_id).status().message(), HasSubstr("'r1' is used by an earlier rule"));
}

}  // namespace
}  // namespace zizhu::subsidy
