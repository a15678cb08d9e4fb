// The dropout service over the registry (in-memory topics): a dropout opens a
// case by itself, the team and visits are recorded, a cross-off is refused
// until the registry shows the child back, the rates move; the cross-match's
// not-enrolled child opens a case; left-behind cards; a rebuild gives the
// same bytes.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/projection_checks.h"
#include "services/dropout/tests/dropout_harness.h"

namespace zizhu::dropout {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the harness's helpers

// A 学校标识码 does not start with its county's code: the county is the registry's.
constexpr char kSchool[] = "3121000001";

class DropoutServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<DropoutUnderTest>(::testing::UnitTest::GetInstance()->current_test_info()->name());
    env_->School(kSchool, "210102");
  }
  v1::ListCasesResponse Cases(Stub* stub, v1::CaseState state = v1::CASE_STATE_UNSPECIFIED) {
    v1::ListCasesRequest list;
    list.set_county_code("210102");
    list.set_state(state);
    v1::ListCasesResponse response;
    EXPECT_TRUE(Invoke(stub, &Stub::ListCases, list, &response).ok());
    return response;
  }
  const v1::StageRate* Junior(const v1::GetRatesResponse& rates) {
    for (const auto& c : rates.counties()) {
      for (const auto& s : c.stages()) {
        if (c.county_code() == "210102" && s.stage() == rv1::EDUCATION_STAGE_JUNIOR_MIDDLE) return &s;
      }
    }
    return nullptr;
  }
  std::unique_ptr<DropoutUnderTest> env_;
};

TEST_F(DropoutServiceTest, ADropoutIsLedToCrossOffAndTheRateMoves) {
  const std::string a = env_->Student(kSchool, "21010220130301101", rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
  for (int i = 0; i < 9; ++i) {
    env_->Student(kSchool, absl::StrCat("2101022013030120", i), rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
  }
  auto county = env_->As({"officer", auth::Role::kCountyOfficer, "210102", "t-county"});
  auto school = env_->As({"operator", auth::Role::kSchoolOperator, kSchool, "t-school"});
  grpc::Status dropped = env_->ChangeStatus("drop-a", a, rv1::ENROLMENT_STATUS_DROPPED_OUT);
  ASSERT_TRUE(dropped.ok()) << dropped.error_message();
  v1::ListCasesResponse cases;
  ASSERT_TRUE(Eventually([&] { return (cases = Cases(school.get())).cases_size() == 1; }));
  const v1::CaseRecord opened = cases.cases(0);
  EXPECT_EQ(opened.case_id(), a + "#1");
  EXPECT_EQ(opened.origin(), v1::CASE_ORIGIN_REGISTRY_DROPOUT);
  EXPECT_EQ(opened.name_masked(), "张*明");
  EXPECT_FALSE(opened.team_complete());
  // The pupil's page: that pupil's cases, and none of another's.
  v1::ListCasesRequest of_pupil;
  of_pupil.set_student_id(a);
  v1::ListCasesResponse pupil_cases;
  ASSERT_TRUE(Invoke(school.get(), &Stub::ListCases, of_pupil, &pupil_cases).ok());
  ASSERT_EQ(pupil_cases.cases_size(), 1);
  EXPECT_EQ(pupil_cases.cases(0).case_id(), a + "#1");
  of_pupil.set_student_id("stu_nobody");
  ASSERT_TRUE(Invoke(school.get(), &Stub::ListCases, of_pupil, &pupil_cases).ok());
  EXPECT_EQ(pupil_cases.cases_size(), 0);
  v1::GetRatesResponse rates;
  // The case (a reaction) is durable before the registry event's rows (the counts) are written.
  ASSERT_TRUE(Eventually([&] {
    return Invoke(county.get(), &Stub::GetRates, v1::GetRatesRequest(), &rates).ok() && Junior(rates) != nullptr &&
           Junior(rates)->dropped_out() == 1;
  }));
  EXPECT_EQ(Junior(rates)->dropped_out(), 1);
  EXPECT_EQ(Junior(rates)->base(), 10);
  EXPECT_EQ(Junior(rates)->rate_bp(), 1000);  // 10 %: over the 1.8 % target
  EXPECT_FALSE(Junior(rates)->meets_target());
  EXPECT_EQ(rates.counties(0).cases_without_full_team(), 1);

  // A second case by hand while one is open: refused.
  v1::OpenCaseRequest open;
  *open.mutable_meta() = Meta("open-by-hand");
  open.set_student_id(a);
  open.set_reason("again");
  v1::OpenCaseResponse opened_again;
  grpc::Status refused = Invoke(school.get(), &Stub::OpenCase, open, &opened_again);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("has an open case already"));

  // The team: two teachers refused; the full team.
  v1::AssignTeamRequest team;
  *team.mutable_meta() = Meta("team-1");
  team.set_case_id(opened.case_id());
  for (const char* name : {"王老师", "李老师"}) {
    v1::TeamMember* m = team.add_team();
    m->set_role(v1::TEAM_ROLE_TEACHER);
    m->set_name(name);
  }
  v1::AssignTeamResponse assigned;
  EXPECT_EQ(Invoke(school.get(), &Stub::AssignTeam, team, &assigned).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  team.mutable_team(1)->set_role(v1::TEAM_ROLE_VILLAGE_CADRE);
  team.mutable_team(1)->set_name("村支书刘某");
  v1::TeamMember* guardian = team.add_team();
  guardian->set_role(v1::TEAM_ROLE_GUARDIAN);
  guardian->set_name("张大山");
  *team.mutable_meta() = Meta("team-2");
  ASSERT_TRUE(Invoke(school.get(), &Stub::AssignTeam, team, &assigned).ok());
  EXPECT_TRUE(assigned.case_().team_complete());

  v1::RecordVisitRequest visit;
  *visit.mutable_meta() = Meta("visit-1");
  visit.set_case_id(opened.case_id());
  visit.mutable_visit()->mutable_date()->set_year(2027);
  visit.mutable_visit()->mutable_date()->set_month(3);
  visit.mutable_visit()->mutable_date()->set_day(1);
  visit.mutable_visit()->add_visitors("王老师");
  visit.mutable_visit()->add_visitors("村支书刘某");
  visit.mutable_visit()->set_agreed("家长同意下周一返校");
  visit.mutable_visit()->set_next_step("班主任周一确认到校");
  v1::RecordVisitResponse visited;
  ASSERT_TRUE(Invoke(school.get(), &Stub::RecordVisit, visit, &visited).ok());
  EXPECT_EQ(visited.case_().visits_size(), 1);

  // Cross-off without the registry's enrolment: refused.
  v1::CrossOffCaseRequest cross;
  *cross.mutable_meta() = Meta("cross-early");
  cross.set_case_id(opened.case_id());
  v1::CrossOffCaseResponse crossed;
  grpc::Status early = Invoke(school.get(), &Stub::CrossOffCase, cross, &crossed);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("the registry does not show"));

  // The registry records the return (to the same school, which the change
  // need not name): the case shows it at once; crossed off.
  ASSERT_TRUE(env_->ChangeStatus("back-a", a, rv1::ENROLMENT_STATUS_ENROLLED).ok());
  v1::GetCaseRequest get;
  get.set_case_id(opened.case_id());
  v1::GetCaseResponse got;
  ASSERT_TRUE(Eventually([&] {
    return Invoke(school.get(), &Stub::GetCase, get, &got).ok() &&
           got.case_().evidence().kind() == v1::EVIDENCE_KIND_RETURNED;
  }));
  EXPECT_EQ(got.case_().evidence().school_code(), kSchool);
  *cross.mutable_meta() = Meta("cross");
  cross.set_note("已返校复学");
  ASSERT_TRUE(Invoke(school.get(), &Stub::CrossOffCase, cross, &crossed).ok());
  EXPECT_EQ(crossed.case_().state(), v1::CASE_STATE_CROSSED_OFF);
  ASSERT_TRUE(Eventually([&] {
    return Invoke(county.get(), &Stub::GetRates, v1::GetRatesRequest(), &rates).ok() &&
           Junior(rates)->dropped_out() == 0;
  }));
  EXPECT_TRUE(Junior(rates)->meets_target());
  EXPECT_EQ(rates.counties(0).open_cases(), 0);

  // Another school's operator sees nothing of it.
  env_->School("3121000009", "210102");
  auto other = env_->As({"other", auth::Role::kSchoolOperator, "3121000009", "t-other"});
  EXPECT_EQ(Invoke(other.get(), &Stub::GetCase, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  // (Once the dropout service has followed the registry to the other school.)
  EXPECT_TRUE(Eventually([&] {
    v1::ListCasesRequest list;
    v1::ListCasesResponse theirs;
    return Invoke(other.get(), &Stub::ListCases, list, &theirs).ok() && theirs.cases_size() == 0;
  }));

  // A rebuild gives the same bytes.
  EXPECT_TRUE(testing_kit::RebuildGivesTheLiveChecksum(
      env_->harness_->ChannelAs(testing_kit::ServiceHarness::DefaultCaller())));
}

TEST_F(DropoutServiceTest, APoorChildEnrolledNowhereOpensACaseFromThePovertyRoster) {
  // Enrolled before the roster arrives (a roster row read before the
  // registry's enrolment would open a case that shows the enrolment at once).
  env_->Student(kSchool, "21010220150301303", rv1::EDUCATION_STAGE_PRIMARY);
  ASSERT_TRUE(env_->WaitApplied(2));
  auto roster = rv1::RosterService::NewStub(env_->env_->registry_->channel());
  rv1::StartRosterImportRequest start;
  *start.mutable_meta() = Meta("import-start");
  start.set_source(rv1::ROSTER_SOURCE_POVERTY_OFFICE);
  start.set_agency("poverty-office:210102");
  start.set_file_name("建档立卡.csv");
  start.set_file_hash(std::string(64, 'a'));
  start.set_declared_rows(2);
  rv1::StartRosterImportResponse started;
  grpc::Status s = Invoke(roster.get(), &rv1::RosterService::Stub::StartRosterImport, start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  rv1::AppendRosterRowsRequest rows;
  *rows.mutable_meta() = Meta("import-rows");
  rows.set_import_id(started.import().import_id());
  int n = 0;
  for (const char* id17 : {"21010220150301404", "21010220150301303"}) {  // 12 years old, enrolled nowhere; enrolled
    rv1::RosterRowInput* row = rows.add_rows();
    row->set_row_number(++n);
    (*row->mutable_fields())["national_id"] = subsidy::testing::ValidNationalId(id17);
    (*row->mutable_fields())["name"] = "李小花";
    (*row->mutable_fields())["household_number"] = "H4";
    (*row->mutable_fields())["county"] = "210102";
  }
  rv1::AppendRosterRowsResponse appended;
  s = Invoke(roster.get(), &rv1::RosterService::Stub::AppendRosterRows, rows, &appended);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto county = env_->As({"officer", auth::Role::kCountyOfficer, "210102", "t-county"});
  v1::ListCasesResponse cases;
  ASSERT_TRUE(Eventually([&] { return (cases = Cases(county.get())).cases_size() >= 1; }));
  ASSERT_EQ(cases.cases_size(), 1);  // not the enrolled one
  EXPECT_EQ(cases.cases(0).origin(), v1::CASE_ORIGIN_NOT_ENROLLED);
  EXPECT_THAT(cases.cases(0).subject(), ::testing::StartsWith("nid-"));
  EXPECT_EQ(cases.cases(0).name_masked(), "李*花");
  EXPECT_THAT(cases.cases(0).open_reason(), HasSubstr("cross-match: "));
  // The same lines as reason codes, for the console and the CLI to say in the operator's language.
  ASSERT_GE(cases.cases(0).open_reason_codes_size(), 1);
  for (const auto& code : cases.cases(0).open_reason_codes())
    EXPECT_THAT(code.reason(), ::testing::StartsWith("MATCH_"));
  // The child is registered at a school: the case shows the enrolment.
  env_->Student(kSchool, "21010220150301404", rv1::EDUCATION_STAGE_PRIMARY);
  v1::GetCaseRequest get;
  get.set_case_id(cases.cases(0).case_id());
  v1::GetCaseResponse got;
  ASSERT_TRUE(Eventually([&] {
    return Invoke(county.get(), &Stub::GetCase, get, &got).ok() &&
           got.case_().evidence().kind() == v1::EVIDENCE_KIND_RETURNED;
  }));
}

TEST_F(DropoutServiceTest, LeftBehindChildrenHaveACardWithSealedPhones) {
  const std::string child =
      env_->Student(kSchool, "21010220150301505", rv1::EDUCATION_STAGE_PRIMARY, {rv1::POVERTY_CATEGORY_LEFT_BEHIND});
  const std::string other = env_->Student(kSchool, "21010220150301606", rv1::EDUCATION_STAGE_PRIMARY);
  ASSERT_TRUE(env_->WaitApplied(3));  // the school and both students
  auto school = env_->As({"operator", auth::Role::kSchoolOperator, kSchool, "t-school"});
  v1::ListLeftBehindChildrenRequest list;
  v1::ListLeftBehindChildrenResponse listed;
  ASSERT_TRUE(Eventually([&] {
    return Invoke(school.get(), &Stub::ListLeftBehindChildren, list, &listed).ok() && listed.children_size() == 1;
  }));
  EXPECT_FALSE(listed.children(0).complete());
  EXPECT_EQ(listed.children(0).guardian().name(), "张大山");
  v1::RecordLeftBehindCardRequest card;
  *card.mutable_meta() = Meta("card-1");
  card.set_student_id(other);
  card.set_school_contact_name("班主任王老师");
  v1::RecordLeftBehindCardResponse recorded;
  EXPECT_EQ(Invoke(school.get(), &Stub::RecordLeftBehindCard, card, &recorded).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not left-behind in the registry
  card.set_student_id(child);
  auto* parent = card.add_parents();
  parent->set_relation("父亲");
  parent->set_name("张某");
  parent->set_work_place("广东省东莞市某电子厂");
  parent->set_phone("1380013800x");
  EXPECT_EQ(Invoke(school.get(), &Stub::RecordLeftBehindCard, card, &recorded).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  parent->set_phone("13800138000");
  card.set_school_contact_phone("13700137000");
  *card.mutable_meta() = Meta("card-2");
  grpc::Status ok = Invoke(school.get(), &Stub::RecordLeftBehindCard, card, &recorded);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_TRUE(recorded.card().complete());
  EXPECT_EQ(recorded.card().parents(0).phone().masked(), "138****8000");
  EXPECT_FALSE(recorded.card().parents(0).phone().has_sealed());  // never the sealed bytes on the way out
  ASSERT_TRUE(Invoke(school.get(), &Stub::ListLeftBehindChildren, list, &listed).ok());
  EXPECT_TRUE(listed.children(0).complete());
  list.set_incomplete_only(true);
  ASSERT_TRUE(Invoke(school.get(), &Stub::ListLeftBehindChildren, list, &listed).ok());
  EXPECT_EQ(listed.children_size(), 0);
}

}  // namespace
}  // namespace zizhu::dropout
