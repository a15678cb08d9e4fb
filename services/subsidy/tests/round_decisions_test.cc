// The semester aid round, given records, when a command, then events or the
// exact refusal. No I/O: FakeState folds the decided events.
#include "services/subsidy/domain/round_decisions.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/core/civil_date.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/tests/fake_state.h"

namespace zizhu::subsidy {
namespace {

using testing::FakeState;
using ::testing::HasSubstr;

constexpr char kSchool[] = "210102000001";
constexpr char kRound[] = "210102000001/2026-spring";

absl::Time At(int year, int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

v1::Attestation Stamp() {
  v1::Attestation a;
  a.set_stamped_by("城关村委会 王主任");
  a.mutable_stamped_on()->set_year(2026);
  a.mutable_stamped_on()->set_month(2);
  a.mutable_stamped_on()->set_day(3);
  a.set_scan_ref("scan/2026/0001.pdf");
  return a;
}

class RoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(ZIZHU_DEFAULT_POLICY);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<v1::Policy> policy = ParsePolicyFile("default-policy.yaml", text.str());
    ASSERT_TRUE(policy.ok()) << policy.status();
    Apply(DecideLoadPolicy(state_, *policy, false, "default-policy.yaml", "hash"));
    v1::UpstreamSchool school;
    school.set_school_code(kSchool);
    school.set_name("城关中学");
    school.set_county_code("210102");
    state_.schools[kSchool] = school;
    for (int i = 1; i <= 3; ++i) AddStudent(absl::StrCat("stu_p", i), true);
    for (int i = 1; i <= 3; ++i) AddStudent(absl::StrCat("stu_h", i), false);
  }

  void AddStudent(const std::string& id, bool poor) {
    v1::UpstreamStudent s;
    s.set_student_id(id);
    s.set_name_masked("张*明");
    s.set_national_id_masked("2101**********1234");
    s.set_national_id_hash("hash-" + id);
    s.set_school_code(kSchool);
    s.set_stage(registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    s.set_grade(2);
    s.set_boarding(true);
    s.set_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
    if (poor) s.add_categories(registry::v1::POVERTY_CATEGORY_REGISTERED_POOR);
    state_.students[id] = s;
  }

  void Apply(const absl::StatusOr<Events>& events) {
    ASSERT_TRUE(events.ok()) << events.status();
    state_.Apply(*events);
  }

  absl::StatusOr<Events> Open(int quota, absl::Time now) {
    v1::OpenRoundRequest request;
    request.set_school_code(kSchool);
    request.set_semester("2026-spring");
    request.set_quota(quota);
    return DecideOpenRound(state_, request, now);
  }

  absl::StatusOr<Events> Submit(const std::vector<std::string>& ids, absl::Time now,
                                v1::MidSemesterReason mid = v1::MID_SEMESTER_REASON_UNSPECIFIED) {
    v1::SubmitApplicationsRequest request;
    request.set_round_id(kRound);
    for (const std::string& id : ids) {
      v1::ApplicationInput* input = request.add_applications();
      input->set_student_id(id);
      *input->mutable_attestation() = Stamp();
      input->set_mid_semester_reason(mid);
      if (mid != v1::MID_SEMESTER_REASON_UNSPECIFIED) {
        input->mutable_effective_date()->set_year(2026);
        input->mutable_effective_date()->set_month(4);
        input->mutable_effective_date()->set_day(1);
      }
    }
    return DecideSubmitApplications(state_, request, now);
  }

  absl::StatusOr<Events> Review(const std::vector<std::string>& ids, bool accept = true, int tier = 1) {
    v1::ReviewApplicationsRequest request;
    request.set_round_id(kRound);
    request.add_reviewers("李老师");
    request.add_reviewers("王书记");
    for (const std::string& id : ids) {
      v1::ReviewInput* input = request.add_reviews();
      input->set_student_id(id);
      input->set_decision(accept ? v1::REVIEW_DECISION_ACCEPTED : v1::REVIEW_DECISION_REJECTED);
      input->set_tier(tier);
      if (!accept) input->set_reason("income above the line");
    }
    return DecideReviewApplications(state_, request);
  }

  absl::StatusOr<Events> Object(const std::string& id, absl::Time now) {
    v1::RaiseObjectionRequest request;
    request.set_round_id(kRound);
    request.set_student_id(id);
    request.set_reason("family owns a shop");
    return DecideRaiseObjection(state_, request, now);
  }

  // Opens (quota 2), applies for the three poor and two hardship students,
  // accepts all, publishes the notice on 2026-02-20.
  void ToNotice() {
    Apply(Open(2, At(2026, 2, 2)));
    Apply(Submit({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2"}, At(2026, 2, 10)));
    Apply(Review({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2"}));
    Apply(DecidePublishNotice(state_, kRound, At(2026, 2, 20)));
  }

  FakeState state_;
};

TEST_F(RoundTest, OpenRoundRefusals) {
  Apply(Open(10, At(2026, 2, 2)));
  EXPECT_EQ(state_.rounds[kRound].policy_version(), "2026-v1");
  EXPECT_EQ(FormatDate(state_.rounds[kRound].application_deadline()), "2026-02-28");
  EXPECT_EQ(Open(10, At(2026, 2, 2)).status().code(), absl::StatusCode::kAlreadyExists);
  v1::OpenRoundRequest unknown;
  unknown.set_school_code("999999999999");
  unknown.set_semester("2026-spring");
  EXPECT_THAT(DecideOpenRound(state_, unknown, At(2026, 2, 2)).status().message(),
              HasSubstr("school '999999999999' is not registered"));
  unknown.set_school_code(kSchool);
  unknown.set_semester("2025-spring");  // before the policy takes effect
  EXPECT_THAT(DecideOpenRound(state_, unknown, At(2025, 2, 2)).status().message(),
              HasSubstr("no published policy version is in force for 2025-spring"));
  unknown.set_semester("2026-summer");
  EXPECT_THAT(DecideOpenRound(state_, unknown, At(2026, 2, 2)).status().message(),
              HasSubstr("semester '2026-summer' must be YEAR-spring or YEAR-autumn"));
}

TEST_F(RoundTest, ApplicationsOutsideTheWindowUnknownOrNotEnrolledAreRefused) {
  Apply(Open(2, At(2026, 2, 2)));
  absl::Status late = Submit({"stu_p1"}, At(2026, 3, 1)).status();
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("applications for 2026-spring closed on 2026-02-28 (today is 2026-03-01)"));
  // The last day of February still counts (China time).
  EXPECT_TRUE(Submit({"stu_p1"}, At(2026, 2, 28, 23)).ok());
  absl::Status unknown = Submit({"stu_nobody"}, At(2026, 2, 10)).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(),
              HasSubstr("applications[0]: student stu_nobody is not a pupil of school 210102000001 in the registry"));
  // Probe finding 5: a pupil of another school is answered exactly as one
  // who does not exist (the refusal named the other school).
  state_.students["stu_elsewhere"] = state_.students["stu_h1"];
  state_.students["stu_elsewhere"].set_school_code("210102000002");
  absl::Status elsewhere = Submit({"stu_elsewhere"}, At(2026, 2, 10)).status();
  EXPECT_EQ(elsewhere.code(), unknown.code());
  EXPECT_EQ(elsewhere.message(), absl::StrReplaceAll(unknown.message(), {{"stu_nobody", "stu_elsewhere"}}));
  state_.students["stu_h3"].set_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  absl::Status dropped = Submit({"stu_h1", "stu_h3"}, At(2026, 2, 10)).status();
  EXPECT_EQ(dropped.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(dropped.message(), HasSubstr("applications[1]: student stu_h3 (张*明) is not enrolled at school "
                                           "210102000001 (registry: dropped out at 210102000001)"));
  v1::SubmitApplicationsRequest no_stamp;
  no_stamp.set_round_id(kRound);
  no_stamp.add_applications()->set_student_id("stu_h1");
  EXPECT_THAT(DecideSubmitApplications(state_, no_stamp, At(2026, 2, 10)).status().message(),
              HasSubstr("applications[0].attestation.stamped_by is required"));
  Apply(Submit({"stu_h1"}, At(2026, 2, 10)));
  EXPECT_EQ(Submit({"stu_h1"}, At(2026, 2, 11)).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(state_.rounds[kRound].pending_review(), 1);  // nothing half-applied by the refused batches
}

TEST_F(RoundTest, MidSemesterApplicationsAreTakenWithTheirDate) {
  Apply(Open(2, At(2026, 2, 2)));
  Apply(Submit({"stu_h1"}, At(2026, 4, 2), v1::MID_SEMESTER_REASON_TRANSFER_IN));
  EXPECT_EQ(FormatDate(state_.applications[std::string(kRound) + "|stu_h1"].application().effective_date()),
            "2026-04-01");
}

TEST_F(RoundTest, ReviewBeyondTheQuotaIsRefusedRegisteredPoorAreOutsideIt) {
  Apply(Open(1, At(2026, 2, 2)));
  Apply(Submit({"stu_p1", "stu_p2", "stu_h1", "stu_h2"}, At(2026, 2, 10)));
  Apply(Review({"stu_p1", "stu_p2", "stu_h1"}));
  EXPECT_EQ(state_.rounds[kRound].quota_used(), 1);
  absl::Status over = Review({"stu_h2"}).status();
  EXPECT_EQ(over.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(over.message(), HasSubstr("the quota of round 210102000001/2026-spring is 1 hardship students"));
  EXPECT_THAT(over.message(), HasSubstr("accepting student stu_h2 would make 2"));
  // Rejecting h1 frees the place.
  Apply(Review({"stu_h1"}, false));
  Apply(Review({"stu_h2"}));
  EXPECT_EQ(state_.rounds[kRound].quota_used(), 1);
  EXPECT_THAT(Review({"stu_p1"}, true, 2).status().message(),
              HasSubstr("policy 2026-v1 has no rule for stage junior_middle, class registered_poor, boarding, tier 2"));
}

TEST_F(RoundTest, NoticeObjectionsAndTheSevenDays) {
  Apply(Open(2, At(2026, 2, 2)));
  Apply(Submit({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2"}, At(2026, 2, 10)));
  EXPECT_THAT(DecidePublishNotice(state_, kRound, At(2026, 2, 20)).status().message(),
              HasSubstr("5 applications of round 210102000001/2026-spring are not reviewed yet"));
  Apply(Review({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2"}));
  Apply(DecidePublishNotice(state_, kRound, At(2026, 2, 20)));
  Apply(Object("stu_h2", At(2026, 2, 22)));
  absl::Status early = DecideApproveRound(state_, kRound, At(2026, 2, 26)).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.message(),
              HasSubstr("runs until 2026-02-27 10:00 (China time); approval before it closes is refused"));
  EXPECT_THAT(Object("stu_h1", At(2026, 2, 27, 11)).status().message(),
              HasSubstr("closed at 2026-02-27 10:00 (China time)"));
  absl::Status unresolved = DecideApproveRound(state_, kRound, At(2026, 2, 28)).status();
  EXPECT_THAT(unresolved.message(),
              HasSubstr("1 objections of round 210102000001/2026-spring are unresolved: O1 (stu_h2)"));
  v1::ResolveObjectionRequest resolve;
  resolve.set_round_id(kRound);
  resolve.set_objection_id("O1");
  resolve.set_outcome(v1::OBJECTION_OUTCOME_UPHELD_REMOVE);
  resolve.set_note("visited: the shop is the family's");
  Apply(DecideResolveObjection(state_, resolve));
  EXPECT_EQ(DecideResolveObjection(state_, resolve).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DecideReviewApplications(state_, v1::ReviewApplicationsRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Events> approved = DecideApproveRound(state_, kRound, At(2026, 2, 28));
  ASSERT_TRUE(approved.ok()) << approved.status();
  state_.Apply(*approved);
  EXPECT_EQ(state_.entitlements.size(), 4u);  // h2 removed
  EXPECT_EQ(state_.applications[std::string(kRound) + "|stu_h2"].state(), v1::APPLICATION_STATE_REMOVED);
}

TEST_F(RoundTest, RegisteredPoorStudentWithoutApplicationOrReasonBlocksApproval) {
  Apply(Open(2, At(2026, 2, 2)));
  Apply(Submit({"stu_p1", "stu_p2", "stu_h1"}, At(2026, 2, 10)));
  Apply(Review({"stu_p1", "stu_p2", "stu_h1"}));
  Apply(DecidePublishNotice(state_, kRound, At(2026, 2, 20)));
  absl::Status missing = DecideApproveRound(state_, kRound, At(2026, 2, 28)).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.message(), HasSubstr("1 registered-poor students of school 210102000001 have neither an "
                                           "application nor a recorded reason"));
  EXPECT_THAT(missing.message(), HasSubstr("stu_p3 张*明"));
  v1::RecordCoverageReasonsRequest reason;
  reason.set_round_id(kRound);
  v1::CoverageReasonInput* input = reason.add_reasons();
  input->set_student_id("stu_p3");
  input->set_kind(v1::COVERAGE_REASON_KIND_DECLINED_IN_WRITING);
  input->set_note("family declined");
  EXPECT_THAT(DecideRecordCoverageReasons(state_, reason).status().message(),
              HasSubstr("reasons[0].document_ref is required"));
  input->set_document_ref("archive/declined-p3.pdf");
  Apply(DecideRecordCoverageReasons(state_, reason));
  input->set_student_id("stu_h2");
  EXPECT_THAT(DecideRecordCoverageReasons(state_, reason).status().message(), HasSubstr("is not registered-poor"));
  absl::StatusOr<Events> approved = DecideApproveRound(state_, kRound, At(2026, 2, 28));
  ASSERT_TRUE(approved.ok()) << approved.status();
  const auto& event = static_cast<const v1::RoundApproved&>(*(*approved)[0].payload);
  EXPECT_EQ(event.registered_poor_in_school(), 3);
  EXPECT_EQ(event.registered_poor_aided(), 2);
  EXPECT_EQ(event.registered_poor_with_reason(), 1);
  EXPECT_EQ(event.total_fen(), 2 * 112500 + 62500);
}

TEST_F(RoundTest, RejectedRegisteredPoorStudentIsStillToCover) {
  Apply(Open(2, At(2026, 2, 2)));
  Apply(Submit({"stu_p1", "stu_p2", "stu_p3"}, At(2026, 2, 10)));
  Apply(Review({"stu_p1", "stu_p2"}));
  Apply(Review({"stu_p3"}, false));
  int total = 0;
  auto todo = CoverageTodo(state_, state_.rounds[kRound], "", 0, &total);
  ASSERT_TRUE(todo.ok());
  EXPECT_EQ(total, 1);
  EXPECT_EQ((*todo)[0].first, "stu_p3");
}

TEST_F(RoundTest, ApprovalFixesEntitlementsThatExplainThemselves) {
  ToNotice();
  absl::StatusOr<Events> approved = DecideApproveRound(state_, kRound, At(2026, 2, 27, 10));
  ASSERT_TRUE(approved.ok()) << approved.status();
  ASSERT_EQ(approved->size(), 2u);  // RoundApproved + one EntitlementsFixed
  state_.Apply(*approved);
  const v1::EntitlementRecord& p1 = state_.entitlements["stu_p1|2026-spring"];
  EXPECT_EQ(p1.entitlement().rule_id(), "junior-boarding-poor");
  EXPECT_EQ(p1.payable_fen(), 112500);
  EXPECT_TRUE(p1.entitlement().facts().registered_poor());
  EXPECT_EQ(state_.entitlements["stu_h1|2026-spring"].payable_fen(), 62500);
  // A second approval has nothing new.
  EXPECT_THAT(DecideApproveRound(state_, kRound, At(2026, 3, 1)).status().message(),
              HasSubstr("no accepted mid-semester change to approve"));
  // A mid-semester transfer-in, reviewed and approved, accrues from its date.
  AddStudent("stu_t1", false);
  EXPECT_THAT(Submit({"stu_t1"}, At(2026, 4, 2)).status().message(),
              HasSubstr("is approved; a later application must be a mid-semester change"));
  Apply(Submit({"stu_t1"}, At(2026, 4, 2), v1::MID_SEMESTER_REASON_TRANSFER_IN));
  EXPECT_THAT(Review({"stu_t1"}).status().message(), HasSubstr("would make 3"));
}

TEST_F(RoundTest, RegistryChangesAdjustApprovedEntitlements) {
  ToNotice();
  Apply(DecideApproveRound(state_, kRound, At(2026, 2, 28)));
  registry::v1::EnrolmentStatusChanged dropout;
  dropout.set_student_id("stu_p1");
  dropout.set_from_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  dropout.set_to_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  dropout.mutable_effective_date()->set_year(2026);
  dropout.mutable_effective_date()->set_month(4);
  dropout.mutable_effective_date()->set_day(1);
  dropout.set_school_code(kSchool);
  absl::StatusOr<Events> stopped = DecideAdjustForEnrolment(state_, dropout, "evt-1");
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  ASSERT_EQ(stopped->size(), 1u);
  state_.Apply(*stopped);
  const v1::EntitlementRecord& p1 = state_.entitlements["stu_p1|2026-spring"];
  EXPECT_EQ(p1.state(), v1::ENTITLEMENT_STATE_STOPPED);
  // Feb 1 .. Mar 31 = 59 of 181 days.
  EXPECT_EQ(p1.payable_fen(), 62500 * 59 / 181 + 50000 * 59 / 181);
  EXPECT_EQ(p1.entitlement().amount_fen(), 112500);  // the approved amount itself never changes
  EXPECT_EQ(p1.adjustments(0).cause_event_id(), "evt-1");
  // The same change again (a redelivery is caught by the request id; a
  // second stop finds nothing accruing).
  EXPECT_TRUE(DecideAdjustForEnrolment(state_, dropout, "evt-1")->empty());
  registry::v1::EnrolmentStatusChanged back = dropout;
  back.set_from_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  back.set_to_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  back.mutable_effective_date()->set_month(5);
  back.set_school_code("210102000099");  // returned to another school: a new application there
  EXPECT_TRUE(DecideAdjustForEnrolment(state_, back, "evt-2")->empty());
  back.set_school_code(kSchool);
  Apply(DecideAdjustForEnrolment(state_, back, "evt-3"));
  const v1::EntitlementRecord& resumed = state_.entitlements["stu_p1|2026-spring"];
  EXPECT_EQ(resumed.state(), v1::ENTITLEMENT_STATE_ACCRUING);
  const int64_t days = 59 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(resumed.payable_fen(), 62500 * days / 181 + 50000 * days / 181);
}

// Issue 22: a return recorded without --school (events before 2026-12 name
// no school when the pupil stays) resumes accrual from the return date.
TEST_F(RoundTest, ReturnWithoutASchoolResumesAccrualToTheFen) {
  ToNotice();
  Apply(DecideApproveRound(state_, kRound, At(2026, 2, 28)));
  registry::v1::EnrolmentStatusChanged dropout;
  dropout.set_student_id("stu_p1");
  dropout.set_from_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  dropout.set_to_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  dropout.mutable_effective_date()->set_year(2026);
  dropout.mutable_effective_date()->set_month(3);
  dropout.mutable_effective_date()->set_day(1);
  dropout.set_previous_school_code(kSchool);
  Apply(DecideAdjustForEnrolment(state_, dropout, "evt-1"));
  ASSERT_EQ(state_.entitlements["stu_p1|2026-spring"].state(), v1::ENTITLEMENT_STATE_STOPPED);
  registry::v1::EnrolmentStatusChanged back;
  back.set_student_id("stu_p1");
  back.set_from_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  back.set_to_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  back.mutable_effective_date()->set_year(2026);
  back.mutable_effective_date()->set_month(3);
  back.mutable_effective_date()->set_day(8);
  back.set_reason("劝返复学");
  back.set_previous_school_code(kSchool);  // no school_code: back where the pupil was
  absl::StatusOr<Events> resumed = DecideAdjustForEnrolment(state_, back, "evt-2");
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  ASSERT_EQ(resumed->size(), 1u);
  state_.Apply(*resumed);
  const v1::EntitlementRecord& p1 = state_.entitlements["stu_p1|2026-spring"];
  EXPECT_EQ(p1.state(), v1::ENTITLEMENT_STATE_ACCRUING);
  // Feb 1 .. Feb 28 (28 days) and Mar 8 .. Jul 31 (146 days) of 181.
  const int64_t days = 28 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 3, 8));
  EXPECT_EQ(p1.payable_fen(), 62500 * days / 181 + 50000 * days / 181);
}

// Issue 22: a place freed by an upheld objection, given after approval to an
// applicant first refused for the quota, is approved only after a
// supplementary notice of its own has run.
TEST_F(RoundTest, AnAdditionAfterTheNoticeWaitsForItsOwnNotice) {
  Apply(Open(2, At(2026, 2, 2)));
  Apply(Submit({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2", "stu_h3"}, At(2026, 2, 10)));
  Apply(Review({"stu_p1", "stu_p2", "stu_p3", "stu_h1", "stu_h2"}));
  Apply(Review({"stu_h3"}, false));
  Apply(DecidePublishNotice(state_, kRound, At(2026, 2, 20)));
  Apply(Object("stu_h2", At(2026, 2, 22)));
  v1::ResolveObjectionRequest upheld;
  upheld.set_round_id(kRound);
  upheld.set_objection_id("O1");
  upheld.set_outcome(v1::OBJECTION_OUTCOME_UPHELD_REMOVE);
  upheld.set_note("家庭经营商铺，核实属实");
  Apply(DecideResolveObjection(state_, upheld));
  Apply(DecideApproveRound(state_, kRound, At(2026, 2, 28)));
  EXPECT_EQ(state_.entitlements.size(), 4u);

  // The freed place goes to stu_h3.
  absl::StatusOr<Events> accepted = Review({"stu_h3"});
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_EQ(accepted->size(), 1u);
  state_.Apply(*accepted);
  EXPECT_TRUE(state_.applications[std::string(kRound) + "|stu_h3"].needs_notice());
  EXPECT_EQ(state_.rounds[kRound].awaiting_notice(), 1);
  EXPECT_THAT(DecideApproveRound(state_, kRound, At(2026, 3, 1)).status().message(),
              HasSubstr("1 students of round 210102000001/2026-spring were accepted after its notice and have not "
                        "been on a notice: stu_h3"));

  // The supplementary notice lists stu_h3 alone, for the policy's seven days.
  absl::StatusOr<Events> notice = DecidePublishNotice(state_, kRound, At(2026, 3, 1));
  ASSERT_TRUE(notice.ok()) << notice.status();
  ASSERT_EQ(notice->size(), 1u);
  const auto* supplementary = dynamic_cast<const v1::SupplementaryNoticePublished*>(notice->front().payload.get());
  ASSERT_NE(supplementary, nullptr);
  EXPECT_EQ(supplementary->student_ids_size(), 1);
  EXPECT_EQ(supplementary->student_ids(0), "stu_h3");
  EXPECT_EQ(supplementary->notice_days(), 7);
  state_.Apply(*notice);
  EXPECT_EQ(state_.rounds[kRound].awaiting_notice(), 0);
  EXPECT_THAT(DecidePublishNotice(state_, kRound, At(2026, 3, 2)).status().message(),
              HasSubstr("no student accepted since its notice is waiting"));
  EXPECT_THAT(DecideApproveRound(state_, kRound, At(2026, 3, 3)).status().message(),
              HasSubstr("the supplementary notice of round 210102000001/2026-spring runs until 2026-03-08"));
  // Objections are taken against the students on it, and only during it.
  EXPECT_THAT(Object("stu_p1", At(2026, 3, 3)).status().message(), HasSubstr("not in public notice"));
  Apply(Object("stu_h3", At(2026, 3, 3)));
  v1::ResolveObjectionRequest rejected;
  rejected.set_round_id(kRound);
  rejected.set_objection_id("O2");
  rejected.set_outcome(v1::OBJECTION_OUTCOME_REJECTED);
  rejected.set_note("核实不属实");
  Apply(DecideResolveObjection(state_, rejected));
  EXPECT_THAT(Object("stu_h3", At(2026, 3, 9)).status().message(), HasSubstr("supplementary notice"));

  absl::StatusOr<Events> approved = DecideApproveRound(state_, kRound, At(2026, 3, 9));
  ASSERT_TRUE(approved.ok()) << approved.status();
  state_.Apply(*approved);
  EXPECT_EQ(state_.entitlements.size(), 5u);
  EXPECT_EQ(state_.entitlements.count("stu_h3|2026-spring"), 1u);
}

// A stop left by the old reading of a return (events already in the log)
// is resumed by the county once the registry shows the pupil back.
TEST_F(RoundTest, TheCountyResumesAStopNeverUndone) {
  ToNotice();
  Apply(DecideApproveRound(state_, kRound, At(2026, 2, 28)));
  registry::v1::EnrolmentStatusChanged dropout;
  dropout.set_student_id("stu_p1");
  dropout.set_from_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  dropout.set_to_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  dropout.mutable_effective_date()->set_year(2026);
  dropout.mutable_effective_date()->set_month(3);
  dropout.mutable_effective_date()->set_day(1);
  dropout.set_previous_school_code(kSchool);
  Apply(DecideAdjustForEnrolment(state_, dropout, "evt-1"));
  v1::ResumeEntitlementRequest resume;
  resume.set_round_id(kRound);
  resume.set_student_id("stu_p1");
  resume.mutable_effective_date()->set_year(2026);
  resume.mutable_effective_date()->set_month(3);
  resume.mutable_effective_date()->set_day(8);
  resume.set_reason("学籍系统显示 3 月 8 日复学");
  state_.students["stu_p1"].set_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  EXPECT_THAT(DecideResumeEntitlement(state_, resume).status().message(),
              HasSubstr("the registry does not show student stu_p1 enrolled at school 210102000001 (dropped out"));
  state_.students["stu_p1"].set_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  Apply(DecideResumeEntitlement(state_, resume));
  const v1::EntitlementRecord& p1 = state_.entitlements["stu_p1|2026-spring"];
  EXPECT_EQ(p1.state(), v1::ENTITLEMENT_STATE_ACCRUING);
  const int64_t days = 28 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 3, 8));
  EXPECT_EQ(p1.payable_fen(), 62500 * days / 181 + 50000 * days / 181);
  EXPECT_THAT(DecideResumeEntitlement(state_, resume).status().message(), HasSubstr("only a stopped entitlement"));
}

TEST_F(RoundTest, DisqualifiedStudentLosesTheAidAndCannotReapply) {
  ToNotice();
  Apply(DecideApproveRound(state_, kRound, At(2026, 2, 28)));
  v1::DisqualifyStudentRequest request;
  request.set_round_id(kRound);
  request.set_student_id("stu_h1");
  request.set_reason(v1::DISQUALIFICATION_REASON_WASTED_AID);
  request.set_note("spent on games, school record 2026-12");
  request.mutable_effective_date()->set_year(2026);
  request.mutable_effective_date()->set_month(3);
  request.mutable_effective_date()->set_day(1);
  Apply(DecideDisqualifyStudent(state_, request, At(2026, 3, 2)));
  EXPECT_EQ(state_.entitlements["stu_h1|2026-spring"].state(), v1::ENTITLEMENT_STATE_DISQUALIFIED);
  EXPECT_EQ(state_.entitlements["stu_h1|2026-spring"].payable_fen(), 62500 * 28 / 181);
  EXPECT_EQ(DecideDisqualifyStudent(state_, request, At(2026, 3, 2)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::Status again = Submit({"stu_h1"}, At(2026, 4, 2), v1::MID_SEMESTER_REASON_CIRCUMSTANCES_CHANGED).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("was disqualified in round"));
}

TEST_F(RoundTest, PolicyVersionsArePublishedOnceAndDraftsServeWhatIf) {
  v1::Policy draft = state_.policies["2026-v1"].policy();
  draft.set_version("2026-v2-draft");
  draft.mutable_effective_from()->set_month(8);  // the autumn semester starts on 1 August
  Apply(DecideLoadPolicy(state_, draft, true, "draft.yaml", "h2"));
  EXPECT_TRUE(state_.policies["2026-v2-draft"].draft());
  EXPECT_EQ(DecideLoadPolicy(state_, state_.policies["2026-v1"].policy(), false, "f", "h").status().code(),
            absl::StatusCode::kAlreadyExists);
  // The draft is not in force.
  auto in_force = PolicyInForce(state_, {2026, Term::kAutumn});
  ASSERT_TRUE(in_force.ok());
  EXPECT_EQ(in_force->policy().version(), "2026-v1");
  Apply(DecidePublishPolicy(state_, "2026-v2-draft"));
  EXPECT_EQ(PolicyInForce(state_, {2026, Term::kAutumn})->policy().version(), "2026-v2-draft");
  EXPECT_EQ(PolicyInForce(state_, {2026, Term::kSpring})->policy().version(), "2026-v1");
}

}  // namespace
}  // namespace zizhu::subsidy
