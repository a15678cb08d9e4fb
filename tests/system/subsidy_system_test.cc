// A whole aid round on the real broker: the registry and the subsidy service
// as processes, a generated school of 300 students, the round from opening
// to approval through gRPC over TLS. The approved total must equal the
// policy table's sum computed here independently (the domain page's amounts,
// not the service's code), every registered-poor student must be covered,
// a SIGKILL in the notice week loses nothing, and a rebuild gives the same
// bytes. The seven days pass by restarting the subsidy process with its clock
// eight days ahead (--testing-clock-offset-hours).
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/common/core/civil_date.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/service_process.h"
#include "tests/support/test_security.h"
#include "zizhu/disbursement/v1/disbursement_service.grpc.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.grpc.pb.h"

namespace zizhu {
namespace {

namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;
namespace dv1 = disbursement::v1;

constexpr char kSchool[] = "210102000777";
constexpr int kStudents = 300;
constexpr int kQuota = 40;

common::v1::CommandMeta Meta(const std::string& request_id) {
  common::v1::CommandMeta m;
  m.set_request_id(request_id);
  return m;
}

template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return (stub.*method)(&context, request, response);
}

// The generated school: student n is registered-poor when n % 3 == 0,
// junior middle when n % 2 == 0 (else primary), boarding unless a poor
// student with n % 5 == 0 (hardship students all board: day pupils of
// compulsory education have no grant beyond free tuition).
bool Poor(int n) { return n % 3 == 0; }
bool Junior(int n) { return n % 2 == 0; }
bool Boarding(int n) { return !(Poor(n) && n % 5 == 0); }

// The spring-semester amount in fen from the domain page's table (yuan per
// year, halved), written here independently of the policy file and code.
int64_t ExpectedSpringFen(int n) {
  int64_t yuan_per_year = 0;
  if (Poor(n)) {
    yuan_per_year = !Boarding(n) ? 1000 : (Junior(n) ? 1250 + 1000 : 1000 + 1000);
  } else {
    yuan_per_year = Junior(n) ? 1250 : 1000;
  }
  return yuan_per_year * 100 / 2;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SubsidySystemTest, AWholeRoundForAGeneratedSchoolIsApprovedAndPaidAsThePolicyTableSays) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/zizhu-system-subsidy");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string bootstrap = testing_support::GlobalBroker().bootstrap();
  const testing_support::RegistryProcessOptions ro = testing_support::RegistryForTest(bootstrap, "subsidy", dir);
  testing_support::RegistryProcess registry(ro);
  ASSERT_TRUE(registry.Start());
  testing_support::ServiceProcessOptions so{ZIZHU_SUBSIDY_BINARY,
                                            bootstrap,
                                            "zizhu.subsidy.events.test",
                                            "subsidy-test",
                                            dir + "/subsidy",
                                            3,
                                            {"--registry-topic", ro.topic, "--city", "2101"},
                                            dir + "/subsidy.log"};
  testing_support::ServiceProcess subsidy(so);
  ASSERT_TRUE(subsidy.Start());
  const auto& security = testing_support::TestSecurity::Get();
  const auth::Caller admin{"city-admin", auth::Role::kCityAdmin, "2101", "t-admin"};
  auto stub = sv1::SubsidyService::NewStub(security.Channel(subsidy.address(), admin));

  // The registry: the school, a household, the students.
  rv1::RegisterSchoolRequest school;
  *school.mutable_meta() = Meta("sys-school");
  school.set_school_code(kSchool);
  school.set_name("系统测试中心校");
  school.set_county_code("210102");
  school.add_stages(rv1::EDUCATION_STAGE_PRIMARY);
  school.add_stages(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
  rv1::RegisterSchoolResponse school_response;
  ASSERT_TRUE(Call(registry.stub(), &rv1::RegistryService::Stub::RegisterSchool, school, &school_response).ok());
  rv1::RegisterHouseholdRequest household;
  *household.mutable_meta() = Meta("sys-household");
  household.set_household_number("H210102777");
  household.set_head_name("赵大山");
  household.set_household_type(rv1::HOUSEHOLD_TYPE_GENERAL);
  rv1::RegisterHouseholdResponse household_response;
  ASSERT_TRUE(
      Call(registry.stub(), &rv1::RegistryService::Stub::RegisterHousehold, household, &household_response).ok());
  std::vector<std::string> ids(kStudents);
  int64_t expected_total = 0;
  int poor = 0;
  for (int n = 0; n < kStudents; ++n) {
    rv1::RegisterStudentRequest student;
    *student.mutable_meta() = Meta(absl::StrCat("sys-student-", n));
    student.set_name("赵小兰");
    const std::string first17 = absl::StrFormat("2101022012%02d%02d%03d", 1 + n % 12, 1 + n % 28, n);
    student.set_national_id(first17 + rules::NationalIdCheckCharacter(first17));
    student.set_stage(Junior(n) ? rv1::EDUCATION_STAGE_JUNIOR_MIDDLE : rv1::EDUCATION_STAGE_PRIMARY);
    student.set_school_code(kSchool);
    student.set_grade(Junior(n) ? 1 + n % 3 : 4 + n % 3);
    student.set_class_name(absl::StrCat(1 + n % 4, "班"));
    student.set_boarding(Boarding(n));
    student.set_bank_card(absl::StrFormat("62170000%011d", 10000 + n));
    if (Poor(n)) {
      student.add_categories(rv1::POVERTY_CATEGORY_REGISTERED_POOR);
      student.set_household_number("H210102777");
      ++poor;
    }
    rv1::RegisterStudentResponse response;
    grpc::Status status = Call(registry.stub(), &rv1::RegistryService::Stub::RegisterStudent, student, &response);
    ASSERT_TRUE(status.ok()) << n << ": " << status.error_message();
    ids[n] = response.student().student_id();
  }

  // The policy file, then the round of the coming spring semester.
  sv1::LoadPolicyRequest load;
  *load.mutable_meta() = Meta("sys-policy");
  load.set_file_name("default-policy.yaml");
  load.set_content(ReadFile(std::string(ZIZHU_SOURCE_DIR) + "/services/subsidy/policy/default-policy.yaml"));
  sv1::LoadPolicyResponse loaded;
  grpc::Status load_status = Call(*stub, &sv1::SubsidyService::Stub::LoadPolicy, load, &loaded);
  ASSERT_TRUE(load_status.ok()) << load_status.error_message();
  const absl::CivilDay today = CivilDayInChina(absl::Now());
  const std::string semester = absl::StrCat(today.month() <= 2 ? today.year() : today.year() + 1, "-spring");
  const std::string round_id = absl::StrCat(kSchool, "/", semester);
  // The subsidy follows the registry: wait until it has every student.
  sv1::ListCoverageTodoResponse todo;
  bool open = false;
  for (int i = 0; i < 600 && !(open && todo.total() == poor); ++i) {
    if (!open) {
      sv1::OpenRoundRequest request;
      *request.mutable_meta() = Meta(absl::StrCat("sys-open-", i));
      request.set_school_code(kSchool);
      request.set_semester(semester);
      request.set_quota(kQuota);
      sv1::OpenRoundResponse response;
      open = Call(*stub, &sv1::SubsidyService::Stub::OpenRound, request, &response).ok();
    }
    if (open) {
      sv1::ListCoverageTodoRequest request;
      request.set_round_id(round_id);
      ASSERT_TRUE(Call(*stub, &sv1::SubsidyService::Stub::ListCoverageTodo, request, &todo).ok());
    }
    if (!(open && todo.total() == poor)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(open);
  ASSERT_EQ(todo.total(), poor) << "the subsidy did not see every registered-poor student";

  // Applications: everyone but three registered-poor students (who get a
  // recorded reason instead).
  sv1::SubmitApplicationsRequest apply;
  *apply.mutable_meta() = Meta("sys-apply");
  apply.set_round_id(round_id);
  const std::set<int> without_application = {3, 6, 9};
  for (int n = 0; n < kStudents; ++n) {
    if (without_application.count(n)) continue;
    sv1::ApplicationInput* input = apply.add_applications();
    input->set_student_id(ids[n]);
    input->mutable_attestation()->set_stamped_by("赵庄村委会");
    *input->mutable_attestation()->mutable_stamped_on() = rv1::Date();
    input->mutable_attestation()->mutable_stamped_on()->set_year(static_cast<int>(today.year()));
    input->mutable_attestation()->mutable_stamped_on()->set_month(today.month());
    input->mutable_attestation()->mutable_stamped_on()->set_day(today.day());
    input->mutable_attestation()->set_scan_ref(absl::StrCat("scan/", n, ".pdf"));
  }
  sv1::SubmitApplicationsResponse applied;
  grpc::Status apply_status = Call(*stub, &sv1::SubsidyService::Stub::SubmitApplications, apply, &applied);
  ASSERT_TRUE(apply_status.ok()) << apply_status.error_message();
  EXPECT_EQ(applied.round().pending_review(), kStudents - 3);

  // Review: every registered-poor applicant accepted; hardship students up to
  // the quota, the rest rejected.
  sv1::ReviewApplicationsRequest review;
  *review.mutable_meta() = Meta("sys-review");
  review.set_round_id(round_id);
  review.add_reviewers("钱校长");
  review.add_reviewers("孙老师");
  int hardship_accepted = 0;
  for (int n = 0; n < kStudents; ++n) {
    if (without_application.count(n)) continue;
    sv1::ReviewInput* input = review.add_reviews();
    input->set_student_id(ids[n]);
    if (Poor(n) || hardship_accepted < kQuota) {
      input->set_decision(sv1::REVIEW_DECISION_ACCEPTED);
      input->set_tier(1);
      if (!Poor(n)) ++hardship_accepted;
      expected_total += ExpectedSpringFen(n);
    } else {
      input->set_decision(sv1::REVIEW_DECISION_REJECTED);
      input->set_reason("beyond the school's quota");
    }
  }
  sv1::ReviewApplicationsResponse reviewed;
  grpc::Status review_status = Call(*stub, &sv1::SubsidyService::Stub::ReviewApplications, review, &reviewed);
  ASSERT_TRUE(review_status.ok()) << review_status.error_message();
  EXPECT_EQ(reviewed.round().quota_used(), kQuota);
  sv1::PublishNoticeRequest notice;
  *notice.mutable_meta() = Meta("sys-notice");
  notice.set_round_id(round_id);
  sv1::PublishNoticeResponse published;
  ASSERT_TRUE(Call(*stub, &sv1::SubsidyService::Stub::PublishNotice, notice, &published).ok());

  // The notice week: killed, and back eight days later.
  subsidy.Kill();
  subsidy.set_clock_offset_hours(8 * 24);
  ASSERT_TRUE(subsidy.Start());
  stub = sv1::SubsidyService::NewStub(security.Channel(subsidy.address(), admin, subsidy.now()));
  sv1::ApproveRoundRequest approve;
  *approve.mutable_meta() = Meta("sys-approve-1");
  approve.set_round_id(round_id);
  sv1::ApproveRoundResponse approved;
  grpc::Status refused = Call(*stub, &sv1::SubsidyService::Stub::ApproveRound, approve, &approved);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("3 registered-poor students"), std::string::npos) << refused.error_message();
  sv1::RecordCoverageReasonsRequest reasons;
  *reasons.mutable_meta() = Meta("sys-reasons");
  reasons.set_round_id(round_id);
  for (int n : without_application) {
    sv1::CoverageReasonInput* input = reasons.add_reasons();
    input->set_student_id(ids[n]);
    input->set_kind(sv1::COVERAGE_REASON_KIND_AIDED_ELSEWHERE);
    input->set_note("aided by the county foundation this semester");
  }
  sv1::RecordCoverageReasonsResponse recorded;
  ASSERT_TRUE(Call(*stub, &sv1::SubsidyService::Stub::RecordCoverageReasons, reasons, &recorded).ok());
  *approve.mutable_meta() = Meta("sys-approve-2");
  grpc::Status approve_status = Call(*stub, &sv1::SubsidyService::Stub::ApproveRound, approve, &approved);
  ASSERT_TRUE(approve_status.ok()) << approve_status.error_message();

  // The approved total is the table's sum; every registered-poor student is covered.
  const int accepted = poor - 3 + kQuota;
  EXPECT_EQ(approved.fixed(), accepted);
  EXPECT_EQ(approved.round().total_fen(), expected_total);
  sv1::GetEntitlementTotalsRequest totals_request;
  totals_request.set_semester(semester);
  totals_request.set_school_code(kSchool);
  sv1::GetEntitlementTotalsResponse totals;
  ASSERT_TRUE(Call(*stub, &sv1::SubsidyService::Stub::GetEntitlementTotals, totals_request, &totals).ok());
  EXPECT_EQ(totals.totals().payable_fen(), expected_total);
  EXPECT_EQ(totals.totals().registered_poor(), poor - 3);
  int64_t by_source = 0;
  for (const auto& part : totals.totals().payable_shares()) by_source += part.fen();
  EXPECT_EQ(by_source, expected_total);
  sv1::ListCoverageTodoRequest todo_request;
  todo_request.set_round_id(round_id);
  ASSERT_TRUE(Call(*stub, &sv1::SubsidyService::Stub::ListCoverageTodo, todo_request, &todo).ok());
  EXPECT_EQ(todo.total(), 0);
  std::cerr << "round " << round_id << ": " << accepted << " entitlements, " << expected_total
            << " fen, as the policy table says" << std::endl;

  // A rebuild from the topics gives the same bytes.
  common::v1::GetProjectionChecksumResponse live;
  ASSERT_TRUE(Call(subsidy.admin(), &common::v1::ProjectionAdminService::Stub::GetProjectionChecksum,
                   common::v1::GetProjectionChecksumRequest(), &live)
                  .ok());
  common::v1::RebuildProjectionResponse rebuilt;
  ASSERT_TRUE(Call(subsidy.admin(), &common::v1::ProjectionAdminService::Stub::RebuildProjection,
                   common::v1::RebuildProjectionRequest(), &rebuilt)
                  .ok());
  EXPECT_EQ(rebuilt.checksum(), live.checksum());

  // Disbursement: the approved semester becomes payments; every account of
  // the county gets its allocation, a batch, a bank file and a return with
  // failures, the failures are retried and paid. What is paid in the end is
  // the policy table's sum, to the fen.
  testing_support::ServiceProcessOptions dopts{
      ZIZHU_DISBURSEMENT_BINARY,
      bootstrap,
      "zizhu.disbursement.events.test",
      "disbursement-test",
      dir + "/disbursement",
      3,
      {"--subsidy-topic", so.topic, "--registry-topic", ro.topic, "--key-file", ro.key_file, "--city", "2101"},
      dir + "/disbursement.log"};
  testing_support::ServiceProcess disbursement(dopts);
  ASSERT_TRUE(disbursement.Start());
  auto pay = dv1::DisbursementService::NewStub(security.Channel(disbursement.address(), admin));
  dv1::ListAccountsRequest list;
  list.set_semester(semester);
  list.set_county_code("210102");
  dv1::ListAccountsResponse accounts;
  int64_t owed = 0;
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::ListAccounts, list, &accounts).ok());
    owed = 0;
    for (const auto& a : accounts.accounts()) {
      dv1::ListPaymentsRequest payments;
      *payments.mutable_account() = a.key();
      payments.set_page_size(1000);
      dv1::ListPaymentsResponse listed;
      ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::ListPayments, payments, &listed).ok());
      for (const auto& p : listed.payments()) owed += p.amount_fen();
    }
    if (owed == expected_total) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(owed, expected_total) << "payments recorded from the approved entitlements";
  int failures_retried = 0;
  for (const auto& a : accounts.accounts()) {
    dv1::AllocateFundsRequest allocate;
    *allocate.mutable_meta() = Meta("sys-allocate-" + a.account_id());
    *allocate.mutable_account() = a.key();
    allocate.set_fen(expected_total);  // more than enough
    allocate.set_document_ref("财教〔2027〕系统测试");
    dv1::AllocateFundsResponse allocated;
    ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::AllocateFunds, allocate, &allocated).ok());
    for (int round = 1; round <= 2; ++round) {
      dv1::BuildBatchRequest build;
      *build.mutable_meta() = Meta(absl::StrCat("sys-batch-", a.account_id(), "-", round));
      *build.mutable_account() = a.key();
      build.set_batch_id(absl::StrCat("B", round));
      build.set_bank("县农商银行");
      dv1::BuildBatchResponse built;
      grpc::Status batched = Call(*pay, &dv1::DisbursementService::Stub::BuildBatch, build, &built);
      ASSERT_TRUE(batched.ok()) << batched.error_message();
      dv1::ExportBankFileRequest export_request;
      *export_request.mutable_meta() = Meta(absl::StrCat("sys-export-", a.account_id(), "-", round));
      *export_request.mutable_account() = a.key();
      export_request.set_batch_id(build.batch_id());
      dv1::ExportBankFileResponse file;
      ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::ExportBankFile, export_request, &file).ok());
      ASSERT_EQ(file.lines_size(), built.batch().lines_size());
      for (const auto& line : file.lines()) EXPECT_EQ(line.bank_card().substr(0, 8), "62170000");
      dv1::RecordBankReturnRequest bank_return;
      *bank_return.mutable_meta() = Meta(absl::StrCat("sys-return-", a.account_id(), "-", round));
      *bank_return.mutable_account() = a.key();
      bank_return.set_batch_id(build.batch_id());
      std::vector<std::string> failed;
      for (int i = 0; i < file.lines_size(); ++i) {
        dv1::ReturnLine* line = bank_return.add_lines();
        line->set_reference(file.lines(i).reference());
        line->set_fen(file.lines(i).fen());
        const bool fail = round == 1 && i % 7 == 3;  // the first return fails some: name mismatch
        line->set_outcome(fail ? dv1::RETURN_OUTCOME_FAILED : dv1::RETURN_OUTCOME_PAID);
        if (fail) {
          line->set_reason("户名不符 name mismatch");
          failed.push_back(built.batch().lines(i).payment_id());
        }
        bank_return.set_control_fen(bank_return.control_fen() + line->fen());
      }
      bank_return.set_control_count(bank_return.lines_size());
      dv1::RecordBankReturnResponse recorded;
      grpc::Status returned = Call(*pay, &dv1::DisbursementService::Stub::RecordBankReturn, bank_return, &recorded);
      ASSERT_TRUE(returned.ok()) << returned.error_message();
      if (failed.empty()) break;
      dv1::RetryPaymentsRequest retry;
      *retry.mutable_meta() = Meta("sys-retry-" + a.account_id());
      *retry.mutable_account() = a.key();
      for (const auto& id : failed) retry.add_payment_ids(id);
      retry.set_note("户名已在学籍系统更正");
      dv1::RetryPaymentsResponse retried;
      ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::RetryPayments, retry, &retried).ok());
      failures_retried += static_cast<int>(failed.size());
    }
  }
  EXPECT_GT(failures_retried, 0);
  dv1::ReconcileRequest reconcile;
  reconcile.set_semester(semester);
  reconcile.set_county_code("210102");
  dv1::ReconcileResponse reconciliation;
  ASSERT_TRUE(Call(*pay, &dv1::DisbursementService::Stub::Reconcile, reconcile, &reconciliation).ok());
  int64_t paid = 0;
  for (const auto& a : reconciliation.accounts()) {
    EXPECT_TRUE(a.balanced()) << a.account().account_id();
    EXPECT_EQ(a.failed(), 0);
    EXPECT_EQ(a.pending(), 0);
    EXPECT_EQ(a.account().balances().debits(), a.account().balances().credits());
    paid += a.account().balances().paid();
  }
  EXPECT_EQ(paid, expected_total) << "paid across the county's fund accounts";
  std::cerr << "disbursement: " << reconciliation.accounts_size() << " accounts, " << failures_retried
            << " failures retried, " << paid << " fen paid" << std::endl;
  disbursement.Stop();
  subsidy.Stop();
  registry.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zizhu
