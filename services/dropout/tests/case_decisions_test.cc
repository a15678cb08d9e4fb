// The ledger's decisions, given records, when a command, then events or the
// exact refusal; the rates against an independent count.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "services/dropout/domain/rates.h"
#include "services/dropout/tests/memory_dropout.h"

namespace zizhu::dropout {
namespace {

using registry::v1::Date;
using ::testing::HasSubstr;
using testing::MemoryDropout;

Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

v1::TeamMember M(v1::TeamRole role, const std::string& name) {
  v1::TeamMember m;
  m.set_role(role);
  m.set_name(name);
  return m;
}

class CaseTest : public ::testing::Test {
 protected:
  void Apply(const absl::StatusOr<Events>& events) {
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_TRUE(ledger_.Apply(*events).ok());
  }
  OpenFacts Facts(v1::CaseOrigin origin) {
    OpenFacts f;
    f.subject = "stu_1";
    f.student_id = "stu_1";
    f.name_masked = "张*明";
    f.school_code = "210102000001";
    f.county_code = "210102";
    f.stage = registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE;
    f.origin = origin;
    f.reason = origin == v1::CASE_ORIGIN_BY_HAND ? "外出务工" : "registry: dropped out";
    f.opened_on = D(2027, 3, 1);
    return f;
  }
  const v1::CaseRecord& Case(const std::string& id = "stu_1#1") { return ledger_.cases[id]; }
  std::string Msg(const absl::StatusOr<Events>& e) { return std::string(e.status().message()); }

  MemoryDropout ledger_;
  const Date today_ = D(2027, 5, 1);
};

TEST_F(CaseTest, OneOpenCaseAtATime) {
  Apply(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_REGISTRY_DROPOUT)));
  EXPECT_EQ(Case().state(), v1::CASE_STATE_OPEN);
  // The reaction again (or the cross-match's) opens nothing; by hand it is refused.
  EXPECT_TRUE(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_NOT_ENROLLED))->empty());
  EXPECT_THAT(Msg(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_BY_HAND))),
              HasSubstr("student stu_1 has an open case already: stu_1#1; one at a time"));
  OpenFacts no_reason = Facts(v1::CASE_ORIGIN_BY_HAND);
  no_reason.subject = "stu_2";
  no_reason.reason.clear();
  EXPECT_THAT(Msg(DecideOpenCase(ledger_, no_reason)), HasSubstr("reason is required"));
}

TEST_F(CaseTest, ATeamHasOneOfEachRole) {
  Apply(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_REGISTRY_DROPOUT)));
  EXPECT_THAT(Msg(DecideAssignTeam(ledger_, "stu_1#1",
                                   {M(v1::TEAM_ROLE_TEACHER, "王老师"), M(v1::TEAM_ROLE_TEACHER, "李老师")})),
              HasSubstr("team: 2 members with the role teacher (李老师 is the second)"));
  EXPECT_THAT(Msg(DecideAssignTeam(ledger_, "stu_1#1", {M(v1::TEAM_ROLE_VILLAGE_CADRE, "")})),
              HasSubstr("team[0].name is required"));
  EXPECT_EQ(DecideAssignTeam(ledger_, "stu_9#1", {M(v1::TEAM_ROLE_TEACHER, "王老师")}).status().code(),
            absl::StatusCode::kNotFound);
  Apply(DecideAssignTeam(ledger_, "stu_1#1", {M(v1::TEAM_ROLE_TEACHER, "王老师")}));
  EXPECT_FALSE(Case().team_complete());  // flagged in the ledger
  Apply(DecideAssignTeam(ledger_, "stu_1#1",
                         {M(v1::TEAM_ROLE_TEACHER, "王老师"), M(v1::TEAM_ROLE_VILLAGE_CADRE, "村支书刘某"),
                          M(v1::TEAM_ROLE_GUARDIAN, "张父")}));
  EXPECT_TRUE(Case().team_complete());
}

TEST_F(CaseTest, VisitsAreDatedInsideTheCase) {
  Apply(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_REGISTRY_DROPOUT)));
  v1::Visit visit;
  *visit.mutable_date() = D(2027, 2, 1);
  visit.add_visitors("王老师");
  visit.set_agreed("三月返校");
  EXPECT_THAT(Msg(DecideRecordVisit(ledger_, "stu_1#1", visit, today_)),
              HasSubstr("visit.date 2027-02-01 is before the case opened (2027-03-01)"));
  *visit.mutable_date() = D(2027, 6, 1);
  EXPECT_THAT(Msg(DecideRecordVisit(ledger_, "stu_1#1", visit, today_)), HasSubstr("is after today (2027-05-01)"));
  *visit.mutable_date() = D(2027, 3, 5);
  visit.clear_agreed();
  EXPECT_THAT(Msg(DecideRecordVisit(ledger_, "stu_1#1", visit, today_)), HasSubstr("visit.agreed is required"));
  visit.set_agreed("三月返校");
  Apply(DecideRecordVisit(ledger_, "stu_1#1", visit, today_));
  EXPECT_EQ(Case().visits_size(), 1);
}

TEST_F(CaseTest, ACrossOffNeedsTheRegistrysEnrolmentOrAnExemption) {
  Apply(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_REGISTRY_DROPOUT)));
  EXPECT_THAT(Msg(DecideCrossOff(ledger_, "stu_1#1", "", D(2027, 4, 1), today_)),
              HasSubstr("cannot be crossed off: the registry does not show 张*明 enrolled again"));
  v1::ReturnEvidence back;
  back.set_kind(v1::EVIDENCE_KIND_RETURNED);
  *back.mutable_date() = D(2027, 4, 2);
  back.set_school_code("210102000001");
  EXPECT_TRUE(DecideReturnSeen(ledger_, "stu_2", back, "evt")->empty());  // no case: nothing
  Apply(DecideReturnSeen(ledger_, "stu_1", back, "evt"));
  EXPECT_EQ(Case().evidence().kind(), v1::EVIDENCE_KIND_RETURNED);  // shown at once
  EXPECT_THAT(Msg(DecideCrossOff(ledger_, "stu_1#1", "", D(2027, 4, 1), today_)),
              HasSubstr("date 2027-04-01 is before the evidence (2027-04-02)"));
  Apply(DecideCrossOff(ledger_, "stu_1#1", "返校复学", D(2027, 4, 3), today_));
  EXPECT_EQ(Case().state(), v1::CASE_STATE_CROSSED_OFF);
  EXPECT_THAT(Msg(DecideCrossOff(ledger_, "stu_1#1", "", D(2027, 4, 3), today_)), HasSubstr("was crossed off on"));
  // Reopening is its own event; the evidence goes.
  EXPECT_THAT(Msg(DecideReopen(ledger_, "stu_1#1", "", today_)), HasSubstr("reason is required"));
  Apply(DecideReopen(ledger_, "stu_1#1", "再次离校", today_));
  EXPECT_EQ(Case().state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(Case().reopened(), 1);
  EXPECT_EQ(Case().evidence().kind(), v1::EVIDENCE_KIND_UNSPECIFIED);
  EXPECT_THAT(Msg(DecideReopen(ledger_, "stu_1#1", "x", today_)), HasSubstr("only a crossed-off case reopens"));
  // An exemption (medical) is evidence too.
  EXPECT_THAT(Msg(DecideExemption(ledger_, "stu_1#1", "", D(2027, 4, 20), today_)), HasSubstr("reason is required"));
  Apply(DecideExemption(ledger_, "stu_1#1", "因病缓学（县医院证明 2027-118）", D(2027, 4, 20), today_));
  Apply(DecideCrossOff(ledger_, "stu_1#1", "", D(2027, 4, 20), today_));
  // After a cross-off a new dropout opens a second case.
  Apply(DecideOpenCase(ledger_, Facts(v1::CASE_ORIGIN_REGISTRY_DROPOUT)));
  EXPECT_EQ(Case("stu_1#2").state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(ledger_.subjects["stu_1"].cases(), 2);
}

TEST(RatesTest, RatesAgainstTargetsMatchAnIndependentCount) {
  absl::StatusOr<v1::Targets> targets = ParseTargetsFile("targets.yaml", R"(version: t
dropout_rate_max_percent: {primary: 0.6, junior_middle: 1.8}
disabled_enrolment_min_percent: 91
)");
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_EQ(targets->primary_dropout_max_bp(), 60);
  EXPECT_EQ(targets->junior_middle_dropout_max_bp(), 180);
  EXPECT_EQ(targets->disabled_enrolment_min_bp(), 9100);
  // A county: 1000 primary pupils of whom 7 dropped out (0.70 %: over), 500 junior of whom 9 (1.80 %: not below).
  CountyCounts counts;
  counts.stages[registry::v1::EDUCATION_STAGE_PRIMARY] = {993, 7};
  counts.stages[registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE] = {491, 9};
  counts.disabled_children = 33;
  counts.disabled_enrolled = 30;  // 90.91 %
  v1::CountyRates r = RatesOf("210102", counts, *targets);
  ASSERT_EQ(r.stages_size(), 2);
  EXPECT_EQ(r.stages(0).rate_bp(), 70);
  EXPECT_FALSE(r.stages(0).meets_target());
  EXPECT_EQ(r.stages(1).rate_bp(), 180);
  EXPECT_FALSE(r.stages(1).meets_target());  // the target is "below 1.8 %"
  EXPECT_EQ(r.disabled_enrolment_bp(), 9091);
  EXPECT_FALSE(r.disabled_meets_target());
  counts.stages[registry::v1::EDUCATION_STAGE_PRIMARY] = {995, 5};  // 0.50 %
  EXPECT_TRUE(RatesOf("210102", counts, *targets).stages(0).meets_target());
  EXPECT_EQ(BasisPoints(1, 3), 3333);
  EXPECT_EQ(BasisPoints(2, 3), 6667);
  EXPECT_EQ(BasisPoints(0, 0), 0);
  EXPECT_THAT(std::string(ParseTargetsFile("t.yaml",
                                           "version: t\ndropout_rate_max_percent: {primary: 0.6, "
                                           "junior_middle: 1.8}\ndisabled_enrolment_min_percent: 910\n")
                              .status()
                              .message()),
              HasSubstr("t.yaml:3: disabled_enrolment_min_percent: '910' must be a percent from 0 to 100"));
  EXPECT_THAT(std::string(ParseTargetsFile("t.yaml", "version: t\nsenior: 3\n").status().message()),
              HasSubstr("t.yaml:2: senior: unknown field"));
}

}  // namespace
}  // namespace zizhu::dropout
