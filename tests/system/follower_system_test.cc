// A live subscription on the real broker: a follower service defined in the
// tests (follower_main.cc) follows the registry's topic while the registry
// keeps writing, and is killed with SIGKILL at random points. After the last
// restart its projection must equal a fresh rebuild (checksums) and the
// reaction to each registered student must have happened exactly once.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/service_process.h"
#include "tests/support/topic_reader.h"

namespace zizhu {
namespace {

namespace v1 = registry::v1;

common::v1::CommandMeta Meta(const std::string& request_id) {
  common::v1::CommandMeta m;
  m.set_request_id(request_id);
  m.set_actor("operator:system-test");
  return m;
}

v1::RegisterStudentRequest Student(int n) {
  v1::RegisterStudentRequest r;
  *r.mutable_meta() = Meta(absl::StrCat("follow-student-", n));
  r.set_name("王小兰");
  std::string first17 = absl::StrFormat("21010220120%d%02d%03d", 3 + n / 28000, 1 + (n / 1000) % 28, n % 1000);
  r.set_national_id(first17 + rules::NationalIdCheckCharacter(first17));
  r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
  r.set_school_code("3121000009");
  r.set_grade(1 + n % 6);
  r.set_class_name("2班");
  return r;
}

std::map<std::string, int> CountEventsByAggregate(const std::string& topic) {
  std::map<std::string, int> counts;
  for (const auto& e : testing_support::ReadWholeTopicEvents(topic)) ++counts[e.aggregate_id()];
  return counts;
}

TEST(FollowerSystemTest, SigkilledFollowerReactsExactlyOnceAndEqualsARebuild) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/zizhu-system-follower");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string bootstrap = testing_support::GlobalBroker().bootstrap();
  const testing_support::RegistryProcessOptions ro = testing_support::RegistryForTest(bootstrap, "follower", dir);
  testing_support::RegistryProcess registry(ro);
  ASSERT_TRUE(registry.Start());
  testing_support::ServiceProcess follower({ZIZHU_FOLLOWER_BINARY,
                                            bootstrap,
                                            "zizhu.test.follower.events",
                                            "follower-test",
                                            dir + "/follower",
                                            3,
                                            {"--follow-topic", ro.topic},
                                            dir + "/follower.log",
                                            0,
                                            "zizhu-test"});
  ASSERT_TRUE(follower.Start());

  v1::RegisterSchoolRequest school;
  *school.mutable_meta() = Meta("follow-school");
  school.set_school_code("3121000009");
  school.set_name("希望小学");
  school.set_county_code("210102");
  school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
  v1::RegisterSchoolResponse school_response;
  grpc::ClientContext school_ctx;
  ASSERT_TRUE(registry.stub().RegisterSchool(&school_ctx, school, &school_response).ok());

  // The registry keeps writing, 25 students at a time, while the follower dies.
  constexpr int kStudents = 2000, kWindow = 25;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int start = 0; start < kStudents; start += kWindow) {
      std::vector<std::thread> window;
      for (int n = start; n < start + kWindow; ++n) {
        window.emplace_back([&, n] {
          v1::RegisterStudentRequest request = Student(n);
          for (int attempt = 0;; ++attempt) {
            v1::RegisterStudentResponse response;
            grpc::ClientContext ctx;
            if (registry.stub().RegisterStudent(&ctx, request, &response).ok()) break;
            if (attempt == 20) {
              ++failures;
              break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        });
      }
      for (auto& t : window) t.join();
      std::this_thread::sleep_for(std::chrono::milliseconds(80));
    }
    writing = false;
  });
  std::mt19937 random(20261201);
  int kills = 0;
  while (writing) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 1200)(random)));
    follower.Kill();
    ++kills;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(random)));
    ASSERT_TRUE(follower.Start());
  }
  writer.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_GE(kills, 3);

  // Caught up: lag 0 after the registry stopped writing.
  common::v1::ListSubscriptionsResponse subscriptions;
  // Up to four minutes: one Kafka transaction per reaction (a follow that
  // keeps rows reacts event by event), ~40 ms each over TLS on two cores.
  for (int i = 0; i < 2400; ++i) {
    subscriptions.Clear();
    grpc::ClientContext ctx;
    ASSERT_TRUE(follower.admin().ListSubscriptions(&ctx, {}, &subscriptions).ok());
    // The registry's topic, then the identity topic every service follows
    // for token revocations (the kit's).
    ASSERT_EQ(subscriptions.subscriptions_size(), 2);
    EXPECT_EQ(subscriptions.subscriptions(1).topic(), "zizhu.identity.events.v1");
    if (subscriptions.subscriptions(0).lag_records() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(subscriptions.subscriptions(0).lag_records(), 0) << subscriptions.DebugString();
  EXPECT_EQ(subscriptions.subscriptions(0).last_error(), "");

  common::v1::GetProjectionChecksumResponse live;
  grpc::ClientContext c1;
  ASSERT_TRUE(follower.admin().GetProjectionChecksum(&c1, {}, &live).ok());
  common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext c2;
  ASSERT_TRUE(follower.admin().RebuildProjection(&c2, {}, &rebuilt).ok());
  EXPECT_EQ(rebuilt.checksum(), live.checksum()) << "after " << kills << " kills";

  std::map<std::string, int> notes = CountEventsByAggregate("zizhu.test.follower.events");
  common::v1::ListSubscriptionsResponse final_status;
  grpc::ClientContext c3;
  (void)follower.admin().ListSubscriptions(&c3, {}, &final_status);
  EXPECT_EQ(notes.size(), static_cast<size_t>(kStudents))
      << "after " << kills << " kills; when caught up: " << subscriptions.DebugString()
      << "; now: " << final_status.DebugString();
  int repeated = 0;
  for (const auto& [aggregate, count] : notes) repeated += count != 1;
  EXPECT_EQ(repeated, 0) << "reactions that happened more than once";
  std::cerr << "follower killed " << kills << " times; " << notes.size() << " reactions, each once" << std::endl;
  follower.Stop();
  registry.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zizhu
