// The disbursement service on the real gRPC server over in-memory topics,
// following the subsidy and the registry live: a school's approved semester
// becomes payments; funds are allocated, a batch is built, its bank file
// exported (cards in clear, audited), the return recorded with a failure,
// the failure retried and paid; the reconciliation balances to the fen.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/projection_checks.h"
#include "services/disbursement/disbursement.h"
#include "services/subsidy/tests/subsidy_harness.h"
#include "zizhu/disbursement/v1/disbursement_service.grpc.pb.h"

namespace zizhu::disbursement {
namespace {

using subsidy::testing::ChinaTime;
using subsidy::testing::Eventually;
using subsidy::testing::Invoke;
using subsidy::testing::Meta;
using ::testing::HasSubstr;
namespace sv1 = subsidy::v1;
namespace rv1 = registry::v1;
using Stub = v1::DisbursementService::Stub;
using SubsidyStub = sv1::SubsidyService::Stub;

constexpr char kSchool[] = "210102000001";
constexpr char kRound[] = "210102000001/2026-spring";

class DisbursementServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<subsidy::testing::SubsidyUnderTest>(
        absl::StrCat("disb_", ::testing::UnitTest::GetInstance()->current_test_info()->name()), ChinaTime(2026, 2, 2));
    service_ = std::make_unique<Disbursement>(
        DisbursementOptions{"zizhu.subsidy.events.v1", "zizhu.registry.events.v1"}, env_->vault_.get());
    service::ServiceHostOptions host;
    host.city = "2101";  // the deployment's city: its administrators administer the projection
    harness_ = testing_kit::ServiceHarness::Start(service_.get(), env_->topics_, "zizhu.disbursement.events.v1",
                                                  &env_->clock_, env_->dir_ + "/disbursement", host)
                   .value();
  }
  void TearDown() override {
    harness_.reset();
    env_.reset();
  }
  std::unique_ptr<Stub> As(const auth::Caller& caller) {
    return v1::DisbursementService::NewStub(harness_->ChannelAs(caller));
  }

  // A school of four students (two registered-poor), all approved.
  void ApproveASemester() {
    auto* r = env_->registry_stub_.get();
    using RegistryStub = rv1::RegistryService::Stub;
    rv1::RegisterSchoolRequest school;
    *school.mutable_meta() = Meta("school");
    school.set_school_code(kSchool);
    school.set_name("城关中学");
    school.set_county_code("210102");
    school.add_stages(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    rv1::RegisterSchoolResponse s;
    ASSERT_TRUE(Invoke(r, &RegistryStub::RegisterSchool, school, &s).ok());
    rv1::RegisterHouseholdRequest household;
    *household.mutable_meta() = Meta("household");
    household.set_household_number("H210102001");
    household.set_head_name("张大山");
    household.set_household_type(rv1::HOUSEHOLD_TYPE_GENERAL);
    rv1::RegisterHouseholdResponse h;
    ASSERT_TRUE(Invoke(r, &RegistryStub::RegisterHousehold, household, &h).ok());
    for (int n = 0; n < 4; ++n) {
      rv1::RegisterStudentRequest student;
      *student.mutable_meta() = Meta(absl::StrCat("student-", n));
      student.set_name(n < 2 ? "张小明" : "李小红");
      student.set_national_id(subsidy::testing::ValidNationalId(absl::StrCat("21010220120301", 101 + n)));
      student.set_stage(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
      student.set_school_code(kSchool);
      student.set_grade(2);
      student.set_boarding(true);
      student.set_bank_card(absl::StrCat("621700001000123456", n));
      if (n < 2) {
        student.add_categories(rv1::POVERTY_CATEGORY_REGISTERED_POOR);
        student.set_household_number("H210102001");
      }
      rv1::RegisterStudentResponse response;
      grpc::Status status = Invoke(r, &RegistryStub::RegisterStudent, student, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      students_.push_back(response.student().student_id());
    }
    auto* stub = env_->stub_.get();
    sv1::LoadPolicyRequest policy;
    *policy.mutable_meta() = Meta("policy");
    policy.set_content(subsidy::testing::ReadDefaultPolicy());
    sv1::LoadPolicyResponse loaded;
    ASSERT_TRUE(Invoke(stub, &SubsidyStub::LoadPolicy, policy, &loaded).ok());
    // The subsidy follows the registry: the round opens once it knows the
    // school, the applications go in once it knows the students (two waits:
    // a round opened while the students were not known yet stays opened).
    int attempt = 0;
    ASSERT_TRUE(Eventually([&] {
      sv1::OpenRoundRequest open;
      *open.mutable_meta() = Meta(absl::StrCat("open-", attempt++));
      open.set_school_code(kSchool);
      open.set_semester("2026-spring");
      open.set_quota(2);
      sv1::OpenRoundResponse response;
      return Invoke(stub, &SubsidyStub::OpenRound, open, &response).ok();
    }));
    ASSERT_TRUE(Eventually([&] {
      sv1::SubmitApplicationsRequest apply;
      *apply.mutable_meta() = Meta(absl::StrCat("apply-", attempt++));
      apply.set_round_id(kRound);
      for (const std::string& id : students_) {
        sv1::ApplicationInput* input = apply.add_applications();
        input->set_student_id(id);
        input->mutable_attestation()->set_stamped_by("村委会");
        input->mutable_attestation()->mutable_stamped_on()->set_year(2026);
        input->mutable_attestation()->mutable_stamped_on()->set_month(2);
        input->mutable_attestation()->mutable_stamped_on()->set_day(1);
        input->mutable_attestation()->set_scan_ref("scan/" + id);
      }
      sv1::SubmitApplicationsResponse applied;
      return Invoke(stub, &SubsidyStub::SubmitApplications, apply, &applied).ok();
    }));
    sv1::ReviewApplicationsRequest review;
    *review.mutable_meta() = Meta("review");
    review.set_round_id(kRound);
    review.add_reviewers("李老师");
    for (const std::string& id : students_) {
      sv1::ReviewInput* input = review.add_reviews();
      input->set_student_id(id);
      input->set_decision(sv1::REVIEW_DECISION_ACCEPTED);
      input->set_tier(1);
    }
    sv1::ReviewApplicationsResponse reviewed;
    ASSERT_TRUE(Invoke(stub, &SubsidyStub::ReviewApplications, review, &reviewed).ok());
    sv1::PublishNoticeRequest notice;
    *notice.mutable_meta() = Meta("notice");
    notice.set_round_id(kRound);
    sv1::PublishNoticeResponse published;
    ASSERT_TRUE(Invoke(stub, &SubsidyStub::PublishNotice, notice, &published).ok());
    env_->Advance(absl::Hours(24 * 8));
    sv1::ApproveRoundRequest approve;
    *approve.mutable_meta() = Meta("approve");
    approve.set_round_id(kRound);
    sv1::ApproveRoundResponse approved;
    grpc::Status ok = Invoke(env_->stub_.get(), &SubsidyStub::ApproveRound, approve, &approved);
    ASSERT_TRUE(ok.ok()) << ok.error_message();
    ASSERT_EQ(approved.fixed(), 4);
  }

  std::unique_ptr<subsidy::testing::SubsidyUnderTest> env_;
  std::unique_ptr<Disbursement> service_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
  std::vector<std::string> students_;
};

v1::AccountKey Central() {
  v1::AccountKey key;
  key.set_county_code("210102");
  key.set_source(sv1::FUND_SOURCE_CENTRAL);
  key.set_semester("2026-spring");
  return key;
}

TEST_F(DisbursementServiceTest, AnApprovedSemesterIsPaidFailuresRetriedAndTheBooksBalance) {
  ApproveASemester();
  auto county = As({"county-1", auth::Role::kCountyOfficer, "210102", "t-county"});
  // The central share of each junior boarding grant: 625 yuan x 80 % = 500 yuan.
  v1::GetAccountRequest get;
  *get.mutable_account() = Central();
  v1::GetAccountResponse account;
  ASSERT_TRUE(Eventually([&] {
    return Invoke(county.get(), &Stub::GetAccount, get, &account).ok() &&
           account.account().balances().aggregate_version() >= 1;
  }));
  v1::ListPaymentsRequest awaiting;
  *awaiting.mutable_account() = Central();
  awaiting.set_state(v1::PAYMENT_STATE_AWAITING_FUNDS);
  v1::ListPaymentsResponse listed;
  ASSERT_TRUE(Invoke(county.get(), &Stub::ListPayments, awaiting, &listed).ok());
  ASSERT_EQ(listed.payments_size(), 4);  // nothing allocated yet
  EXPECT_EQ(listed.payments(0).amount_fen(), 50000);
  EXPECT_THAT(listed.payments(0).failure_reason(), HasSubstr("has 0.00 yuan available"));
  // The pupil's page: one pupil's instalments of a round, none of another pupil's.
  v1::ListPaymentsRequest of_pupil;
  *of_pupil.mutable_account() = Central();
  of_pupil.set_round_id(listed.payments(0).round_id());
  of_pupil.set_student_id(listed.payments(0).student_id());
  v1::ListPaymentsResponse pupil_payments;
  ASSERT_TRUE(Invoke(county.get(), &Stub::ListPayments, of_pupil, &pupil_payments).ok());
  ASSERT_GE(pupil_payments.payments_size(), 1);
  EXPECT_LT(pupil_payments.payments_size(), 4);
  for (const auto& p : pupil_payments.payments()) EXPECT_EQ(p.student_id(), listed.payments(0).student_id());
  of_pupil.clear_round_id();
  EXPECT_EQ(Invoke(county.get(), &Stub::ListPayments, of_pupil, &pupil_payments).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::AllocateFundsRequest allocate;
  *allocate.mutable_meta() = Meta("allocate");
  *allocate.mutable_account() = Central();
  allocate.set_yuan("3000.0x");  // as the office typed it, read by the service
  allocate.set_document_ref("财教〔2026〕12号");
  v1::AllocateFundsResponse allocated;
  grpc::Status bad_yuan = Invoke(county.get(), &Stub::AllocateFunds, allocate, &allocated);
  EXPECT_EQ(bad_yuan.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_yuan.error_message(), HasSubstr("yuan '3000.0x' is not an amount in yuan"));
  // Before the money: the payments waiting for it and how much they need.
  v1::ReconcileRequest before;
  before.set_semester(Central().semester());
  v1::ReconcileResponse waiting;
  ASSERT_TRUE(Invoke(county.get(), &Stub::Reconcile, before, &waiting).ok());
  for (const auto& a : waiting.accounts()) {
    if (a.account().key().source() != Central().source()) continue;
    EXPECT_EQ(a.awaiting_funds(), 4);
    EXPECT_EQ(a.awaiting_funds_fen(), 200000);
  }
  allocate.set_yuan("3,000.00");  // thousands separators as typed in an office
  grpc::Status allocation = Invoke(county.get(), &Stub::AllocateFunds, allocate, &allocated);
  ASSERT_TRUE(allocation.ok()) << allocation.error_message();
  EXPECT_EQ(allocated.account().balances().committed(), 200000);
  EXPECT_EQ(allocated.account().balances().available(), 100000);

  v1::BuildBatchRequest build;
  *build.mutable_meta() = Meta("batch-1");
  *build.mutable_account() = Central();
  build.set_batch_id("2026S-210102-C-1");
  build.set_bank("县农商银行");
  v1::BuildBatchResponse built;
  ASSERT_TRUE(Invoke(county.get(), &Stub::BuildBatch, build, &built).ok());
  ASSERT_EQ(built.batch().lines_size(), 4);

  v1::ExportBankFileRequest export_request;
  *export_request.mutable_meta() = Meta("export-1");
  *export_request.mutable_account() = Central();
  export_request.set_batch_id("2026S-210102-C-1");
  v1::ExportBankFileResponse file;
  grpc::Status exported = Invoke(county.get(), &Stub::ExportBankFile, export_request, &file);
  ASSERT_TRUE(exported.ok()) << exported.error_message();
  ASSERT_EQ(file.lines_size(), 4);
  EXPECT_EQ(file.lines(0).bank_card().substr(0, 6), "621700");  // in clear, for the bank
  EXPECT_EQ(file.total_fen(), 200000);
  // A reviewer may not export card numbers.
  auto reviewer = As({"rev", auth::Role::kReviewer, kSchool, "t-rev"});
  EXPECT_EQ(Invoke(reviewer.get(), &Stub::ExportBankFile, export_request, &file).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Probe finding 10: the export was an event no auditor could list. The
  // county's auditor and the city's see it; another county's does not.
  for (const auth::Caller& auditor : {auth::Caller{"aud-county", auth::Role::kAuditor, "210102", "t-a1"},
                                      auth::Caller{"aud-city", auth::Role::kAuditor, "2101", "t-a2"}}) {
    v1::ListPersonalDataExportsResponse audit;
    grpc::Status listed =
        Invoke(As(auditor).get(), &Stub::ListPersonalDataExports, v1::ListPersonalDataExportsRequest(), &audit);
    ASSERT_TRUE(listed.ok()) << listed.error_message();
    ASSERT_EQ(audit.exports_size(), 1) << auditor.scope;
    EXPECT_EQ(audit.exports(0).actor(), "county_officer:county-1");
    EXPECT_EQ(audit.exports(0).batch_id(), "2026S-210102-C-1");
    EXPECT_EQ(audit.exports(0).lines(), 4);
    EXPECT_EQ(audit.exports(0).kind(), "bank_file");
  }
  v1::ListPersonalDataExportsResponse elsewhere;
  ASSERT_TRUE(Invoke(As({"aud-other", auth::Role::kAuditor, "210103", "t-a3"}).get(), &Stub::ListPersonalDataExports,
                     v1::ListPersonalDataExportsRequest(), &elsewhere)
                  .ok());
  EXPECT_EQ(elsewhere.exports_size(), 0);
  EXPECT_EQ(Invoke(county.get(), &Stub::ListPersonalDataExports, v1::ListPersonalDataExportsRequest(), &elsewhere)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // the audit is the auditors'

  // The bank pays three and returns one: closed account.
  v1::RecordBankReturnRequest bank_return;
  *bank_return.mutable_meta() = Meta("return-1");
  *bank_return.mutable_account() = Central();
  bank_return.set_batch_id("2026S-210102-C-1");
  bank_return.set_file_sha256("sha-1");
  for (int i = 0; i < 4; ++i) {
    v1::ReturnLine* line = bank_return.add_lines();
    line->set_reference(built.batch().lines(i).reference());
    line->set_fen(built.batch().lines(i).fen());
    line->set_outcome(i == 1 ? v1::RETURN_OUTCOME_FAILED : v1::RETURN_OUTCOME_PAID);
    if (i == 1) line->set_reason("账户已销户 closed account");
  }
  bank_return.set_control_count(4);
  bank_return.set_control_fen(200001);  // a wrong control total changes nothing
  v1::RecordBankReturnResponse returned;
  grpc::Status refused = Invoke(county.get(), &Stub::RecordBankReturn, bank_return, &returned);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("nothing changed"));
  *bank_return.mutable_meta() = Meta("return-2");
  bank_return.set_control_fen(200000);
  ASSERT_TRUE(Invoke(county.get(), &Stub::RecordBankReturn, bank_return, &returned).ok());
  EXPECT_EQ(returned.account().balances().paid(), 150000);
  EXPECT_EQ(returned.batch().failed(), 1);
  *bank_return.mutable_meta() = Meta("return-3");  // the same file again
  EXPECT_EQ(Invoke(county.get(), &Stub::RecordBankReturn, bank_return, &returned).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // The failed queue: the registry corrects the card (another bank's), the
  // queue says so, and a retry of the corrected ones is a new attempt, paid
  // in a batch for that bank.
  v1::ListPaymentsRequest failed;
  *failed.mutable_account() = Central();
  failed.set_state(v1::PAYMENT_STATE_FAILED);
  ASSERT_TRUE(Invoke(county.get(), &Stub::ListPayments, failed, &listed).ok());
  ASSERT_EQ(listed.payments_size(), 1);
  EXPECT_THAT(listed.payments(0).failure_reason(), HasSubstr("closed account"));
  EXPECT_FALSE(listed.payments(0).card_corrected());
  v1::RetryPaymentsRequest retry;
  *retry.mutable_meta() = Meta("retry-too-early");
  *retry.mutable_account() = Central();
  retry.set_corrected_cards(true);
  retry.set_note("银行卡已在学籍系统更正");
  v1::RetryPaymentsResponse retried;
  EXPECT_EQ(Invoke(county.get(), &Stub::RetryPayments, retry, &retried).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  rv1::UpdateStudentAttributesRequest correct;
  *correct.mutable_meta() = Meta("correct-card");
  correct.set_student_id(listed.payments(0).student_id());
  correct.set_bank_card("6228480010001234567");
  rv1::UpdateStudentAttributesResponse corrected;
  ASSERT_TRUE(
      Invoke(env_->registry_stub_.get(), &rv1::RegistryService::Stub::UpdateStudentAttributes, correct, &corrected)
          .ok());
  ASSERT_TRUE(Eventually([&] {
    return Invoke(county.get(), &Stub::ListPayments, failed, &listed).ok() && listed.payments_size() == 1 &&
           listed.payments(0).card_corrected();
  }));
  *retry.mutable_meta() = Meta("retry");
  ASSERT_TRUE(Invoke(county.get(), &Stub::RetryPayments, retry, &retried).ok());
  EXPECT_EQ(retried.retried(), 1);
  *build.mutable_meta() = Meta("batch-2-ccb");
  build.set_batch_id("2026S-210102-C-2");
  build.add_card_prefixes("621700");  // the first bank's cards: none pending now
  EXPECT_EQ(Invoke(county.get(), &Stub::BuildBatch, build, &built).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  *build.mutable_meta() = Meta("batch-2");
  build.set_bank("农业银行");
  build.clear_card_prefixes();
  build.add_card_prefixes("622848");
  ASSERT_TRUE(Invoke(county.get(), &Stub::BuildBatch, build, &built).ok());
  ASSERT_EQ(built.batch().lines_size(), 1);
  EXPECT_THAT(built.batch().lines(0).reference(), ::testing::EndsWith("#2"));
  auto pay_batch = [&](const std::string& request_id, const v1::BatchRecord& batch) {
    v1::RecordBankReturnRequest all_paid;
    *all_paid.mutable_meta() = Meta(request_id);
    *all_paid.mutable_account() = Central();
    all_paid.set_batch_id(batch.batch_id());
    int64_t sum = 0;
    for (const auto& sent : batch.lines()) {
      v1::ReturnLine* line = all_paid.add_lines();
      line->set_reference(sent.reference());
      line->set_fen(sent.fen());
      line->set_outcome(v1::RETURN_OUTCOME_PAID);
      sum += sent.fen();
    }
    all_paid.set_control_count(batch.lines_size());
    all_paid.set_control_fen(sum);
    grpc::Status status = Invoke(county.get(), &Stub::RecordBankReturn, all_paid, &returned);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  pay_batch("return-4", built.batch());

  // The bank reverses a paid line: owed again, retried, paid once more.
  v1::ReversePaymentRequest reverse;
  *reverse.mutable_meta() = Meta("reverse-1");
  *reverse.mutable_account() = Central();
  reverse.set_reference(built.batch().lines(0).reference());
  reverse.set_fen(built.batch().lines(0).fen());
  reverse.set_reason("退汇：账户冻结");
  v1::ReversePaymentResponse reversed;
  grpc::Status reversal = Invoke(county.get(), &Stub::ReversePayment, reverse, &reversed);
  ASSERT_TRUE(reversal.ok()) << reversal.error_message();
  EXPECT_EQ(reversed.payment().state(), v1::PAYMENT_STATE_FAILED);
  EXPECT_EQ(reversed.account().balances().paid(), 150000);
  *reverse.mutable_meta() = Meta("reverse-2");  // the same reversal again changes nothing
  EXPECT_EQ(Invoke(county.get(), &Stub::ReversePayment, reverse, &reversed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  retry.Clear();
  *retry.mutable_meta() = Meta("retry-after-reversal");
  *retry.mutable_account() = Central();
  retry.add_payment_ids(reversed.payment().payment_id());
  retry.set_note("账户已解冻");
  ASSERT_TRUE(Invoke(county.get(), &Stub::RetryPayments, retry, &retried).ok());
  *build.mutable_meta() = Meta("batch-3");
  build.set_batch_id("2026S-210102-C-3");
  ASSERT_TRUE(Invoke(county.get(), &Stub::BuildBatch, build, &built).ok());
  EXPECT_THAT(built.batch().lines(0).reference(), ::testing::EndsWith("#3"));
  pay_batch("return-5", built.batch());

  v1::ReconcileRequest reconcile;
  reconcile.set_semester("2026-spring");
  reconcile.set_county_code("210102");
  v1::ReconcileResponse reconciliation;
  ASSERT_TRUE(Invoke(county.get(), &Stub::Reconcile, reconcile, &reconciliation).ok());
  bool central_seen = false;
  for (const auto& a : reconciliation.accounts()) {
    EXPECT_TRUE(a.balanced()) << a.account().account_id();
    if (a.account().key().source() != sv1::FUND_SOURCE_CENTRAL) continue;
    central_seen = true;
    EXPECT_EQ(a.account().balances().paid(), 200000);  // 4 x 500 yuan, to the fen
    EXPECT_EQ(a.account().balances().available(), 100000);
    ASSERT_EQ(a.batches_size(), 3);
  }
  EXPECT_TRUE(central_seen);
  // Another county sees none of it.
  auto other = As({"county-2", auth::Role::kCountyOfficer, "210103", "t-c2"});
  EXPECT_EQ(Invoke(other.get(), &Stub::GetAccount, get, &account).error_code(), grpc::StatusCode::NOT_FOUND);
  // A rebuild gives the same bytes.
  EXPECT_TRUE(
      testing_kit::RebuildGivesTheLiveChecksum(harness_->ChannelAs(testing_kit::ServiceHarness::DefaultCaller())));
}

}  // namespace
}  // namespace zizhu::disbursement
