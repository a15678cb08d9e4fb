// Test support: the real zizhu-registry binary as a child process (a
// ServiceProcess with the registry's key flags and stub).
#pragma once

#include <memory>
#include <string>

#include "tests/support/service_process.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::testing_support {

struct RegistryProcessOptions {
  std::string bootstrap;
  std::string topic;
  std::string instance_id;
  std::string data_dir;
  std::string key_file;
  int partitions = 3;
};

// A system test's registry on the shared broker: topic
// "zizhu.registry.events.test.<name>", instance "registry-<name>-test", its
// projection and key under `dir`.
inline RegistryProcessOptions RegistryForTest(const std::string& bootstrap, const std::string& name,
                                              const std::string& dir) {
  RegistryProcessOptions o;
  o.bootstrap = bootstrap;
  o.topic = "zizhu.registry.events.test." + name;
  o.instance_id = "registry-" + name + "-test";
  o.data_dir = dir + "/registry";
  o.key_file = dir + "/key";
  return o;
}

class RegistryProcess {
 public:
  explicit RegistryProcess(const RegistryProcessOptions& options);
  bool Start();
  void Kill() { process_.Kill(); }
  void Stop() { process_.Stop(); }
  pid_t pid() const { return process_.pid(); }
  std::string address() const { return process_.address(); }
  registry::v1::RegistryService::Stub& stub() { return *stub_; }
  common::v1::ProjectionAdminService::Stub& admin() { return process_.admin(); }

 private:
  ServiceProcess process_;
  std::unique_ptr<registry::v1::RegistryService::Stub> stub_;
};

}  // namespace zizhu::testing_support
