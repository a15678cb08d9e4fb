// The registry and the subsidy service under test, on one set of in-memory
// topics: the subsidy follows the registry live, as in production.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/rules/national_id.h"
#include "services/common/core/civil_date.h"
#include "services/registry/tests/registry_harness.h"
#include "services/subsidy/subsidy.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.grpc.pb.h"

namespace zizhu::subsidy::testing {

inline constexpr char kVaultKey[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline constexpr char kSubsidyTopic[] = "zizhu.subsidy.events.v1";

inline std::string ReadDefaultPolicy() {
  std::ifstream in(ZIZHU_DEFAULT_POLICY);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline common::v1::CommandMeta Meta(const std::string& request_id) {
  common::v1::CommandMeta meta;
  meta.set_request_id(request_id);
  return meta;
}

// Calls a unary RPC with a fresh context; returns the status.
template <typename Stub, typename Request, typename Response>
grpc::Status Invoke(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub->*method)(&context, request, response);
}

// Polls `ready` every 20 ms for up to 20 s.
template <typename Ready>
bool Eventually(Ready ready) {
  for (int i = 0; i < 1000; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

class SubsidyUnderTest {
 public:
  explicit SubsidyUnderTest(const std::string& name, absl::Time start)
      : clock_(start), dir_(::testing::TempDir() + "/subsidy_" + name) {
    std::filesystem::remove_all(dir_);
    vault_ = PersonalDataVault::FromHexKey(kVaultKey).value();
    registry_ = registry::RegistryUnderTest::Start(topics_, vault_.get(), &clock_, dir_ + "/registry");
    StartSubsidy();
    registry_stub_ = registry::v1::RegistryService::NewStub(registry_->channel());
  }
  ~SubsidyUnderTest() {
    harness_.reset();
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }
  void StartSubsidy() {
    harness_.reset();
    subsidy_ = std::make_unique<Subsidy>(SubsidyOptions{});
    service::ServiceHostOptions host;
    host.city = "2101";  // the deployment's city: its administrators load policies
    harness_ =
        testing_kit::ServiceHarness::Start(subsidy_.get(), topics_, kSubsidyTopic, &clock_, dir_ + "/subsidy", host)
            .value();
    stub_ = v1::SubsidyService::NewStub(harness_->channel());
    admin_ = common::v1::ProjectionAdminService::NewStub(harness_->channel());
  }

  // Moves the clock on; tokens are issued afresh (they last an hour).
  void Advance(absl::Duration duration) {
    clock_.Advance(duration);
    auto channel = harness_->ChannelAs(testing_kit::ServiceHarness::DefaultCaller());
    stub_ = v1::SubsidyService::NewStub(channel);
    admin_ = common::v1::ProjectionAdminService::NewStub(channel);
    registry_stub_ = registry::v1::RegistryService::NewStub(
        registry_->harness().ChannelAs(testing_kit::ServiceHarness::DefaultCaller()));
  }

  // A stub of the subsidy service called as `caller`.
  std::unique_ptr<v1::SubsidyService::Stub> As(const auth::Caller& caller) {
    return v1::SubsidyService::NewStub(harness_->ChannelAs(caller));
  }

  ManualClock clock_;
  std::string dir_;
  testing_kit::MemoryTopics topics_;
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<registry::RegistryUnderTest> registry_;
  std::unique_ptr<Subsidy> subsidy_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<v1::SubsidyService::Stub> stub_;
  std::unique_ptr<common::v1::ProjectionAdminService::Stub> admin_;
};

inline absl::Time ChinaTime(int year, int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

inline std::string ValidNationalId(const std::string& first17) {
  return first17 + rules::NationalIdCheckCharacter(first17);
}

}  // namespace zizhu::subsidy::testing
