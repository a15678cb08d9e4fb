// The cross-match rules, one person at a time. No I/O.
#include "services/registry/domain/cross_match.h"

#include "gtest/gtest.h"
#include "libs/reasons/reasons.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"

namespace zizhu::registry {
namespace {

v1::Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

v1::RosterEntry Entry(v1::RosterSource source, const std::string& name, v1::Date birth) {
  v1::RosterEntry e;
  e.set_source(source);
  e.mutable_person()->set_name(name);
  *e.mutable_person()->mutable_birth_date() = birth;
  e.mutable_person()->set_household_number("H1");
  e.mutable_person()->set_county("和平区");
  return e;
}

v1::RosterEntry Enrolled(const std::string& name, v1::Date birth, v1::EnrolmentStatus status) {
  v1::RosterEntry e = Entry(v1::ROSTER_SOURCE_STUDENT_STATUS, name, birth);
  e.mutable_person()->set_enrolment_status(status);
  e.mutable_person()->set_school_code("3121000101");
  return e;
}

v1::StudentRecord Student(const std::string& name, v1::Date birth, v1::PovertyCategory category) {
  v1::StudentRecord s;
  s.set_student_id("stu_1");
  s.set_name(name);
  *s.mutable_birth_date() = birth;
  s.set_status(v1::ENROLMENT_STATUS_ENROLLED);
  s.set_school_code("3121000101");
  if (category != v1::POVERTY_CATEGORY_UNSPECIFIED) s.add_categories(category);
  return s;
}

const v1::MatchSettings kSettings = DefaultMatchSettings(D(2026, 9, 1));
const v1::Date kTen = D(2016, 3, 1);

TEST(CrossMatchTest, AgeCountsBirthdays) {
  EXPECT_EQ(AgeOn(D(2016, 9, 1), D(2026, 9, 1)), 10);
  EXPECT_EQ(AgeOn(D(2016, 9, 2), D(2026, 9, 1)), 9);
}

TEST(CrossMatchTest, PoorEnrolledAndRegisteredIsMatched) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "张三", kTen);
  ev.status = Enrolled("张三", kTen, v1::ENROLMENT_STATUS_ENROLLED);
  ev.student = Student("张三", kTen, v1::POVERTY_CATEGORY_REGISTERED_POOR);
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_MATCHED);
  EXPECT_FALSE(r.age_sensitive());
  EXPECT_EQ(r.student_id(), "stu_1");
  EXPECT_EQ(r.sources_size(), 2);
}

TEST(CrossMatchTest, PoorChildOfSchoolAgeEnrolledNowhereIsADropoutSuspect) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "李四", kTen);
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_NOT_ENROLLED);
  EXPECT_EQ(r.county(), "和平区");
  EXPECT_EQ(r.reasons(1), "not in the student-status roster");
  // Dropped out per the student-status system: still a suspect.
  ev.status = Enrolled("李四", kTen, v1::ENROLMENT_STATUS_DROPPED_OUT);
  EXPECT_EQ(CrossMatch("h", ev, kSettings).category(), v1::MATCH_CATEGORY_NOT_ENROLLED);
}

TEST(CrossMatchTest, SchoolAgeIsPolicyData) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "王五", D(2009, 1, 1));  // 17
  EXPECT_EQ(CrossMatch("h", ev, kSettings).category(), v1::MATCH_CATEGORY_NO_FINDING);
  EXPECT_TRUE(CrossMatch("h", ev, kSettings).age_sensitive());  // a run with other ages may move it
  v1::MatchSettings wider = kSettings;
  wider.set_school_age_max(18);
  EXPECT_EQ(CrossMatch("h", ev, wider).category(), v1::MATCH_CATEGORY_NOT_ENROLLED);
}

TEST(CrossMatchTest, EnrolledAndPoorInOneSourceOnly) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "赵六", kTen);
  ev.status = Enrolled("赵六", kTen, v1::ENROLMENT_STATUS_ENROLLED);
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_POOR_IN_ONE_SOURCE_ONLY);
  EXPECT_EQ(r.reasons(0), "poverty office lists a registered-poor household; the registry has no record");

  PersonEvidence civil;
  civil.civil = Entry(v1::ROSTER_SOURCE_CIVIL_AFFAIRS, "钱七", kTen);
  civil.civil->mutable_person()->add_assistance(v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE);
  civil.student = Student("钱七", kTen, v1::POVERTY_CATEGORY_UNSPECIFIED);
  r = CrossMatch("h", civil, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_POOR_IN_ONE_SOURCE_ONLY);
  EXPECT_EQ(r.reasons(0), "civil affairs lists 低保; the registry does not");

  PersonEvidence registry_only;
  registry_only.student = Student("孙八", kTen, v1::POVERTY_CATEGORY_REGISTERED_POOR);
  r = CrossMatch("h", registry_only, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_POOR_IN_ONE_SOURCE_ONLY);
  EXPECT_EQ(r.reasons(0), "registry says registered-poor; the poverty office does not list the person");
}

// Every reason also travels as its code (issue 24: the gap list said
// ENROLMENT_STATUS_DROPPED_OUT to Chinese operators): said in either language
// from the catalogue.
TEST(CrossMatchTest, EachReasonHasItsCodeSaidInTheOperatorsLanguage) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "李四", kTen);
  ev.status = Enrolled("李四", kTen, v1::ENROLMENT_STATUS_DROPPED_OUT);
  auto r = CrossMatch("h", ev, kSettings);
  ASSERT_EQ(r.reason_codes_size(), r.reasons_size());
  auto said = [&r](int i, bool chinese) { return reasons::Render(r.reason_codes(i), chinese).value_or("?"); };
  EXPECT_EQ(r.reason_codes(0).reason(), "MATCH_OF_SCHOOL_AGE");
  EXPECT_EQ(said(1, true), "学籍名单：辍学");
  EXPECT_EQ(said(2, true), "学籍系统中无此人");
  for (int i = 0; i < r.reasons_size(); ++i) EXPECT_EQ(said(i, false), r.reasons(i)) << i;  // the same English

  PersonEvidence conflict;
  conflict.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "周九", kTen);
  conflict.status = Enrolled("周久", kTen, v1::ENROLMENT_STATUS_ENROLLED);
  r = CrossMatch("h", conflict, kSettings);
  EXPECT_EQ(said(0, true), "姓名不一致：扶贫部门为「周*」，学籍名单为「周*」");
  EXPECT_EQ(said(0, false), r.reasons(0));
}

TEST(CrossMatchTest, ConflictsShowBothValuesAndWin) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "周九", kTen);
  ev.status = Enrolled("周久", D(2016, 3, 2), v1::ENROLMENT_STATUS_ENROLLED);
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_ATTRIBUTE_CONFLICT);
  ASSERT_EQ(r.conflicts_size(), 2);
  EXPECT_EQ(r.reasons(0), "name: poverty says '周*', status says '周*'");  // names masked, as on every list
  EXPECT_EQ(r.reasons(1), "birth_date: poverty says '2016-03-01', status says '2016-03-02'");
}

TEST(CrossMatchTest, ExitBeyondTheTransitionPeriodIsNotPoorButTheExitIsShown) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "吴十", kTen);
  ev.poverty->set_exited(true);
  ev.poverty->mutable_person()->set_year_exited(2020);
  ev.status = Enrolled("吴十", kTen, v1::ENROLMENT_STATUS_ENROLLED);
  v1::MatchSettings settings = kSettings;  // as of 2026: 2020 + 5 < 2026
  auto r = CrossMatch("h", ev, settings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_NO_FINDING);
  EXPECT_EQ(r.reasons(0), "household H1 exited poverty in 2020: beyond the 5-year transition period");
  EXPECT_TRUE(r.age_sensitive());  // a run with another date or window may move it
}

TEST(CrossMatchTest, ExitWithinTheTransitionPeriodStaysInScope) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "吴十", kTen);
  ev.poverty->set_exited(true);
  ev.poverty->mutable_person()->set_year_exited(2023);
  // Not enrolled anywhere: a dropout suspect although the household exited.
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.category(), v1::MATCH_CATEGORY_NOT_ENROLLED);
  EXPECT_EQ(r.reasons(0), "household H1 exited poverty in 2023: within the 5-year transition period, still in scope");
  EXPECT_NE(r.reasons(1).find("poverty office (household H1, exited 2023)"), std::string::npos) << r.reasons(1);
  // The window is policy data: with 2 years, 2023 is out of scope in 2026.
  v1::MatchSettings short_window = kSettings;
  short_window.set_exit_transition_years(2);
  EXPECT_EQ(CrossMatch("h", ev, short_window).category(), v1::MATCH_CATEGORY_NO_FINDING);
}

TEST(CrossMatchTest, BeforeAnyRunTheNewestEvidenceDateIsTheReference) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "冯二", kTen);
  *ev.poverty->mutable_recorded_on() = D(2026, 3, 1);
  ev.status = Enrolled("冯二", kTen, v1::ENROLMENT_STATUS_DROPPED_OUT);
  *ev.status->mutable_recorded_on() = D(2026, 10, 8);
  EXPECT_EQ(rules::CompareDates(NewestEvidenceDate(ev, D(2025, 1, 1)), D(2026, 10, 8)), 0);
  EXPECT_EQ(rules::CompareDates(NewestEvidenceDate(ev, D(2027, 1, 1)), D(2027, 1, 1)), 0);
}

TEST(CrossMatchTest, SchoolCountyWinsOverRosterCounty) {
  PersonEvidence ev;
  ev.poverty = Entry(v1::ROSTER_SOURCE_POVERTY_OFFICE, "郑一", kTen);
  ev.status = Enrolled("郑一", kTen, v1::ENROLMENT_STATUS_ENROLLED);
  ev.school_county = "沈河区";
  auto r = CrossMatch("h", ev, kSettings);
  EXPECT_EQ(r.county(), "沈河区");
  EXPECT_EQ(r.school_code(), "3121000101");
}

}  // namespace
}  // namespace zizhu::registry
