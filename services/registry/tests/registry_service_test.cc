// The real gRPC server on port 0 over the in-memory event log.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "services/common/es/memory_event_log.h"
#include "services/registry/app/registry_app.h"
#include "services/registry/domain/registry_decisions.h"
#include "services/registry/tests/registry_harness.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::registry {
namespace {

constexpr char kKey[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

std::string ValidId(const std::string& first17) { return first17 + rules::NationalIdCheckCharacter(first17); }

class RegistryServiceTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/registry_svc_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    vault_ = PersonalDataVault::FromHexKey(kKey).value();
    StartServer();
  }
  void StartServer() {
    server_ = RegistryUnderTest::Start(topics_, vault_.get(), &clock_, dir_);
    channel_ = server_->channel();
    stub_ = v1::RegistryService::NewStub(channel_);
    admin_ = common::v1::ProjectionAdminService::NewStub(channel_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  common::v1::CommandMeta Meta(const std::string& request_id) {
    common::v1::CommandMeta m;
    m.set_request_id(request_id);
    m.set_actor("operator:test");
    m.set_org_scope("city:2101/county:210102");
    return m;
  }

  void RegisterSchoolAndHousehold() {
    v1::RegisterSchoolRequest school;
    *school.mutable_meta() = Meta("school-1");
    school.set_school_code("3121000001");
    school.set_name("红星小学");
    school.set_county_code("210102");
    school.set_county_name("和平区");
    school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
    v1::RegisterSchoolResponse school_resp;
    grpc::ClientContext c1;
    ASSERT_TRUE(stub_->RegisterSchool(&c1, school, &school_resp).ok());
    v1::RegisterHouseholdRequest household;
    *household.mutable_meta() = Meta("household-1");
    household.set_household_number("H210102001");
    household.set_head_name("张大山");
    household.set_household_type(v1::HOUSEHOLD_TYPE_GENERAL);
    v1::RegisterHouseholdResponse household_resp;
    grpc::ClientContext c2;
    ASSERT_TRUE(stub_->RegisterHousehold(&c2, household, &household_resp).ok());
  }

  v1::RegisterStudentRequest Student(int n, const std::string& request_id) {
    v1::RegisterStudentRequest r;
    *r.mutable_meta() = Meta(request_id);
    r.set_name("张小明");
    r.set_national_id(ValidId(absl::StrCat("2101022015030", 1000 + n)));
    r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
    r.set_school_code("3121000001");
    r.set_grade(3);
    r.set_class_name(n % 2 == 0 ? "1班" : "2班");
    r.add_categories(v1::POVERTY_CATEGORY_REGISTERED_POOR);
    r.set_household_number("H210102001");
    r.set_bank_card("6217000010001234567");
    r.set_phone("13812345678");
    return r;
  }

  grpc::Status Register(const v1::RegisterStudentRequest& r, v1::RegisterStudentResponse* out) {
    grpc::ClientContext ctx;
    return stub_->RegisterStudent(&ctx, r, out);
  }

  std::string dir_;
  testing_kit::MemoryTopics topics_;
  es::MemoryEventLog& log_ = *topics_.Get(kRegistryTopic);
  ManualClock clock_{absl::FromUnixSeconds(1780000000)};
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<RegistryUnderTest> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::unique_ptr<common::v1::ProjectionAdminService::Stub> admin_;
};

TEST_F(RegistryServiceTest, RegisterThenGetMaskedThenRevealAudited) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse registered;
  ASSERT_TRUE(Register(Student(1, "stu-1"), &registered).ok());
  const v1::Student& s = registered.student();
  EXPECT_EQ(s.version(), 1);
  EXPECT_EQ(s.name(), "张小明");  // the roles that work with pupils see the name; IDs, cards and phones masked
  {                               // an auditor: the name masked too (a reveal with a reason shows it)
    auto auditor =
        v1::RegistryService::NewStub(server_->harness().ChannelAs({"audit", auth::Role::kAuditor, "2101", "t-audit"}));
    v1::GetStudentRequest read;
    read.set_student_id(s.student_id());
    v1::GetStudentResponse seen;
    grpc::ClientContext ctx;
    ASSERT_TRUE(auditor->GetStudent(&ctx, read, &seen).ok());
    EXPECT_EQ(seen.student().name(), "张*明");
    EXPECT_TRUE(seen.student().national_id().clear().empty());
  }
  EXPECT_EQ(s.national_id().masked(), "2101************" + ValidId("21010220150301001").substr(16));
  EXPECT_TRUE(s.national_id().clear().empty());
  EXPECT_EQ(s.bank_card().masked(), "6217***********4567");
  EXPECT_EQ(s.phone().masked(), "138****5678");

  size_t events_before = log_.events();
  v1::GetStudentRequest get;
  get.set_student_id(s.student_id());
  *get.mutable_reveal()->mutable_meta() = Meta("reveal-1");
  get.mutable_reveal()->set_reason("核对银行卡信息");
  v1::GetStudentResponse got;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetStudent(&ctx, get, &got).ok());
  EXPECT_EQ(got.student().name(), "张小明");
  EXPECT_EQ(got.student().national_id().clear(), ValidId("21010220150301001"));
  EXPECT_EQ(got.student().bank_card().clear(), "6217000010001234567");
  EXPECT_EQ(log_.events(), events_before + 1);  // the read was recorded

  // The same request id again: not answered from the first reveal's record
  // (every clear answer has its own audit event) ...
  v1::GetStudentResponse again;
  grpc::ClientContext ctx_again;
  grpc::Status repeated = stub_->GetStudent(&ctx_again, get, &again);
  EXPECT_EQ(repeated.error_code(), grpc::StatusCode::ALREADY_EXISTS) << repeated.error_message();
  EXPECT_TRUE(again.student().national_id().clear().empty());
  // ... and never for another student.
  v1::RegisterStudentResponse other;
  ASSERT_TRUE(Register(Student(2, "stu-2"), &other).ok());
  v1::GetStudentRequest hijack = get;
  hijack.set_student_id(other.student().student_id());
  v1::GetStudentResponse hijacked;
  grpc::ClientContext ctx_hijack;
  grpc::Status refused = stub_->GetStudent(&ctx_hijack, hijack, &hijacked);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(refused.error_message().find("already used for a different command"), std::string::npos)
      << refused.error_message();
  EXPECT_TRUE(hijacked.student().national_id().clear().empty());
  EXPECT_EQ(log_.events(), events_before + 2);  // only the second registration was written

  v1::GetStudentRequest no_reason = get;
  no_reason.mutable_reveal()->set_reason("");
  *no_reason.mutable_reveal()->mutable_meta() = Meta("reveal-2");
  grpc::ClientContext ctx2;
  EXPECT_EQ(stub_->GetStudent(&ctx2, no_reason, &got).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryServiceTest, ErrorsMapToTheContractCodes) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse out;
  auto bad = Student(1, "bad-id");
  bad.set_national_id("210102201503011234");
  grpc::Status status = Register(bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("national_id '2101************34'"), std::string::npos)
      << status.error_message();  // named, masked (a typo of a real ID is nearly the ID)

  ASSERT_TRUE(Register(Student(1, "first"), &out).ok());
  status = Register(Student(1, "second"), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  auto no_request_id = Student(2, "");
  EXPECT_EQ(Register(no_request_id, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::UpdateStudentAttributesRequest stale;
  *stale.mutable_meta() = Meta("stale");
  stale.set_student_id(out.student().student_id());
  stale.set_expected_version(9);
  stale.set_grade(4);
  v1::UpdateStudentAttributesResponse updated;
  grpc::ClientContext ctx;
  EXPECT_EQ(stub_->UpdateStudentAttributes(&ctx, stale, &updated).error_code(), grpc::StatusCode::ABORTED);

  log_.FailNextAppend(absl::UnavailableError("broker down"));
  EXPECT_EQ(Register(Student(3, "while-down"), &out).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Register(Student(3, "while-down"), &out).ok());
}

TEST_F(RegistryServiceTest, SameRequestIdTwiceWritesOneEvent) {
  RegisterSchoolAndHousehold();
  size_t before = log_.events();
  v1::RegisterStudentResponse first, second;
  ASSERT_TRUE(Register(Student(1, "dup"), &first).ok());
  ASSERT_TRUE(Register(Student(1, "dup"), &second).ok());
  EXPECT_EQ(first.student().student_id(), second.student().student_id());
  EXPECT_EQ(log_.events(), before + 1);
}

TEST_F(RegistryServiceTest, ListsBySchoolClassAndStatusWithPaging) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse out;
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(Register(Student(i, absl::StrCat("s", i)), &out).ok());

  v1::ChangeEnrolmentStatusRequest drop;
  *drop.mutable_meta() = Meta("drop");
  drop.set_student_id(out.student().student_id());
  drop.set_expected_version(1);
  drop.set_status(v1::ENROLMENT_STATUS_DROPPED_OUT);
  drop.mutable_effective_date()->set_year(2026);
  drop.mutable_effective_date()->set_month(5);
  drop.mutable_effective_date()->set_day(20);
  v1::ChangeEnrolmentStatusResponse dropped;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ChangeEnrolmentStatus(&ctx, drop, &dropped).ok());
  EXPECT_EQ(dropped.student().version(), 2);

  // Class 1班 holds the 13 even-numbered students; page through it by 5.
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListStudentsRequest list;
    list.set_school_code("3121000001");
    list.set_grade(3);
    list.set_class_name("1班");
    list.set_page_size(5);
    list.set_page_token(token);
    v1::ListStudentsResponse page;
    grpc::ClientContext c;
    ASSERT_TRUE(stub_->ListStudents(&c, list, &page).ok());
    for (const auto& s : page.students()) {
      EXPECT_EQ(s.class_name(), "1班");
      seen.insert(s.student_id());
    }
    token = page.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 13u);
  EXPECT_EQ(pages, 3);

  v1::ListStudentsRequest by_status;
  by_status.set_status(v1::ENROLMENT_STATUS_DROPPED_OUT);
  v1::ListStudentsResponse dropped_list;
  grpc::ClientContext c2;
  ASSERT_TRUE(stub_->ListStudents(&c2, by_status, &dropped_list).ok());
  ASSERT_EQ(dropped_list.students_size(), 1);
  EXPECT_EQ(dropped_list.students(0).student_id(), out.student().student_id());

  v1::ListStudentsRequest enrolled;
  enrolled.set_status(v1::ENROLMENT_STATUS_ENROLLED);
  enrolled.set_page_size(1000);
  v1::ListStudentsResponse enrolled_list;
  grpc::ClientContext c3;
  ASSERT_TRUE(stub_->ListStudents(&c3, enrolled, &enrolled_list).ok());
  EXPECT_EQ(enrolled_list.students_size(), 24);

  v1::ListStudentsRequest bad;
  bad.set_page_size(5000);
  grpc::ClientContext c4;
  EXPECT_EQ(stub_->ListStudents(&c4, bad, &enrolled_list).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryServiceTest, FindsByNationalIdThroughTheKeyedHash) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse out;
  ASSERT_TRUE(Register(Student(7, "s7"), &out).ok());
  v1::FindStudentByNationalIdRequest find;
  // As Excel and full-width input would give it.
  std::string id = ValidId("21010220150301007");
  find.set_national_id(" " + id.substr(0, 17) + (id[17] == 'X' ? "x" : id.substr(17)) + " ");
  v1::FindStudentByNationalIdResponse found;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->FindStudentByNationalId(&ctx, find, &found).ok());
  EXPECT_EQ(found.student().student_id(), out.student().student_id());
  find.set_national_id(ValidId("21010220150301008"));
  grpc::ClientContext ctx2;
  EXPECT_EQ(stub_->FindStudentByNationalId(&ctx2, find, &found).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Probe finding 4: a reviewer saw 2101**********1424 and the exact birth
// date; the check digit left 9 candidates, one in a real county, and
// FindStudentByNationalId confirmed it without audit. The recovery
// computation, done as an attacker would with everything a reader sees —
// the mask, the birth date as shown, the gender and the county of the
// school (any operator knows it) — must leave hundreds of candidates; every
// lookup that confirms one is audited, and lookups are limited per caller.
TEST_F(RegistryServiceTest, WhatAReaderSeesLeavesHundredsOfCandidatesAndLookupsAreAuditedAndLimited) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse registered;
  ASSERT_TRUE(Register(Student(1, "stu-1"), &registered).ok());
  v1::GetStudentRequest get;
  get.set_student_id(registered.student().student_id());
  v1::GetStudentResponse seen;
  grpc::ClientContext get_ctx;
  ASSERT_TRUE(stub_->GetStudent(&get_ctx, get, &seen).ok());
  const v1::Student& s = seen.student();
  EXPECT_EQ(s.birth_date().day(), 0) << "the day of birth beside a mask";
  const std::string mask = s.national_id().masked();
  ASSERT_EQ(mask.size(), 18u);
  int candidates = 0;
  bool real_among_them = false;
  const std::string real = ValidId("21010220150301001");
  for (int day = 1; day <= 31; ++day) {
    if (!rules::IsValidDate(s.birth_date().year(), s.birth_date().month(), day)) continue;
    for (int seq = 0; seq < 100; ++seq) {
      // Region (city as shown, county of the school), birth date, sequence
      // with its shown last digit, the shown check character.
      const std::string id = absl::StrCat(
          mask.substr(0, 4), "02", s.birth_date().year(), absl::Dec(s.birth_date().month(), absl::kZeroPad2),
          absl::Dec(day, absl::kZeroPad2), absl::Dec(seq, absl::kZeroPad2), mask.substr(16, 2));
      const bool odd = (id[16] - '0') % 2 == 1;
      if ((s.gender() == v1::GENDER_MALE) != odd) continue;
      if (!rules::ValidateNationalId(id).ok()) continue;
      ++candidates;
      real_among_them |= id == real;
    }
  }
  EXPECT_TRUE(real_among_them);  // the computation is the attacker's, and it is right
  EXPECT_GE(candidates, 100) << "a reader's view narrows the national ID to " << candidates << " candidates";
  std::cout << "national ID candidates from a reader's view: " << candidates << std::endl;

  // A lookup that confirms one is an audited read.
  const size_t before = log_.events();
  v1::FindStudentByNationalIdRequest find;
  find.set_national_id(real);
  v1::FindStudentByNationalIdResponse found;
  grpc::ClientContext find_ctx;
  ASSERT_TRUE(stub_->FindStudentByNationalId(&find_ctx, find, &found).ok());
  ASSERT_EQ(log_.events(), before + 1);
  v1::ListPersonalDataRevealsRequest audit;
  audit.set_student_id(registered.student().student_id());
  v1::ListPersonalDataRevealsResponse reveals;
  grpc::ClientContext audit_ctx;
  auto auditor = v1::RegistryService::NewStub(
      server_->harness().ChannelAs(auth::Caller{"shen.audit", auth::Role::kAuditor, "2101", "t-audit"}));
  grpc::Status listed = auditor->ListPersonalDataReveals(&audit_ctx, audit, &reveals);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(reveals.reveals_size(), 1);
  EXPECT_EQ(reveals.reveals(0).reason(), kNationalIdLookupReason);
  // And limited: the candidates cannot be tried one by one.
  int admitted = 1;
  grpc::Status last;
  for (int i = 0; i < 40 && last.ok(); ++i) {
    find.set_national_id(ValidId(absl::StrCat("2101022015030", 2000 + i)));
    grpc::ClientContext ctx;
    last = stub_->FindStudentByNationalId(&ctx, find, &found);
    if (last.error_code() == grpc::StatusCode::NOT_FOUND) last = grpc::Status::OK;
    if (last.ok()) ++admitted;
  }
  EXPECT_EQ(last.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << last.error_message();
  EXPECT_EQ(admitted, RegistryApp::kNationalIdLookupsPerMinute);
}

TEST_F(RegistryServiceTest, RebuildGivesTheSameChecksumAndRestartKeepsState) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse out;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Register(Student(i, absl::StrCat("r", i)), &out).ok());
  common::v1::GetProjectionChecksumResponse before;
  grpc::ClientContext c1;
  ASSERT_TRUE(admin_->GetProjectionChecksum(&c1, {}, &before).ok());
  common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext c2;
  ASSERT_TRUE(admin_->RebuildProjection(&c2, {}, &rebuilt).ok());
  EXPECT_EQ(rebuilt.events_applied(), 12);
  EXPECT_EQ(rebuilt.checksum(), before.checksum());

  server_.reset();
  StartServer();
  v1::GetStudentRequest get;
  get.set_student_id(out.student().student_id());
  v1::GetStudentResponse got;
  grpc::ClientContext c3;
  ASSERT_TRUE(stub_->GetStudent(&c3, get, &got).ok());
  EXPECT_EQ(got.student().grade(), 3);
}

TEST_F(RegistryServiceTest, NoPlainPersonalDataInTheProjectionFiles) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse out;
  ASSERT_TRUE(Register(Student(5, "s5"), &out).ok());
  server_.reset();  // flush and close RocksDB
  std::string id = ValidId("21010220150301005");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str().find(id), std::string::npos) << entry.path();
    EXPECT_EQ(content.str().find("6217000010001234567"), std::string::npos) << entry.path();
    EXPECT_EQ(content.str().find("13812345678"), std::string::npos) << entry.path();
  }
  for (const auto& record : log_.AllRecords()) EXPECT_EQ(record.value.find(id), std::string::npos);
  StartServer();
}

TEST_F(RegistryServiceTest, HealthServiceReportsServing) {
  grpc::ClientContext ctx;
  grpc::ByteBuffer dummy;
  auto health = server_.get();
  ASSERT_NE(health, nullptr);
  // Standard grpc.health.v1 check through a generic call.
  grpc::GenericStub generic(channel_);
  // Empty HealthCheckRequest = overall server health.
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);
  std::promise<grpc::Status> done;
  grpc::ByteBuffer response;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) { done.set_value(s); });
  EXPECT_TRUE(done.get_future().get().ok());
}

// One list_services round of gRPC server reflection (a bidi stream, through
// a generic call): the answer's bytes and the call's status.
std::pair<std::string, grpc::Status> ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto wait = [&cq] {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  std::string answer;
  grpc::Status status;
  if (wait()) {
    const std::string list_services("\x3a\x00", 2);  // ServerReflectionRequest{list_services: ""}
    grpc::Slice slice(list_services);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    if (wait()) {
      call->WritesDone(reinterpret_cast<void*>(3));
      wait();
      grpc::ByteBuffer response;
      call->Read(&response, reinterpret_cast<void*>(4));
      if (wait()) {
        std::vector<grpc::Slice> slices;
        (void)response.Dump(&slices);
        for (const auto& s : slices) answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  call->Finish(&status, reinterpret_cast<void*>(5));
  wait();
  return {answer, status};
}

// Probe finding 11: reflection listed every service to callers without a
// token. With a token it lists them; without, the answer is an error.
TEST_F(RegistryServiceTest, ReflectionListsServicesOnlyToACallerWithAToken) {
  auto [listed, ok] = ReflectionListServices(channel_);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_NE(listed.find("zizhu.registry.v1.RegistryService"), std::string::npos);
  for (const std::string& token : {std::string(), std::string("v4.public.bm90IGEgdG9rZW4")}) {
    auto [refused, status] = ReflectionListServices(server_->harness().ChannelWithToken(token));
    EXPECT_EQ(refused.find("zizhu."), std::string::npos) << refused;
    EXPECT_NE(refused.find("a token is required"), std::string::npos) << refused;
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  }
}

TEST_F(RegistryServiceTest, StatusRosterWithSchoolNamesOnlyResolvesThemAndReportsTheUnknown) {
  RegisterSchoolAndHousehold();  // 红星小学 3121000001 in county 210102
  auto rosters = v1::RosterService::NewStub(channel_);
  v1::StartRosterImportRequest start;
  *start.mutable_meta() = Meta("status-start");
  start.set_source(v1::ROSTER_SOURCE_STUDENT_STATUS);
  start.set_file_name("学籍.xlsx");
  start.set_agency("xj-210102");
  start.set_file_hash(std::string(64, 'e'));
  start.set_declared_rows(2);
  v1::StartRosterImportResponse started;
  grpc::ClientContext c1;
  ASSERT_TRUE(rosters->StartRosterImport(&c1, start, &started).ok());
  v1::AppendRosterRowsRequest append;
  *append.mutable_meta() = Meta("status-rows");
  append.set_import_id(started.import().import_id());
  for (int n : {1, 2}) {
    auto* row = append.add_rows();
    row->set_row_number(n);
    auto& f = *row->mutable_fields();
    f["national_id"] = ValidId(absl::StrCat("2101022015030", 2000 + n));
    f["name"] = "学生";
    f["school_name"] = n == 1 ? "红星小学" : "无名小学";
    f["stage"] = "小学";
    f["grade"] = "3";
  }
  v1::AppendRosterRowsResponse appended;
  grpc::ClientContext c2;
  ASSERT_TRUE(rosters->AppendRosterRows(&c2, append, &appended).ok());
  EXPECT_EQ(appended.applied(), 2);
  EXPECT_EQ(appended.rejected_size(), 0);
  ASSERT_EQ(appended.warnings_size(), 1);
  EXPECT_EQ(appended.warnings(0).row_number(), 2);
  EXPECT_EQ(appended.warnings(0).kind(), v1::REJECTION_KIND_SCHOOL_UNRESOLVED);
  // The same rows again: the same answer, from the projection.
  v1::AppendRosterRowsResponse again;
  grpc::ClientContext c3;
  ASSERT_TRUE(rosters->AppendRosterRows(&c3, append, &again).ok());
  EXPECT_EQ(again.warnings_size(), 1);
  // The work queue masks names and IDs, as every list does.
  v1::ListMatchResultsRequest list;
  list.set_category(v1::MATCH_CATEGORY_NO_FINDING);
  v1::ListMatchResultsResponse listed;
  grpc::ClientContext c4;
  ASSERT_TRUE(rosters->ListMatchResults(&c4, list, &listed).ok());
  ASSERT_EQ(listed.results_size(), 2);
  for (const auto& r : listed.results()) {
    EXPECT_EQ(r.name(), "学*");
    EXPECT_NE(r.national_id_masked().find("**********"), std::string::npos);
    EXPECT_EQ(r.county(), "210102");  // by code, though the school's county has a name
  }
  // A county asked by its name reads the same queue as by its code.
  v1::ListMatchResultsRequest by_name = list;
  by_name.set_county("和平区");
  v1::ListMatchResultsResponse named;
  grpc::ClientContext c5;
  ASSERT_TRUE(rosters->ListMatchResults(&c5, by_name, &named).ok());
  EXPECT_EQ(named.results_size(), 2);
}

TEST_F(RegistryServiceTest, PoisonedRequestsAmongGoodOnesFailAlone) {
  RegisterSchoolAndHousehold();
  constexpr int kRequests = 300;
  struct Call {
    grpc::ClientContext ctx;
    v1::RegisterStudentRequest request;
    v1::RegisterStudentResponse response;
    std::promise<grpc::Status> done;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kRequests; ++i) {
    auto call = std::make_unique<Call>();
    call->request = Student(i, absl::StrCat("poison-test-", i));
    if (i % 15 == 7) call->request.mutable_meta()->set_actor(std::string(1 << 20, 'A'));  // 20 poisoned
    calls.push_back(std::move(call));
  }
  for (auto& c : calls) {
    stub_->async()->RegisterStudent(&c->ctx, &c->request, &c->response,
                                    [call = c.get()](grpc::Status s) { call->done.set_value(s); });
  }
  int good = 0, refused = 0;
  for (int i = 0; i < kRequests; ++i) {
    grpc::Status s = calls[i]->done.get_future().get();
    if (i % 15 == 7) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(s.error_message(), "meta.actor is 1048576 bytes; at most 4096 are allowed");
      ++refused;
    } else {
      EXPECT_TRUE(s.ok()) << i << ": " << s.error_message();
      good += s.ok();
    }
  }
  EXPECT_EQ(refused, 20);
  EXPECT_EQ(good, kRequests - 20);
}

}  // namespace
}  // namespace zizhu::registry

namespace zizhu::registry {
namespace {

// Issue 22: the receiving school of another county records the transfer in
// (its operator could not: the pupil was outside its scope); the sending
// school sees the pupil among those who left it.
TEST_F(RegistryServiceTest, AReceivingSchoolOfAnotherCountyRecordsATransferIn) {
  RegisterSchoolAndHousehold();
  v1::RegisterSchoolRequest other;
  *other.mutable_meta() = Meta("school-2");
  other.set_school_code("3121000201");
  other.set_name("青山小学");
  other.set_county_code("210103");
  other.add_stages(v1::EDUCATION_STAGE_PRIMARY);
  v1::RegisterSchoolResponse other_resp;
  grpc::ClientContext c0;
  ASSERT_TRUE(stub_->RegisterSchool(&c0, other, &other_resp).ok());
  v1::RegisterStudentRequest pupil = Student(7, "student-7");
  v1::RegisterStudentResponse registered;
  ASSERT_TRUE(Register(pupil, &registered).ok());

  auto receiving = v1::RegistryService::NewStub(
      server_->harness().ChannelAs(auth::Caller{"qs.school", auth::Role::kSchoolOperator, "3121000201", "t-qs"}));
  // The old way fails: the pupil is not the receiving school's yet.
  v1::ChangeEnrolmentStatusRequest status;
  *status.mutable_meta() = Meta("status-by-receiver");
  status.set_student_id(registered.student().student_id());
  status.set_status(v1::ENROLMENT_STATUS_ENROLLED);
  status.set_school_code("3121000201");
  v1::ChangeEnrolmentStatusResponse status_resp;
  grpc::ClientContext c1;
  EXPECT_EQ(receiving->ChangeEnrolmentStatus(&c1, status, &status_resp).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::RecordTransferInRequest in;
  *in.mutable_meta() = Meta("transfer-in-7");
  in.set_national_id(pupil.national_id());
  in.set_school_code("3121000201");
  in.mutable_effective_date()->set_year(2026);
  in.mutable_effective_date()->set_month(5);
  in.mutable_effective_date()->set_day(20);
  v1::RecordTransferInResponse moved;
  grpc::ClientContext c2;
  grpc::Status refused = receiving->RecordTransferIn(&c2, in, &moved);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("evidence_ref"), std::string::npos) << refused.error_message();
  in.set_evidence_ref("转学联系函 红星小学 2026-17");
  in.set_class_name("3班");
  grpc::ClientContext c3;
  grpc::Status recorded = receiving->RecordTransferIn(&c3, in, &moved);
  ASSERT_TRUE(recorded.ok()) << recorded.error_message();
  EXPECT_EQ(moved.student().school_code(), "3121000201");
  EXPECT_EQ(moved.student().status(), v1::ENROLMENT_STATUS_ENROLLED);
  EXPECT_EQ(moved.student().grade(), 3);
  EXPECT_EQ(moved.student().class_name(), "3班");
  // The sending school had not recorded the transfer out: both steps, each with the evidence.
  ASSERT_EQ(moved.student().status_history_size(), 2);
  EXPECT_EQ(moved.student().status_history(0).to_status(), v1::ENROLMENT_STATUS_TRANSFERRED);
  EXPECT_EQ(moved.student().status_history(1).previous_school_code(), "3121000001");
  EXPECT_EQ(moved.student().status_history(1).evidence_ref(), "转学联系函 红星小学 2026-17");
  // Again: already there.
  grpc::ClientContext c4;
  in.mutable_meta()->set_request_id("transfer-in-7-again");
  EXPECT_EQ(receiving->RecordTransferIn(&c4, in, &moved).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The sending school: no longer its pupil, listed among those who left.
  auto sending = v1::RegistryService::NewStub(
      server_->harness().ChannelAs(auth::Caller{"hx.school", auth::Role::kSchoolOperator, "3121000001", "t-hx"}));
  v1::GetStudentRequest get;
  get.set_student_id(registered.student().student_id());
  v1::GetStudentResponse got;
  grpc::ClientContext c5;
  EXPECT_EQ(sending->GetStudent(&c5, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListStudentsRequest left;
  left.set_left_school(true);
  v1::ListStudentsResponse left_resp;
  grpc::ClientContext c6;
  ASSERT_TRUE(sending->ListStudents(&c6, left, &left_resp).ok());
  ASSERT_EQ(left_resp.students_size(), 1);
  EXPECT_EQ(left_resp.students(0).school_code(), "3121000201");
  v1::ListStudentsRequest own;
  v1::ListStudentsResponse own_resp;
  grpc::ClientContext c7;
  ASSERT_TRUE(sending->ListStudents(&c7, own, &own_resp).ok());
  EXPECT_EQ(own_resp.students_size(), 0);
}

// A school reads its pupil's household through the pupil (households are
// city-wide records: by number alone only the city's administrators read them).
TEST_F(RegistryServiceTest, ASchoolReadsItsPupilsHouseholdThroughThePupil) {
  RegisterSchoolAndHousehold();
  v1::RegisterStudentResponse registered;
  ASSERT_TRUE(Register(Student(1, "stu-1"), &registered).ok());
  auto school = v1::RegistryService::NewStub(
      server_->harness().ChannelAs({"op", auth::Role::kSchoolOperator, "3121000001", "t-op"}));
  v1::GetHouseholdRequest by_number;
  by_number.set_household_number("H210102001");
  v1::GetHouseholdResponse household;
  grpc::ClientContext c1;
  EXPECT_EQ(school->GetHousehold(&c1, by_number, &household).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetHouseholdRequest through_pupil = by_number;
  through_pupil.set_student_id(registered.student().student_id());
  grpc::ClientContext c2;
  ASSERT_TRUE(school->GetHousehold(&c2, through_pupil, &household).ok());
  EXPECT_EQ(household.household().head_name(), "张大山");
  // Another school's operator: the pupil is not found.
  auto other = v1::RegistryService::NewStub(
      server_->harness().ChannelAs({"op2", auth::Role::kSchoolOperator, "3121000002", "t-op2"}));
  grpc::ClientContext c3;
  EXPECT_EQ(other->GetHousehold(&c3, through_pupil, &household).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace zizhu::registry
