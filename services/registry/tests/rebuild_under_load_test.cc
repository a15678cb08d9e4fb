// `projection rebuild` while queries are in flight: the rebuild is built
// beside the live projection and swapped in, so no query crashes, fails or
// sees a half-built projection.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/registry/tests/registry_harness.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::registry {
namespace {

common::v1::CommandMeta Meta(const std::string& request_id) {
  common::v1::CommandMeta m;
  m.set_request_id(request_id);
  m.set_actor("operator:test");
  return m;
}

TEST(RebuildUnderLoadTest, QueriesDuringRebuildsAlwaysSeeTheWholeProjection) {
  const std::string dir = testing::TempDir() + "/rebuild_under_load";
  std::filesystem::remove_all(dir);
  testing_kit::MemoryTopics topics;
  ManualClock clock{absl::FromUnixSeconds(1780000000)};
  auto vault = PersonalDataVault::FromHexKey(std::string(64, 'b')).value();
  auto server = RegistryUnderTest::Start(topics, vault.get(), &clock, dir);
  auto stub = v1::RegistryService::NewStub(server->channel());
  auto admin = common::v1::ProjectionAdminService::NewStub(server->channel());

  v1::RegisterSchoolRequest school;
  *school.mutable_meta() = Meta("school");
  school.set_school_code("3121000001");
  school.set_name("红星小学");
  school.set_county_code("210102");
  school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
  v1::RegisterSchoolResponse school_response;
  grpc::ClientContext school_ctx;
  ASSERT_TRUE(stub->RegisterSchool(&school_ctx, school, &school_response).ok());
  constexpr int kStudents = 300;
  std::string some_student;
  for (int i = 0; i < kStudents; ++i) {
    v1::RegisterStudentRequest r;
    *r.mutable_meta() = Meta(absl::StrCat("student-", i));
    r.set_name("张小明");
    std::string first17 = absl::StrCat("2101022015030", 1000 + i);
    r.set_national_id(first17 + rules::NationalIdCheckCharacter(first17));
    r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
    r.set_school_code("3121000001");
    r.set_grade(3);
    r.set_class_name("1班");
    v1::RegisterStudentResponse response;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->RegisterStudent(&ctx, r, &response).ok());
    some_student = response.student().student_id();
  }

  std::atomic<bool> stop{false};
  std::atomic<int> queries{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        v1::ListStudentsRequest list;
        list.set_school_code("3121000001");
        list.set_page_size(1000);
        v1::ListStudentsResponse listed;
        grpc::ClientContext c1;
        grpc::Status s1 = stub->ListStudents(&c1, list, &listed);
        if (!s1.ok() || listed.students_size() != kStudents) ++wrong;
        v1::GetStudentRequest get;
        get.set_student_id(some_student);
        v1::GetStudentResponse got;
        grpc::ClientContext c2;
        grpc::Status s2 = stub->GetStudent(&c2, get, &got);
        if (!s2.ok() || got.student().student_id() != some_student) ++wrong;
        queries += 2;
      }
    });
  }
  std::string checksum;
  for (int round = 0; round < 5; ++round) {
    common::v1::RebuildProjectionResponse rebuilt;
    grpc::ClientContext ctx;
    grpc::Status status = admin->RebuildProjection(&ctx, {}, &rebuilt);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (round > 0) {
      EXPECT_EQ(rebuilt.checksum(), checksum);
    }
    checksum = rebuilt.checksum();
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(queries.load(), 0);
  EXPECT_EQ(wrong.load(), 0) << "of " << queries.load() << " queries";
}

}  // namespace
}  // namespace zizhu::registry
