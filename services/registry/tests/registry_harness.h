// The registry under test: the real Registry service in the kit's
// ServiceHarness (gRPC on port 0, in-memory log).
#pragma once

#include <memory>
#include <string>

#include "services/common/testing/service_harness.h"
#include "services/registry/registry.h"

namespace zizhu::registry {

inline constexpr char kRegistryTopic[] = "zizhu.registry.events.v1";

class RegistryUnderTest {
 public:
  static std::unique_ptr<RegistryUnderTest> Start(testing_kit::MemoryTopics& topics, const PersonalDataVault* vault,
                                                  const Clock* clock, const std::string& data_dir,
                                                  const RegistryOptions& options = {}) {
    std::unique_ptr<RegistryUnderTest> r(new RegistryUnderTest());
    r->registry_ = Registry::Create(options, vault).value();
    r->harness_ =
        testing_kit::ServiceHarness::Start(r->registry_.get(), topics, kRegistryTopic, clock, data_dir).value();
    return r;
  }
  int port() const { return harness_->port(); }
  service::ServiceHost& host() { return harness_->host(); }
  std::shared_ptr<grpc::Channel> channel() const { return harness_->channel(); }
  testing_kit::ServiceHarness& harness() { return *harness_; }

 private:
  RegistryUnderTest() = default;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;  // destroyed first
};

}  // namespace zizhu::registry
