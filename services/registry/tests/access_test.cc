// Who may call what: every RPC of the registry's services, called with no
// credentials, an expired token, a forged token, and as each role from
// another scope. The table must name every method of every service the
// registry serves (a new RPC without a row fails here), and no call from
// another scope may succeed with another school's data in its answer.
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/common/auth/tokens.h"
#include "services/common/crypto/sha256.h"
#include "services/common/testing/access_table.h"
#include "services/common/testing/raw_call.h"
#include "services/registry/tests/registry_harness.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/integration/v1/integration_service.grpc.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::registry {
namespace {

namespace iv1 = zizhu::integration::v1;
using auth::Caller;
using auth::Role;

constexpr char kSchoolA[] = "3121000001";  // county 210102, city 2101: the data
constexpr char kSchoolB[] = "3121000002";  // county 210103: the callers' school

using Answer = testing_kit::RawAnswer;
using testing_kit::CallRaw;

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/access_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/agencies") << "fpb-210102 poverty " << Sha256Hex("poverty-secret") << "\n";
    vault_ = PersonalDataVault::FromHexKey(std::string(64, 'b')).value();
    RegistryOptions options;
    options.agencies_file = dir_ + "/agencies";
    service::ServiceHostOptions host;
    host.city = "2101";
    registry_ = Registry::Create(options, vault_.get()).value();
    harness_ = testing_kit::ServiceHarness::Start(registry_.get(), topics_, kRegistryTopic, &clock_,
                                                  dir_ + "/projection", host)
                   .value();
    Seed();
  }
  void TearDown() override {
    harness_.reset();
    std::filesystem::remove_all(dir_);
  }

  static std::string Meta(const std::string& id) {
    common::v1::CommandMeta m;
    m.set_request_id(id);
    return m.SerializeAsString();
  }

  // School A with a student, a household, a roster import and a reveal, as
  // the city's administrator.
  void Seed() {
    auto stub = v1::RegistryService::NewStub(harness_->channel());
    for (auto [code, county] : {std::pair{kSchoolA, "210102"}, std::pair{kSchoolB, "210103"}}) {
      v1::RegisterSchoolRequest school;
      school.mutable_meta()->set_request_id(absl::StrCat("school-", code));
      school.set_school_code(code);
      school.set_name(absl::StrCat("学校", code));
      school.set_county_code(county);
      school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
      v1::RegisterSchoolResponse r;
      grpc::ClientContext ctx;
      ASSERT_TRUE(stub->RegisterSchool(&ctx, school, &r).ok());
    }
    v1::RegisterHouseholdRequest household;
    household.mutable_meta()->set_request_id("household-1");
    household.set_household_number("H210102001");
    household.set_head_name("张秘密");
    household.set_household_type(v1::HOUSEHOLD_TYPE_GENERAL);
    v1::RegisterHouseholdResponse hr;
    grpc::ClientContext c1;
    ASSERT_TRUE(stub->RegisterHousehold(&c1, household, &hr).ok());
    national_id_ = std::string("21010220150301123") + rules::NationalIdCheckCharacter("21010220150301123");
    v1::RegisterStudentRequest student;
    student.mutable_meta()->set_request_id("student-1");
    student.set_name("张秘密");
    student.set_national_id(national_id_);
    student.set_stage(v1::EDUCATION_STAGE_PRIMARY);
    student.set_school_code(kSchoolA);
    student.set_grade(3);
    student.set_class_name("1班");
    student.set_household_number("H210102001");
    student.set_bank_card("6217000010009876543");
    v1::RegisterStudentResponse sr;
    grpc::ClientContext c2;
    ASSERT_TRUE(stub->RegisterStudent(&c2, student, &sr).ok());
    student_id_ = sr.student().student_id();
    v1::GetStudentRequest reveal;
    reveal.set_student_id(student_id_);
    reveal.mutable_reveal()->mutable_meta()->set_request_id("reveal-1");
    reveal.mutable_reveal()->set_reason("资助核对");
    v1::GetStudentResponse gr;
    grpc::ClientContext c3;
    ASSERT_TRUE(stub->GetStudent(&c3, reveal, &gr).ok());
    auto roster = v1::RosterService::NewStub(harness_->channel());
    v1::StartRosterImportRequest start;
    start.mutable_meta()->set_request_id("import-1");
    start.set_source(v1::ROSTER_SOURCE_POVERTY_OFFICE);
    start.set_agency("poverty-office");
    start.set_file_name("poverty.csv");
    start.set_file_hash(std::string(64, 'a'));
    start.set_declared_rows(1);
    v1::StartRosterImportResponse started;
    grpc::ClientContext c4;
    ASSERT_TRUE(roster->StartRosterImport(&c4, start, &started).ok());
    import_id_ = started.import().import_id();
  }

  // A request for each method, aimed at school A's data; `tag` makes the
  // request ids the caller's own.
  std::map<std::string, std::string> Requests(const std::string& tag = "") const {
    auto Meta = [&tag](const std::string& id) { return AccessTest::Meta(id + tag); };
    std::map<std::string, std::string> r;
    const std::string rs = "/zizhu.registry.v1.RegistryService/";
    {
      v1::RegisterSchoolRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-school"));
      q.set_school_code("3121000009");
      q.set_name("新学校");
      q.set_county_code("210102");
      q.add_stages(v1::EDUCATION_STAGE_PRIMARY);
      r[rs + "RegisterSchool"] = q.SerializeAsString();
    }
    {
      v1::RegisterHouseholdRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-household"));
      q.set_household_number(absl::StrCat("H2101027", tag.size(), static_cast<int>(tag.empty() ? 0 : tag[0])));
      q.set_head_name("李四");
      q.set_household_type(v1::HOUSEHOLD_TYPE_GENERAL);
      r[rs + "RegisterHousehold"] = q.SerializeAsString();
    }
    {
      v1::RegisterStudentRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-student"));
      q.set_name("王五");
      q.set_national_id(std::string("21010220150301456") + rules::NationalIdCheckCharacter("21010220150301456"));
      q.set_stage(v1::EDUCATION_STAGE_PRIMARY);
      q.set_school_code(kSchoolA);
      q.set_grade(2);
      r[rs + "RegisterStudent"] = q.SerializeAsString();
    }
    {
      v1::UpdateStudentAttributesRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-update"));
      q.set_student_id(student_id_);
      q.set_class_name("2班");
      r[rs + "UpdateStudentAttributes"] = q.SerializeAsString();
    }
    {
      v1::ChangeEnrolmentStatusRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-status"));
      q.set_student_id(student_id_);
      q.set_status(v1::ENROLMENT_STATUS_SUSPENDED);
      q.mutable_effective_date()->set_year(2026);
      q.mutable_effective_date()->set_month(5);
      q.mutable_effective_date()->set_day(1);
      q.set_reason("病休");
      r[rs + "ChangeEnrolmentStatus"] = q.SerializeAsString();
    }
    {
      // Into school A: only the callers of school A (its county, the city) may.
      v1::RecordTransferInRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-transfer-in"));
      q.set_national_id(national_id_);
      q.set_school_code(kSchoolA);
      q.mutable_effective_date()->set_year(2026);
      q.mutable_effective_date()->set_month(5);
      q.mutable_effective_date()->set_day(1);
      q.set_evidence_ref("转学联系函 2026-17");
      r[rs + "RecordTransferIn"] = q.SerializeAsString();
    }
    {
      v1::AssignResponsiblePeopleRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-assign"));
      q.set_student_id(student_id_);
      q.mutable_class_teacher()->set_name("赵老师");
      r[rs + "AssignResponsiblePeople"] = q.SerializeAsString();
    }
    {
      v1::GetStudentRequest q;
      q.set_student_id(student_id_);
      r[rs + "GetStudent"] = q.SerializeAsString();
      q.mutable_reveal()->mutable_meta()->ParseFromString(Meta("t-reveal"));
      q.mutable_reveal()->set_reason("查看");
      r[rs + "GetStudent#reveal"] = q.SerializeAsString();
    }
    {
      v1::FindStudentByNationalIdRequest q;
      q.set_national_id(national_id_);
      r[rs + "FindStudentByNationalId"] = q.SerializeAsString();
    }
    {
      v1::ListStudentsRequest q;
      r[rs + "ListStudents"] = q.SerializeAsString();
      q.set_school_code(kSchoolA);
      r[rs + "ListStudents#school"] = q.SerializeAsString();
    }
    {
      v1::GetSchoolRequest q;
      q.set_school_code(kSchoolA);
      r[rs + "GetSchool"] = q.SerializeAsString();
    }
    {
      v1::ListSchoolsRequest q;
      r[rs + "ListSchools"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[rs + "ListSchools#county"] = q.SerializeAsString();
    }
    {
      v1::GetHouseholdRequest q;
      q.set_household_number("H210102001");
      r[rs + "GetHousehold"] = q.SerializeAsString();
      q.set_student_id(student_id_);  // through school A's pupil: only school A's scope reads it so
      r[rs + "GetHousehold#pupil"] = q.SerializeAsString();
    }
    r[rs + "ListPersonalDataReveals"] = v1::ListPersonalDataRevealsRequest().SerializeAsString();

    const std::string ro = "/zizhu.registry.v1.RosterService/";
    {
      v1::StartRosterImportRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-start"));
      q.set_source(v1::ROSTER_SOURCE_CIVIL_AFFAIRS);
      q.set_agency("civil");
      q.set_file_name("civil.csv");
      q.set_file_hash(std::string(64, 'c'));
      q.set_declared_rows(1);
      r[ro + "StartRosterImport"] = q.SerializeAsString();
    }
    {
      v1::AppendRosterRowsRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-append"));
      q.set_import_id(import_id_);
      v1::RosterRowInput* row = q.add_rows();
      row->set_row_number(1);
      (*row->mutable_fields())["name"] = "李四";
      (*row->mutable_fields())["national_id"] = national_id_;
      r[ro + "AppendRosterRows"] = q.SerializeAsString();
    }
    {
      v1::CompleteRosterImportRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-complete"));
      q.set_import_id(import_id_);
      r[ro + "CompleteRosterImport"] = q.SerializeAsString();
    }
    {
      v1::GetRosterImportRequest q;
      q.set_import_id(import_id_);
      r[ro + "GetRosterImport"] = q.SerializeAsString();
    }
    {
      v1::RunCrossMatchRequest q;
      q.mutable_meta()->ParseFromString(Meta("t-match"));
      q.mutable_as_of()->set_year(2026);
      q.mutable_as_of()->set_month(9);
      q.mutable_as_of()->set_day(1);
      r[ro + "RunCrossMatch"] = q.SerializeAsString();
    }
    r[ro + "GetMatchSummary"] = v1::GetMatchSummaryRequest().SerializeAsString();
    {
      v1::ListMatchResultsRequest q;
      q.set_category(v1::MATCH_CATEGORY_NO_FINDING);
      r[ro + "ListMatchResults"] = q.SerializeAsString();
      q.set_county("210102");
      r[ro + "ListMatchResults#county"] = q.SerializeAsString();
    }
    testing_kit::AddProjectionAdminRows(r);
    return r;
  }

  // What a caller from another scope must never see in an answer.
  std::vector<std::string> Secrets() const {
    return {student_id_, national_id_, "张秘密", "张*密", kSchoolA, "6217000010009876543", import_id_, "资助核对"};
  }

  std::shared_ptr<grpc::Channel> As(const Caller& caller) const { return harness_->ChannelAs(caller); }

  std::string dir_;
  testing_kit::MemoryTopics topics_;
  ManualClock clock_{absl::FromUnixSeconds(1780000000)};
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
  std::string student_id_, national_id_, import_id_;
};

std::string MethodOf(const std::string& key) { return key.substr(0, key.find('#')); }

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
  if (!service) ADD_FAILURE() << "no service " << name;
  return service;
}

TEST_F(AccessTest, TheTableNamesEveryMethodOfEveryService) {
  std::set<std::string> covered;
  for (const auto& [key, request] : Requests()) covered.insert(MethodOf(key));
  for (const char* service_name : {"zizhu.registry.v1.RegistryService", "zizhu.registry.v1.RosterService",
                                   "zizhu.common.v1.ProjectionAdminService"}) {
    const auto* service = Service(service_name);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string name = absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
      EXPECT_TRUE(covered.count(name)) << name << " has no row in the access table";
    }
  }
}

TEST_F(AccessTest, NoTokenExpiredTokenForgedTokenAreUnauthenticatedEverywhere) {
  const Caller admin = testing_kit::ServiceHarness::DefaultCaller();
  auth::PublicKey other_pk;
  auth::SecretKey other_sk;
  crypto_sign_keypair(other_pk.data(), other_sk.data());
  const std::map<std::string, std::string> tokens = {
      {"none", ""},
      {"expired", harness_->Token(admin, absl::Seconds(-1))},
      {"forged", auth::IssueToken(other_sk, admin, clock_.Now(), absl::Hours(1), "forged").value()},
      {"garbage", "v4.public.bm90IGEgdG9rZW4"},
  };
  for (const auto& [kind, token] : tokens) {
    auto channel = harness_->ChannelWithToken(token);
    for (const auto& [method, request] : Requests()) {
      Answer a = CallRaw(channel, MethodOf(method), request);
      EXPECT_EQ(a.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << kind << " token, " << method;
      for (const auto& secret : Secrets()) {
        EXPECT_EQ(a.status.error_message().find(secret), std::string::npos) << kind << " " << method;
      }
    }
  }
}

TEST_F(AccessTest, EveryRoleFromAnotherScopeGetsNothingOfSchoolA) {
  // OK is allowed only where the call creates something of the caller's own
  // or lists within the caller's own scope; the answer must then hold none
  // of school A's data.
  const std::set<std::string> may_succeed = {
      "/zizhu.registry.v1.RegistryService/RegisterHousehold",  // a new household of the caller's
      "/zizhu.registry.v1.RegistryService/ListStudents",       // own scope only
      "/zizhu.registry.v1.RegistryService/ListSchools",
      "/zizhu.registry.v1.RegistryService/ListSchools#county",
      "/zizhu.registry.v1.RegistryService/ListPersonalDataReveals",
      "/zizhu.registry.v1.RosterService/GetMatchSummary",
      "/zizhu.registry.v1.RosterService/ListMatchResults",
  };
  const std::vector<Caller> callers = {
      {"op-b", Role::kSchoolOperator, kSchoolB, "t1"},     {"rev-b", Role::kReviewer, kSchoolB, "t2"},
      {"officer-c", Role::kCountyOfficer, "210103", "t3"}, {"auditor-c", Role::kAuditor, "210103", "t4"},
      {"admin-x", Role::kCityAdmin, "2201", "t5"},
  };
  int calls = 0;
  for (const Caller& caller : callers) {
    auto channel = As(caller);
    for (const auto& [key, request] : Requests(caller.subject)) {
      Answer a = CallRaw(channel, MethodOf(key), request);
      ++calls;
      const std::string where = absl::StrCat(auth::RoleName(caller.role), " ", caller.scope, ", ", key, ": ",
                                             a.status.error_code(), " ", a.status.error_message());
      if (a.status.ok()) {
        EXPECT_TRUE(may_succeed.count(key)) << where;
      } else {
        EXPECT_TRUE(a.status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                    a.status.error_code() == grpc::StatusCode::NOT_FOUND)
            << where;
      }
      for (const auto& secret : Secrets()) {
        EXPECT_EQ(a.bytes.find(secret), std::string::npos) << where << " answers '" << secret << "'";
        if (request.find(secret) == std::string::npos) {  // an error may repeat what the caller sent
          EXPECT_EQ(a.status.error_message().find(secret), std::string::npos) << where;
        }
      }
    }
  }
  EXPECT_EQ(calls, static_cast<int>(callers.size() * Requests().size()));
}

TEST_F(AccessTest, AWrongAgencyKeyIsUnauthenticated) {
  auto channel = harness_->ChannelWithToken("");
  iv1::PullMatchResultsRequest pull;
  pull.set_category(v1::MATCH_CATEGORY_NO_FINDING);
  iv1::PushRosterChangesRequest push;
  push.set_request_id("push-1");
  push.add_changes()->set_row_number(1);
  for (const auto& [agency, key] : std::vector<std::pair<std::string, std::string>>{
           {"fpb-210102", "wrong-secret"}, {"nobody", "poverty-secret"}, {"", ""}}) {
    const std::vector<std::pair<std::string, std::string>> md = {{"x-zizhu-agency", agency},
                                                                 {"x-zizhu-agency-key", key}};
    for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
             {"/zizhu.integration.v1.AgencyIntegrationService/PullMatchResults", pull.SerializeAsString()},
             {"/zizhu.integration.v1.AgencyIntegrationService/PushRosterChanges", push.SerializeAsString()}}) {
      Answer a = CallRaw(channel, method, request, md);
      EXPECT_EQ(a.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << agency << " " << method;
    }
  }
  const auto* integration = Service("zizhu.integration.v1.AgencyIntegrationService");
  for (int i = 0; i < integration->method_count(); ++i) {
    const std::string name = integration->method(i)->name();
    EXPECT_TRUE(name == "PullMatchResults" || name == "PushRosterChanges") << name << " is not in this table";
  }
}

TEST_F(AccessTest, EveryRevealIsAuditedOnceAndTheAuditorListsThem) {
  const Caller operator_a{"li.na", Role::kSchoolOperator, kSchoolA, "t-op"};
  auto stub = v1::RegistryService::NewStub(As(operator_a));
  auto reveal = [&](const std::string& request_id, const std::string& student_id) {
    v1::GetStudentRequest q;
    q.set_student_id(student_id);
    q.mutable_reveal()->mutable_meta()->set_request_id(request_id);
    q.mutable_reveal()->set_reason("家访核对");
    v1::GetStudentResponse r;
    grpc::ClientContext ctx;
    return stub->GetStudent(&ctx, q, &r);
  };
  // A second student in school A.
  v1::RegisterStudentRequest second;
  second.mutable_meta()->set_request_id("student-2");
  second.set_name("李二");
  second.set_national_id(std::string("21010220150301789") + rules::NationalIdCheckCharacter("21010220150301789"));
  second.set_stage(v1::EDUCATION_STAGE_PRIMARY);
  second.set_school_code(kSchoolA);
  second.set_grade(1);
  v1::RegisterStudentResponse registered;
  grpc::ClientContext c0;
  ASSERT_TRUE(stub->RegisterStudent(&c0, second, &registered).ok());
  const std::string other = registered.student().student_id();

  auto audit = [&](const Caller& who) {
    v1::ListPersonalDataRevealsRequest q;
    q.set_page_size(100);
    v1::ListPersonalDataRevealsResponse r;
    grpc::ClientContext ctx;
    grpc::Status s = v1::RegistryService::NewStub(As(who))->ListPersonalDataReveals(&ctx, q, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  };
  const Caller auditor{"shen.ji", Role::kAuditor, "2101", "t-aud"};
  const int before = audit(auditor).reveals_size();  // the seed's one reveal
  EXPECT_EQ(before, 1);

  ASSERT_TRUE(reveal("op-reveal-1", student_id_).ok());
  ASSERT_TRUE(reveal("op-reveal-2", student_id_).ok());
  grpc::Status reused = reveal("op-reveal-1", other);  // same request id, another student
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::ALREADY_EXISTS) << reused.error_message();
  grpc::Status repeated = reveal("op-reveal-2", student_id_);  // a repeat is not answered in clear
  EXPECT_EQ(repeated.error_code(), grpc::StatusCode::ALREADY_EXISTS) << repeated.error_message();
  // A reviewer may not reveal at all.
  v1::GetStudentRequest q;
  q.set_student_id(student_id_);
  q.mutable_reveal()->mutable_meta()->set_request_id("rev-reveal");
  q.mutable_reveal()->set_reason("看看");
  v1::GetStudentResponse r;
  grpc::ClientContext c1;
  EXPECT_EQ(v1::RegistryService::NewStub(As({"rev", Role::kReviewer, kSchoolA, "t-rev"}))
                ->GetStudent(&c1, q, &r)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListPersonalDataRevealsResponse listed = audit(auditor);
  ASSERT_EQ(listed.reveals_size(), before + 2);  // exactly one event per successful reveal
  int by_operator = 0;
  for (const v1::PersonalDataReveal& e : listed.reveals()) {
    if (e.actor() != "school_operator:li.na") continue;  // who: from the token, not the request
    ++by_operator;
    EXPECT_EQ(e.actor_org_scope(), kSchoolA);
    EXPECT_EQ(e.student_id(), student_id_);  // whom
    EXPECT_TRUE(e.has_revealed_at());        // when
    EXPECT_EQ(e.reason(), "家访核对");
  }
  EXPECT_EQ(by_operator, 2);
  // An auditor of another county sees none of them; an operator may not list.
  EXPECT_EQ(audit({"aud-c", Role::kAuditor, "210103", "t-aud-c"}).reveals_size(), 0);
  v1::ListPersonalDataRevealsResponse none;
  grpc::ClientContext c2;
  EXPECT_EQ(stub->ListPersonalDataReveals(&c2, v1::ListPersonalDataRevealsRequest(), &none).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace zizhu::registry
