// Test support: any zizhu service binary (built on the kit's ServiceMain) as
// a child process against the test broker, on a free port. Start() waits
// until the kit's ProjectionAdminService answers, i.e. until the service has
// caught up with its log and serves.
#pragma once

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"

namespace zizhu::testing_support {

struct ServiceProcessOptions {
  std::string binary;  // path of zizhu-<service>
  std::string bootstrap;
  std::string topic;
  std::string instance_id;
  std::string data_dir;
  int partitions = 3;
  // Service-specific flags, e.g. {"--key-file", path}.
  std::vector<std::string> extra_args;
  // Where the process's stdout and stderr go ("" = inherited).
  std::string log_file;
  // --testing-clock-offset-hours: the process's clock runs this far ahead
  // (tokens for it are issued at its time: now()).
  int clock_offset_hours = 0;
  // The Kafka principal it connects as (--kafka-config); empty: the binary's
  // name, which is its service's principal (zizhu-registry). Its instance id
  // is prefixed "<principal>-" unless it begins so: the broker lets a
  // principal use only such transactional ids.
  std::string kafka_principal = {};
};

class ServiceProcess {
 public:
  explicit ServiceProcess(ServiceProcessOptions options) : options_(std::move(options)) {}
  ~ServiceProcess();
  // Starts the process (a new free port each time) and waits until it
  // answers (60 s).
  bool Start();
  // SIGKILL: no shutdown code runs.
  void Kill();
  // SIGTERM and wait.
  void Stop();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string address() const;
  // The process's time (the real time plus its clock offset).
  absl::Time now() const { return absl::Now() + absl::Hours(options_.clock_offset_hours); }
  // Restarts with another clock offset on the next Start().
  void set_clock_offset_hours(int hours) { options_.clock_offset_hours = hours; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  common::v1::ProjectionAdminService::Stub& admin() { return *admin_; }

 private:
  ServiceProcessOptions options_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<common::v1::ProjectionAdminService::Stub> admin_;
};

}  // namespace zizhu::testing_support
