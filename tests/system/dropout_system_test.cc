// The dropout ledger on the real broker: the registry and the dropout service
// as processes. The registry marks students dropped out; cases open by
// themselves; the dropout process is SIGKILLed while it reacts and restarted:
// no case opens twice. A team and a visit are recorded, the cross-off is
// refused until the registry marks the student enrolled again, then it
// passes, and the county's junior-middle rate moves as a count made here says.
#include <grpcpp/grpcpp.h>

#include <filesystem>
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
#include "zizhu/dropout/v1/dropout_service.grpc.pb.h"

namespace zizhu {
namespace {

namespace rv1 = registry::v1;
namespace dv1 = dropout::v1;
using DropoutStub = dv1::DropoutService::Stub;

constexpr char kSchool[] = "210102000888";
constexpr int kStudents = 200;  // junior middle
constexpr int kDropouts = 30;   // students 0..29 drop out

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

rv1::Date Today() {
  const absl::CivilDay day = CivilDayInChina(absl::Now());
  rv1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

grpc::Status ChangeStatus(testing_support::RegistryProcess& registry, const std::string& request_id,
                          const std::string& student, rv1::EnrolmentStatus status, const std::string& school = "") {
  rv1::ChangeEnrolmentStatusRequest change;
  *change.mutable_meta() = Meta(request_id);
  change.set_student_id(student);
  change.set_status(status);
  *change.mutable_effective_date() = Today();
  change.set_reason(status == rv1::ENROLMENT_STATUS_DROPPED_OUT ? "外出务工" : "返校");
  change.set_school_code(school);
  rv1::ChangeEnrolmentStatusResponse response;
  return Call(registry.stub(), &rv1::RegistryService::Stub::ChangeEnrolmentStatus, change, &response);
}

std::vector<dv1::CaseRecord> AllCases(DropoutStub& stub) {
  dv1::ListCasesRequest list;
  list.set_county_code("210102");
  list.set_page_size(1000);
  dv1::ListCasesResponse response;
  if (!Call(stub, &DropoutStub::ListCases, list, &response).ok()) return {};
  return {response.cases().begin(), response.cases().end()};
}

const dv1::StageRate* Junior(const dv1::GetRatesResponse& rates) {
  for (const auto& c : rates.counties()) {
    for (const auto& s : c.stages()) {
      if (c.county_code() == "210102" && s.stage() == rv1::EDUCATION_STAGE_JUNIOR_MIDDLE) return &s;
    }
  }
  return nullptr;
}

TEST(DropoutSystemTest, CasesOpenOnceThroughASigkillAndAreCrossedOffWhenTheRegistryShowsTheReturn) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/zizhu-system-dropout");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string bootstrap = testing_support::GlobalBroker().bootstrap();
  const testing_support::RegistryProcessOptions ro = testing_support::RegistryForTest(bootstrap, "dropout", dir);
  testing_support::RegistryProcess registry(ro);
  ASSERT_TRUE(registry.Start());
  testing_support::ServiceProcessOptions so{
      ZIZHU_DROPOUT_BINARY,
      bootstrap,
      "zizhu.dropout.events.test",
      "dropout-test",
      dir + "/dropout",
      3,
      {"--registry-topic", ro.topic, "--city", "2101", "--key-file", ro.key_file, "--targets",
       std::string(ZIZHU_SOURCE_DIR) + "/services/dropout/policy/targets.yaml"},
      dir + "/dropout.log"};
  testing_support::ServiceProcess dropout(so);
  ASSERT_TRUE(dropout.Start());
  const auto& security = testing_support::TestSecurity::Get();
  const auth::Caller officer{"county-officer", auth::Role::kCountyOfficer, "210102", "t-officer"};

  rv1::RegisterSchoolRequest school;
  *school.mutable_meta() = Meta("dsys-school");
  school.set_school_code(kSchool);
  school.set_name("系统测试初级中学");
  school.set_county_code("210102");
  school.add_stages(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
  rv1::RegisterSchoolResponse school_response;
  ASSERT_TRUE(Call(registry.stub(), &rv1::RegistryService::Stub::RegisterSchool, school, &school_response).ok());
  std::vector<std::string> ids(kStudents);
  for (int n = 0; n < kStudents; ++n) {
    rv1::RegisterStudentRequest student;
    *student.mutable_meta() = Meta(absl::StrCat("dsys-student-", n));
    student.set_name("钱小芳");
    const std::string first17 = absl::StrFormat("2101022012%02d%02d%03d", 1 + n % 12, 1 + n % 28, n);
    student.set_national_id(first17 + rules::NationalIdCheckCharacter(first17));
    student.set_stage(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    student.set_school_code(kSchool);
    student.set_grade(1 + n % 3);
    rv1::RegisterStudentResponse response;
    grpc::Status status = Call(registry.stub(), &rv1::RegistryService::Stub::RegisterStudent, student, &response);
    ASSERT_TRUE(status.ok()) << n << ": " << status.error_message();
    ids[n] = response.student().student_id();
  }

  // Dropouts; the dropout process is killed while it reacts, and restarted.
  for (int n = 0; n < kDropouts; ++n) {
    ASSERT_TRUE(ChangeStatus(registry, absl::StrCat("dsys-drop-", n), ids[n], rv1::ENROLMENT_STATUS_DROPPED_OUT).ok());
    if (n == kDropouts / 2) dropout.Kill();
  }
  ASSERT_TRUE(dropout.Start());
  auto stub = dv1::DropoutService::NewStub(security.Channel(dropout.address(), officer));
  std::vector<dv1::CaseRecord> cases;
  for (int i = 0; i < 600 && (cases = AllCases(*stub)).size() < static_cast<size_t>(kDropouts); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(cases.size(), static_cast<size_t>(kDropouts)) << "see " << so.log_file;
  std::set<std::string> subjects;
  for (const auto& c : cases) {
    EXPECT_TRUE(subjects.insert(c.subject()).second) << "a second case for " << c.subject();
    EXPECT_EQ(c.case_id(), c.subject() + "#1");  // the first and only case of each student
    EXPECT_EQ(c.origin(), dv1::CASE_ORIGIN_REGISTRY_DROPOUT);
    EXPECT_EQ(c.state(), dv1::CASE_STATE_OPEN);
  }
  // The rate, against a count made here: 30 of 200 junior pupils.
  // (a case is durable before the registry event's rows, the counts, are written)
  dv1::GetRatesResponse rates;
  for (int i = 0; i < 600; ++i) {
    if (Call(*stub, &DropoutStub::GetRates, dv1::GetRatesRequest(), &rates).ok() && Junior(rates) != nullptr &&
        Junior(rates)->dropped_out() == kDropouts) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(Junior(rates), nullptr);
  EXPECT_EQ(Junior(rates)->dropped_out(), kDropouts);
  EXPECT_EQ(Junior(rates)->base(), kStudents);
  EXPECT_EQ(Junior(rates)->rate_bp(), kDropouts * 10000 / kStudents);  // 15.00 %
  EXPECT_FALSE(Junior(rates)->meets_target());

  // Student 0: team, visit, cross-off refused, the return, crossed off.
  const std::string case_id = ids[0] + "#1";
  dv1::AssignTeamRequest team;
  *team.mutable_meta() = Meta("dsys-team");
  team.set_case_id(case_id);
  const std::pair<dv1::TeamRole, const char*> members[] = {{dv1::TEAM_ROLE_TEACHER, "孙老师"},
                                                           {dv1::TEAM_ROLE_VILLAGE_CADRE, "村主任周某"},
                                                           {dv1::TEAM_ROLE_GUARDIAN, "钱父"}};
  for (const auto& [role, name] : members) {
    dv1::TeamMember* m = team.add_team();
    m->set_role(role);
    m->set_name(name);
  }
  dv1::AssignTeamResponse assigned;
  ASSERT_TRUE(Call(*stub, &DropoutStub::AssignTeam, team, &assigned).ok());
  EXPECT_TRUE(assigned.case_().team_complete());
  dv1::RecordVisitRequest visit;
  *visit.mutable_meta() = Meta("dsys-visit");
  visit.set_case_id(case_id);
  *visit.mutable_visit()->mutable_date() = Today();
  visit.mutable_visit()->add_visitors("孙老师");
  visit.mutable_visit()->set_agreed("下周返校");
  dv1::RecordVisitResponse visited;
  ASSERT_TRUE(Call(*stub, &DropoutStub::RecordVisit, visit, &visited).ok());
  dv1::CrossOffCaseRequest cross;
  *cross.mutable_meta() = Meta("dsys-cross-early");
  cross.set_case_id(case_id);
  dv1::CrossOffCaseResponse crossed;
  EXPECT_EQ(Call(*stub, &DropoutStub::CrossOffCase, cross, &crossed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(ChangeStatus(registry, "dsys-back-0", ids[0], rv1::ENROLMENT_STATUS_ENROLLED, kSchool).ok());
  dv1::GetCaseRequest get;
  get.set_case_id(case_id);
  dv1::GetCaseResponse got;
  for (int i = 0; i < 600; ++i) {
    if (Call(*stub, &DropoutStub::GetCase, get, &got).ok() &&
        got.case_().evidence().kind() == dv1::EVIDENCE_KIND_RETURNED) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(got.case_().evidence().kind(), dv1::EVIDENCE_KIND_RETURNED);
  *cross.mutable_meta() = Meta("dsys-cross");
  cross.set_note("返校复学");
  grpc::Status crossed_off = Call(*stub, &DropoutStub::CrossOffCase, cross, &crossed);
  ASSERT_TRUE(crossed_off.ok()) << crossed_off.error_message();
  EXPECT_EQ(crossed.case_().state(), dv1::CASE_STATE_CROSSED_OFF);
  for (int i = 0; i < 600; ++i) {
    if (Call(*stub, &DropoutStub::GetRates, dv1::GetRatesRequest(), &rates).ok() &&
        Junior(rates)->dropped_out() == kDropouts - 1) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Junior(rates)->dropped_out(), kDropouts - 1);
  EXPECT_EQ(Junior(rates)->rate_bp(), (kDropouts - 1) * 10000 / kStudents);  // 14.50 %
  EXPECT_EQ(rates.counties(0).open_cases(), kDropouts - 1);
  // Still one case per student, after everything.
  EXPECT_EQ(AllCases(*stub).size(), static_cast<size_t>(kDropouts));
}

}  // namespace
}  // namespace zizhu
