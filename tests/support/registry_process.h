// Test support: the real zizhu-registry binary as a child process.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "zizhu/common/v1/admin_service.grpc.pb.h"
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

class RegistryProcess {
 public:
  explicit RegistryProcess(RegistryProcessOptions options) : options_(std::move(options)) {}
  ~RegistryProcess();
  // Starts the process on a free port and waits until it answers (60 s).
  bool Start();
  // SIGKILL: no shutdown code runs.
  void Kill();
  // SIGTERM and wait.
  void Stop();
  std::string address() const;
  registry::v1::RegistryService::Stub& stub() { return *stub_; }
  common::v1::ProjectionAdmin::Stub& admin() { return *admin_; }

 private:
  RegistryProcessOptions options_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::unique_ptr<registry::v1::RegistryService::Stub> stub_;
  std::unique_ptr<common::v1::ProjectionAdmin::Stub> admin_;
};

}  // namespace zizhu::testing_support
