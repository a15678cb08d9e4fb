// School pairing on the real broker: the registry and the pairing service as
// processes. The pairing service learns the registry's schools (urban or
// rural) by following its topic; a pair of an urban and a rural school, its
// activities and a plan's progress go through gRPC over TLS; a pair of two
// urban schools is refused; the pairing process is SIGKILLed and restarted
// and keeps everything; a rebuild gives the same bytes.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/service_process.h"
#include "tests/support/test_security.h"
#include "zizhu/pairing/v1/pairing_service.grpc.pb.h"

namespace zizhu {
namespace {

namespace rv1 = registry::v1;
namespace pv1 = pairing::v1;
using PairingStub = pv1::PairingService::Stub;

template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return (stub.*method)(&context, request, response);
}

rv1::Date D(int y, int m, int d) { return zizhu::rules::DateOf(y, m, d); }

TEST(PairingSystemTest, PairsOfTheRegistrysSchoolsSurviveASigkill) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/zizhu-system-pairing");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string bootstrap = testing_support::GlobalBroker().bootstrap();
  const testing_support::RegistryProcessOptions ro = testing_support::RegistryForTest(bootstrap, "pairing", dir);
  testing_support::RegistryProcess registry(ro);
  ASSERT_TRUE(registry.Start());
  testing_support::ServiceProcessOptions so{ZIZHU_PAIRING_BINARY,
                                            bootstrap,
                                            "zizhu.pairing.events.test",
                                            "pairing-test",
                                            dir + "/pairing",
                                            3,
                                            {"--registry-topic", ro.topic, "--city", "2101", "--rules",
                                             std::string(ZIZHU_SOURCE_DIR) + "/services/pairing/policy/rules.yaml"},
                                            dir + "/pairing.log"};
  testing_support::ServiceProcess pairing(so);
  ASSERT_TRUE(pairing.Start());

  const std::pair<const char*, bool> schools[] = {
      {"210102000901", false}, {"210102000902", true}, {"210102000903", true}, {"210102000904", false}};
  for (const auto& [code, rural] : schools) {
    rv1::RegisterSchoolRequest school;
    school.mutable_meta()->set_request_id(absl::StrCat("psys-school-", code));
    school.set_school_code(code);
    school.set_name(rural ? "乡村小学" : "城区小学");
    school.set_county_code("210102");
    school.add_stages(rv1::EDUCATION_STAGE_PRIMARY);
    school.set_rural(rural);
    rv1::RegisterSchoolResponse response;
    ASSERT_TRUE(Call(registry.stub(), &rv1::RegistryService::Stub::RegisterSchool, school, &response).ok());
  }
  const auth::Caller officer{"county-officer", auth::Role::kCountyOfficer, "210102", "t-officer"};
  auto stub = pv1::PairingService::NewStub(testing_support::TestSecurity::Get().Channel(pairing.address(), officer));
  std::vector<std::string> pair_ids;
  for (const auto& [urban, rural] : {std::pair{"210102000901", "210102000902"}, {"210102000904", "210102000903"}}) {
    pv1::FormPairRequest form;
    form.mutable_meta()->set_request_id(absl::StrCat("psys-pair-", urban));
    form.set_kind(pv1::PAIR_KIND_SCHOOL);
    form.set_urban_school(urban);
    form.set_rural_school(rural);
    *form.mutable_start() = D(2026, 9, 1);
    pv1::FormPairResponse formed;
    grpc::Status status;
    for (int i = 0; i < 300; ++i) {  // until the pairing service has the registry's schools
      status = Call(*stub, &PairingStub::FormPair, form, &formed);
      if (status.error_code() != grpc::StatusCode::NOT_FOUND) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    pair_ids.push_back(formed.pair().pair_id());
  }
  pv1::FormPairRequest urban_only;
  urban_only.mutable_meta()->set_request_id("psys-urban-only");
  urban_only.set_kind(pv1::PAIR_KIND_SCHOOL);
  urban_only.set_urban_school("210102000901");
  urban_only.set_rural_school("210102000904");
  pv1::FormPairResponse refused;
  EXPECT_EQ(Call(*stub, &PairingStub::FormPair, urban_only, &refused).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  pv1::RecordActivityRequest lesson;
  lesson.mutable_meta()->set_request_id("psys-lesson");
  lesson.set_pair_id(pair_ids[0]);
  lesson.mutable_activity()->set_kind(pv1::ACTIVITY_KIND_DEMONSTRATION_LESSON);
  *lesson.mutable_activity()->mutable_date() = D(2026, 10, 15);
  lesson.mutable_activity()->set_person("特级教师赵某");
  lesson.mutable_activity()->set_school_code("210102000902");
  lesson.mutable_activity()->set_subject("数学");
  pv1::RecordActivityResponse recorded;
  ASSERT_TRUE(Call(*stub, &PairingStub::RecordActivity, lesson, &recorded).ok());
  pv1::SetPlanRequest plan;
  plan.mutable_meta()->set_request_id("psys-plan");
  plan.mutable_plan()->set_scope("210102");
  plan.mutable_plan()->set_name("2026");
  *plan.mutable_plan()->mutable_from() = D(2026, 1, 1);
  *plan.mutable_plan()->mutable_to() = D(2026, 12, 31);
  plan.mutable_plan()->set_school_pairs(30);
  plan.mutable_plan()->set_demonstration_lessons(100);
  pv1::SetPlanResponse set;
  ASSERT_TRUE(Call(*stub, &PairingStub::SetPlan, plan, &set).ok());

  // SIGKILL, restart: the pairs, the lesson and the plan are all still there.
  pairing.Kill();
  ASSERT_TRUE(pairing.Start());
  stub = pv1::PairingService::NewStub(testing_support::TestSecurity::Get().Channel(pairing.address(), officer));
  pv1::GetProgressRequest progress_request;
  progress_request.set_plan_id("210102/2026");
  pv1::GetProgressResponse progress;
  ASSERT_TRUE(Call(*stub, &PairingStub::GetProgress, progress_request, &progress).ok());
  EXPECT_EQ(progress.school_pairs(), 2);
  EXPECT_EQ(progress.demonstration_lessons(), 1);
  pv1::ListMissedActivitiesRequest missed_request;
  missed_request.set_semester("2026-autumn");
  pv1::ListMissedActivitiesResponse missed;
  ASSERT_TRUE(Call(*stub, &PairingStub::ListMissedActivities, missed_request, &missed).ok());
  EXPECT_EQ(missed.missed_size(), 2);  // neither pair had joint research or a manager exchange
  // A rebuild gives the same bytes.
  common::v1::GetProjectionChecksumResponse live;
  grpc::ClientContext c1;
  ASSERT_TRUE(pairing.admin().GetProjectionChecksum(&c1, {}, &live).ok());
  common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext c2;
  c2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  ASSERT_TRUE(pairing.admin().RebuildProjection(&c2, {}, &rebuilt).ok());
  EXPECT_EQ(rebuilt.checksum(), live.checksum());
}

}  // namespace
}  // namespace zizhu
