// The subsidy service on the real gRPC server (port 0) over in-memory
// topics, following the registry's topic live: a whole round from the
// policy file to approved entitlements, the refusals seen from outside, an
// adjustment caused by a registry change, and a rebuild giving the same bytes.
#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/projection_checks.h"
#include "services/subsidy/tests/subsidy_harness.h"

namespace zizhu::subsidy {
namespace {

using testing::ChinaTime;
using testing::Eventually;
using ::testing::HasSubstr;
using testing::Invoke;
using testing::Meta;

constexpr char kSchool[] = "210102000001";
constexpr char kRound[] = "210102000001/2026-spring";
using Stub = v1::SubsidyService::Stub;
using RegistryStub = registry::v1::RegistryService::Stub;

class SubsidyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<testing::SubsidyUnderTest>(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                                       ChinaTime(2026, 2, 2));
    RegisterSchoolAndStudents();
    LoadPolicy();
  }

  void RegisterSchoolAndStudents() {
    RegistryStub* r = env_->registry_stub_.get();
    registry::v1::RegisterSchoolRequest school;
    *school.mutable_meta() = Meta("school");
    school.set_school_code(kSchool);
    school.set_name("城关中学");
    school.set_county_code("210102");
    school.add_stages(registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    registry::v1::RegisterSchoolResponse school_response;
    ASSERT_TRUE(Invoke(r, &RegistryStub::RegisterSchool, school, &school_response).ok());
    registry::v1::RegisterHouseholdRequest household;
    *household.mutable_meta() = Meta("household");
    household.set_household_number("H210102001");
    household.set_head_name("张大山");
    household.set_household_type(registry::v1::HOUSEHOLD_TYPE_GENERAL);
    registry::v1::RegisterHouseholdResponse household_response;
    ASSERT_TRUE(Invoke(r, &RegistryStub::RegisterHousehold, household, &household_response).ok());
    // Three registered-poor students, three others.
    for (int n = 0; n < 6; ++n) {
      registry::v1::RegisterStudentRequest student;
      *student.mutable_meta() = Meta(absl::StrCat("student-", n));
      student.set_name(n < 3 ? "张小明" : "李小红");
      student.set_national_id(testing::ValidNationalId(absl::StrCat("21010220120301", 101 + n)));
      student.set_stage(registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE);
      student.set_school_code(kSchool);
      student.set_grade(2);
      student.set_class_name("1班");
      student.set_boarding(true);
      if (n < 3) {
        student.add_categories(registry::v1::POVERTY_CATEGORY_REGISTERED_POOR);
        student.set_household_number("H210102001");
      }
      registry::v1::RegisterStudentResponse response;
      grpc::Status status = Invoke(r, &RegistryStub::RegisterStudent, student, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      (n < 3 ? poor_ : others_).push_back(response.student().student_id());
    }
  }

  void LoadPolicy() {
    v1::LoadPolicyRequest request;
    *request.mutable_meta() = Meta("policy");
    request.set_file_name("default-policy.yaml");
    request.set_content(testing::ReadDefaultPolicy());
    v1::LoadPolicyResponse response;
    grpc::Status status = Invoke(env_->stub_.get(), &Stub::LoadPolicy, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.policy().draft());
  }

  // Opens the round once the subsidy has seen the registry's school and students.
  void OpenRound(int quota) {
    int attempt = 0;
    ASSERT_TRUE(Eventually([&] {
      v1::ListCoverageTodoRequest todo;
      v1::OpenRoundRequest open;
      *open.mutable_meta() = Meta(absl::StrCat("open-", attempt++));
      open.set_school_code(kSchool);
      open.set_semester("2026-spring");
      open.set_quota(quota);
      v1::OpenRoundResponse response;
      return Invoke(env_->stub_.get(), &Stub::OpenRound, open, &response).ok();
    }));
    ASSERT_TRUE(Eventually([&] {
      v1::ListCoverageTodoRequest request;
      request.set_round_id(kRound);
      v1::ListCoverageTodoResponse response;
      return Invoke(env_->stub_.get(), &Stub::ListCoverageTodo, request, &response).ok() && response.total() == 3;
    }));
  }

  grpc::Status Submit(Stub* stub, const std::vector<std::string>& students, const std::string& request_id) {
    v1::SubmitApplicationsRequest request;
    *request.mutable_meta() = Meta(request_id);
    request.set_round_id(kRound);
    for (const std::string& id : students) {
      v1::ApplicationInput* input = request.add_applications();
      input->set_student_id(id);
      input->mutable_attestation()->set_stamped_by("城关村委会");
      input->mutable_attestation()->mutable_stamped_on()->set_year(2026);
      input->mutable_attestation()->mutable_stamped_on()->set_month(2);
      input->mutable_attestation()->mutable_stamped_on()->set_day(1);
      input->mutable_attestation()->set_scan_ref("scan/" + id + ".pdf");
    }
    v1::SubmitApplicationsResponse response;
    return Invoke(stub, &Stub::SubmitApplications, request, &response);
  }

  grpc::Status Review(Stub* stub, const std::vector<std::string>& students, const std::string& request_id) {
    v1::ReviewApplicationsRequest request;
    *request.mutable_meta() = Meta(request_id);
    request.set_round_id(kRound);
    request.add_reviewers("李老师");
    for (const std::string& id : students) {
      v1::ReviewInput* input = request.add_reviews();
      input->set_student_id(id);
      input->set_decision(v1::REVIEW_DECISION_ACCEPTED);
      input->set_tier(1);
    }
    v1::ReviewApplicationsResponse response;
    return Invoke(stub, &Stub::ReviewApplications, request, &response);
  }

  v1::RoundRecord Round() {
    v1::GetRoundRequest request;
    request.set_round_id(kRound);
    v1::GetRoundResponse response;
    EXPECT_TRUE(Invoke(env_->stub_.get(), &Stub::GetRound, request, &response).ok());
    return response.round();
  }

  grpc::Status Approve(const std::string& request_id) {
    v1::ApproveRoundRequest request;
    *request.mutable_meta() = Meta(request_id);
    request.set_round_id(kRound);
    v1::ApproveRoundResponse response;
    return Invoke(env_->stub_.get(), &Stub::ApproveRound, request, &response);
  }

  std::unique_ptr<testing::SubsidyUnderTest> env_;
  std::vector<std::string> poor_;
  std::vector<std::string> others_;
};

TEST_F(SubsidyServiceTest, AWholeRoundFromPolicyFileToEntitlements) {
  OpenRound(1);
  auto school_operator = env_->As({"op-1", auth::Role::kSchoolOperator, kSchool, "t-op"});
  auto reviewer = env_->As({"rev-1", auth::Role::kReviewer, kSchool, "t-rev"});
  std::vector<std::string> all = poor_;
  all.push_back(others_[0]);
  all.push_back(others_[1]);
  grpc::Status submitted = Submit(school_operator.get(), all, "apply-1");
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  // The operator cannot review; the reviewer can, within the quota.
  EXPECT_EQ(Review(school_operator.get(), poor_, "review-op").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Review(reviewer.get(), poor_, "review-1").ok());
  ASSERT_TRUE(Review(reviewer.get(), {others_[0]}, "review-2").ok());
  grpc::Status over = Review(reviewer.get(), {others_[1]}, "review-3");
  EXPECT_EQ(over.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(over.error_message(), HasSubstr("is 1 hardship students"));
  // Reject the second hardship student to finish the review.
  v1::ReviewApplicationsRequest reject;
  *reject.mutable_meta() = Meta("review-4");
  reject.set_round_id(kRound);
  reject.add_reviewers("李老师");
  v1::ReviewInput* input = reject.add_reviews();
  input->set_student_id(others_[1]);
  input->set_decision(v1::REVIEW_DECISION_REJECTED);
  input->set_reason("over the quota; next semester");
  v1::ReviewApplicationsResponse reject_response;
  ASSERT_TRUE(Invoke(reviewer.get(), &Stub::ReviewApplications, reject, &reject_response).ok());
  EXPECT_EQ(reject_response.round().accepted(), 4);
  EXPECT_EQ(reject_response.round().quota_used(), 1);

  v1::PublishNoticeRequest notice;
  *notice.mutable_meta() = Meta("notice");
  notice.set_round_id(kRound);
  v1::PublishNoticeResponse notice_response;
  ASSERT_TRUE(Invoke(school_operator.get(), &Stub::PublishNotice, notice, &notice_response).ok());
  v1::GetNoticeListRequest list;
  list.set_round_id(kRound);
  v1::GetNoticeListResponse entries;
  ASSERT_TRUE(Invoke(school_operator.get(), &Stub::GetNoticeList, list, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 4);
  for (const v1::NoticeEntry& entry : entries.entries()) {
    EXPECT_THAT(entry.name_masked(), HasSubstr("*"));
    EXPECT_THAT(entry.national_id_masked(), HasSubstr("**********"));
  }

  // Approval is the bureau's, and only after the seven days.
  auto county = env_->As({"county-1", auth::Role::kCountyOfficer, "210102", "t-county"});
  v1::ApproveRoundRequest approve;
  *approve.mutable_meta() = Meta("approve-early");
  approve.set_round_id(kRound);
  v1::ApproveRoundResponse approved;
  grpc::Status early = Invoke(county.get(), &Stub::ApproveRound, approve, &approved);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("approval before it closes is refused"));
  EXPECT_EQ(Invoke(school_operator.get(), &Stub::ApproveRound, approve, &approved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  env_->Advance(absl::Hours(24 * 7));
  county = env_->As({"county-1", auth::Role::kCountyOfficer, "210102", "t-county"});
  school_operator = env_->As({"op-1", auth::Role::kSchoolOperator, kSchool, "t-op"});
  *approve.mutable_meta() = Meta("approve");
  grpc::Status ok = Invoke(county.get(), &Stub::ApproveRound, approve, &approved);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(approved.fixed(), 4);
  EXPECT_EQ(approved.round().total_fen(), 3 * 112500 + 62500);

  v1::GetEntitlementTotalsRequest totals;
  totals.set_semester("2026-spring");
  totals.set_county_code("210102");
  v1::GetEntitlementTotalsResponse totals_response;
  ASSERT_TRUE(Invoke(county.get(), &Stub::GetEntitlementTotals, totals, &totals_response).ok());
  EXPECT_EQ(totals_response.totals().entitlements(), 4);
  EXPECT_EQ(totals_response.totals().payable_fen(), 400000);
  EXPECT_EQ(totals_response.totals().registered_poor(), 3);
  int64_t by_source = 0;
  for (const auto& part : totals_response.totals().payable_shares()) by_source += part.fen();
  EXPECT_EQ(by_source, 400000);
  // The city administrator's whole scope (city 2101) holds the same.
  v1::GetEntitlementTotalsRequest city_totals;
  city_totals.set_semester("2026-spring");
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::GetEntitlementTotals, city_totals, &totals_response).ok());
  EXPECT_EQ(totals_response.totals().entitlements(), 4);
  ASSERT_EQ(totals_response.schools_size(), 1);

  // What-if under a draft: the junior boarding grant raised to 1500 yuan.
  v1::LoadPolicyRequest draft;
  *draft.mutable_meta() = Meta("draft");
  draft.set_file_name("draft.yaml");
  std::string text = testing::ReadDefaultPolicy();
  text.replace(text.find("version: 2026-v1"), 16, "version: 2026-v2");
  text.replace(text.find("base_yuan_per_year: 1250"), 24, "base_yuan_per_year: 1500");
  draft.set_content(text);
  draft.set_draft(true);
  v1::LoadPolicyResponse draft_loaded;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::LoadPolicy, draft, &draft_loaded).ok());
  v1::WhatIfRequest what_if;
  what_if.set_semester("2026-spring");
  what_if.set_draft_version("2026-v2");
  what_if.set_county_code("210102");
  v1::WhatIfResponse what_if_response;
  ASSERT_TRUE(Invoke(county.get(), &Stub::WhatIf, what_if, &what_if_response).ok());
  EXPECT_EQ(what_if_response.students(), 4);
  EXPECT_EQ(what_if_response.students_changed(), 3);  // the hardship rule stays at 1250
  EXPECT_EQ(what_if_response.difference_fen(), 3 * 12500);
  EXPECT_EQ(what_if_response.approved_versions(), "2026-v1");
  ASSERT_EQ(what_if_response.differences_size(), 3);
  EXPECT_EQ(what_if_response.differences(0).difference_fen(), 12500);

  v1::ListEntitlementsRequest mine;
  mine.set_semester("2026-spring");
  mine.set_student_id(poor_[0]);
  v1::ListEntitlementsResponse entitlement;
  ASSERT_TRUE(Invoke(school_operator.get(), &Stub::ListEntitlements, mine, &entitlement).ok());
  ASSERT_EQ(entitlement.entitlements_size(), 1);
  EXPECT_EQ(entitlement.entitlements(0).entitlement().rule_id(), "junior-boarding-poor");
  EXPECT_THAT(entitlement.entitlements(0).entitlement().explanation(), HasSubstr("policy 2026-v1"));

  // The registry marks a student dropped out: the entitlement stops accruing.
  registry::v1::ChangeEnrolmentStatusRequest dropout;
  *dropout.mutable_meta() = Meta("dropout");
  dropout.set_student_id(poor_[0]);
  dropout.set_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  dropout.mutable_effective_date()->set_year(2026);
  dropout.mutable_effective_date()->set_month(2);
  dropout.mutable_effective_date()->set_day(9);
  dropout.set_reason("left for work");
  registry::v1::ChangeEnrolmentStatusResponse dropout_response;
  grpc::Status changed =
      Invoke(env_->registry_stub_.get(), &RegistryStub::ChangeEnrolmentStatus, dropout, &dropout_response);
  ASSERT_TRUE(changed.ok()) << changed.error_message();
  ASSERT_TRUE(Eventually([&] {
    v1::ListEntitlementsResponse now;
    return Invoke(school_operator.get(), &Stub::ListEntitlements, mine, &now).ok() &&
           now.entitlements(0).state() == v1::ENTITLEMENT_STATE_STOPPED;
  }));
  ASSERT_TRUE(Invoke(school_operator.get(), &Stub::ListEntitlements, mine, &entitlement).ok());
  const int64_t days = 8;  // 1 to 8 February
  EXPECT_EQ(entitlement.entitlements(0).payable_fen(), 62500 * days / 181 + 50000 * days / 181);
  EXPECT_EQ(entitlement.entitlements(0).entitlement().amount_fen(), 112500);

  // Back at the same school a week later, recorded without a school (issue
  // 22): accrual resumes from the return date, and nobody is underpaid.
  registry::v1::ChangeEnrolmentStatusRequest back;
  *back.mutable_meta() = Meta("back");
  back.set_student_id(poor_[0]);
  back.set_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  back.mutable_effective_date()->set_year(2026);
  back.mutable_effective_date()->set_month(2);
  back.mutable_effective_date()->set_day(16);
  back.set_reason("劝返复学");
  changed = Invoke(env_->registry_stub_.get(), &RegistryStub::ChangeEnrolmentStatus, back, &dropout_response);
  ASSERT_TRUE(changed.ok()) << changed.error_message();
  ASSERT_TRUE(Eventually([&] {
    v1::ListEntitlementsResponse now;
    return Invoke(school_operator.get(), &Stub::ListEntitlements, mine, &now).ok() &&
           now.entitlements(0).state() == v1::ENTITLEMENT_STATE_ACCRUING;
  }));
  ASSERT_TRUE(Invoke(school_operator.get(), &Stub::ListEntitlements, mine, &entitlement).ok());
  const int64_t accrued = 8 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 2, 16));
  EXPECT_EQ(entitlement.entitlements(0).payable_fen(), 62500 * accrued / 181 + 50000 * accrued / 181);
  v1::ListUnderpaidRequest underpaid;
  underpaid.set_semester("2026-spring");
  underpaid.set_school_code(kSchool);
  v1::ListUnderpaidResponse underpaid_response;
  grpc::Status listed = Invoke(school_operator.get(), &Stub::ListUnderpaid, underpaid, &underpaid_response);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(underpaid_response.underpaid_size(), 0);

  // Rebuilding the projection from the topics gives the same bytes — once the
  // registry's events are applied (a reaction's effect is visible before the
  // rows of the upstream event that caused it are written).
  ASSERT_TRUE(Eventually([&] {
    common::v1::ListSubscriptionsResponse subscriptions;
    if (!Invoke(env_->admin_.get(), &common::v1::ProjectionAdminService::Stub::ListSubscriptions,
                common::v1::ListSubscriptionsRequest(), &subscriptions)
             .ok()) {
      return false;
    }
    for (const auto& s : subscriptions.subscriptions()) {
      if (s.lag_records() != 0) return false;
    }
    return true;
  }));
  EXPECT_TRUE(testing_kit::RebuildGivesTheLiveChecksum(
      env_->harness_->ChannelAs(testing_kit::ServiceHarness::DefaultCaller())));
}

TEST_F(SubsidyServiceTest, ApprovalIsRefusedWhileARegisteredPoorStudentIsUncovered) {
  OpenRound(5);
  ASSERT_TRUE(Submit(env_->stub_.get(), {poor_[0], poor_[1], others_[0]}, "apply").ok());
  ASSERT_TRUE(Review(env_->stub_.get(), {poor_[0], poor_[1], others_[0]}, "review").ok());
  v1::PublishNoticeRequest notice;
  *notice.mutable_meta() = Meta("notice");
  notice.set_round_id(kRound);
  v1::PublishNoticeResponse notice_response;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::PublishNotice, notice, &notice_response).ok());
  // An objection during the notice, answered with its own record, then rejected.
  v1::RaiseObjectionRequest object;
  *object.mutable_meta() = Meta("object");
  object.set_round_id(kRound);
  object.set_student_id(others_[0]);
  object.set_reason("the family runs a shop");
  object.set_raised_by("村民代表");
  v1::RaiseObjectionResponse raised;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::RaiseObjection, object, &raised).ok());
  EXPECT_EQ(raised.objection().objection_id(), "O1");
  EXPECT_EQ(raised.objection().student_id(), others_[0]);
  v1::ResolveObjectionRequest resolve;
  *resolve.mutable_meta() = Meta("resolve");
  resolve.set_round_id(kRound);
  resolve.set_objection_id("O1");
  resolve.set_outcome(v1::OBJECTION_OUTCOME_REJECTED);
  resolve.set_note("visited: the shop belongs to a neighbour");
  v1::ResolveObjectionResponse resolved;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::ResolveObjection, resolve, &resolved).ok());
  EXPECT_EQ(resolved.objection().outcome(), v1::OBJECTION_OUTCOME_REJECTED);
  env_->Advance(absl::Hours(24 * 8));
  grpc::Status refused = Approve("approve-1");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("1 registered-poor students of school 210102000001"));
  EXPECT_THAT(refused.error_message(), HasSubstr(poor_[2]));
  v1::ListCoverageTodoRequest todo;
  todo.set_round_id(kRound);
  v1::ListCoverageTodoResponse todo_response;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::ListCoverageTodo, todo, &todo_response).ok());
  ASSERT_EQ(todo_response.total(), 1);
  EXPECT_EQ(todo_response.students(0).student_id(), poor_[2]);
  v1::RecordCoverageReasonsRequest reason;
  *reason.mutable_meta() = Meta("reason");
  reason.set_round_id(kRound);
  v1::CoverageReasonInput* input = reason.add_reasons();
  input->set_student_id(poor_[2]);
  input->set_kind(v1::COVERAGE_REASON_KIND_AIDED_ELSEWHERE);
  input->set_note("aided by the county foundation");
  v1::RecordCoverageReasonsResponse reason_response;
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::RecordCoverageReasons, reason, &reason_response).ok());
  grpc::Status approved = Approve("approve-2");
  EXPECT_TRUE(approved.ok()) << approved.error_message();
}

TEST_F(SubsidyServiceTest, RegistryChangesOfStudentsWithoutEntitlementsPassThrough) {
  OpenRound(1);
  // A student with no entitlement leaves: the reaction finds nothing to do,
  // and the subscription goes on (a new registered-poor student shows up).
  registry::v1::ChangeEnrolmentStatusRequest leave;
  *leave.mutable_meta() = Meta("leave");
  leave.set_student_id(poor_[1]);
  leave.set_status(registry::v1::ENROLMENT_STATUS_TRANSFERRED);
  leave.mutable_effective_date()->set_year(2026);
  leave.mutable_effective_date()->set_month(2);
  leave.mutable_effective_date()->set_day(1);
  leave.set_reason("moved to the city");
  registry::v1::ChangeEnrolmentStatusResponse left;
  grpc::Status changed = Invoke(env_->registry_stub_.get(), &RegistryStub::ChangeEnrolmentStatus, leave, &left);
  ASSERT_TRUE(changed.ok()) << changed.error_message();
  registry::v1::RegisterStudentRequest newcomer;
  *newcomer.mutable_meta() = Meta("newcomer");
  newcomer.set_name("王新来");
  newcomer.set_national_id(testing::ValidNationalId("21010220120301201"));
  newcomer.set_stage(registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE);
  newcomer.set_school_code(kSchool);
  newcomer.set_grade(1);
  newcomer.add_categories(registry::v1::POVERTY_CATEGORY_REGISTERED_POOR);
  newcomer.set_household_number("H210102001");
  registry::v1::RegisterStudentResponse registered;
  ASSERT_TRUE(Invoke(env_->registry_stub_.get(), &RegistryStub::RegisterStudent, newcomer, &registered).ok());
  // Three registered-poor students, one left, one new: three to cover.
  v1::ListCoverageTodoRequest todo;
  todo.set_round_id(kRound);
  v1::ListCoverageTodoResponse todo_response;
  ASSERT_TRUE(Eventually([&] {
    return Invoke(env_->stub_.get(), &Stub::ListCoverageTodo, todo, &todo_response).ok() &&
           todo_response.students_size() == 3 &&
           std::any_of(todo_response.students().begin(), todo_response.students().end(),
                       [&](const v1::CoverageTodoItem& item) {
                         return item.student_id() == registered.student().student_id();
                       });
  }));
  common::v1::ListSubscriptionsResponse subscriptions;
  ASSERT_TRUE(Invoke(env_->admin_.get(), &common::v1::ProjectionAdminService::Stub::ListSubscriptions,
                     common::v1::ListSubscriptionsRequest(), &subscriptions)
                  .ok());
  EXPECT_EQ(subscriptions.subscriptions(0).last_error(), "");
  EXPECT_EQ(subscriptions.subscriptions(0).reactions_refused(), 0);
}

TEST_F(SubsidyServiceTest, CallersOutsideTheSchoolSeeNothing) {
  OpenRound(1);
  auto other_school = env_->As({"op-2", auth::Role::kSchoolOperator, "210102000002", "t-op2"});
  auto other_county = env_->As({"county-2", auth::Role::kCountyOfficer, "210103", "t-c2"});
  v1::GetRoundRequest get;
  get.set_round_id(kRound);
  v1::GetRoundResponse round;
  EXPECT_EQ(Invoke(other_school.get(), &Stub::GetRound, get, &round).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Invoke(other_county.get(), &Stub::GetRound, get, &round).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Submit(other_school.get(), {poor_[0]}, "apply-other").error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListRoundsRequest rounds;
  rounds.set_semester("2026-spring");
  v1::ListRoundsResponse listed;
  ASSERT_TRUE(Invoke(other_county.get(), &Stub::ListRounds, rounds, &listed).ok());
  EXPECT_EQ(listed.rounds_size(), 0);
  ASSERT_TRUE(Invoke(env_->stub_.get(), &Stub::ListRounds, rounds, &listed).ok());
  EXPECT_EQ(listed.rounds_size(), 1);
  // Policy loading is for the deployment's administrators.
  v1::LoadPolicyRequest load;
  *load.mutable_meta() = Meta("policy-2");
  load.set_content(testing::ReadDefaultPolicy());
  v1::LoadPolicyResponse loaded;
  EXPECT_EQ(Invoke(other_county.get(), &Stub::LoadPolicy, load, &loaded).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SubsidyServiceTest, MalformedPolicyFileIsRefusedWithLineAndField) {
  v1::LoadPolicyRequest load;
  *load.mutable_meta() = Meta("policy-bad");
  load.set_file_name("bad.yaml");
  std::string text = testing::ReadDefaultPolicy();
  text.replace(text.find("base_yuan_per_year: 1200"), 24, "base_yuan_per_year: 12OO");
  load.set_content(text);
  v1::LoadPolicyResponse loaded;
  grpc::Status status = Invoke(env_->stub_.get(), &Stub::LoadPolicy, load, &loaded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("bad.yaml:"));
  EXPECT_THAT(status.error_message(), HasSubstr("rules[0].base_yuan_per_year: '12OO'"));
}

}  // namespace
}  // namespace zizhu::subsidy
