#include "tests/support/service_process.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/test_security.h"

namespace zizhu::testing_support {
namespace {

// A TLS channel with the service token and a short reconnect backoff (the
// first attempts run before the port listens).
std::shared_ptr<grpc::Channel> ProbeChannel(const std::string& address) {
  const TestSecurity& security = TestSecurity::Get();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  auto credentials = grpc_kit::ChannelCredentialsFor(security.ClientTls());
  return grpc::CreateCustomChannel(address, *credentials, args);
}

}  // namespace

ServiceProcess::~ServiceProcess() { Kill(); }

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

bool ServiceProcess::Start() {
  auto t0 = std::chrono::steady_clock::now();
  port_ = FreePort();
  const std::string principal = options_.kafka_principal.empty()
                                    ? options_.binary.substr(options_.binary.rfind('/') + 1)
                                    : options_.kafka_principal;
  std::string instance_id = options_.instance_id;
  if (instance_id.rfind(principal + "-", 0) != 0) instance_id = absl::StrCat(principal, "-", instance_id);
  std::vector<std::string> args = {options_.binary,
                                   "--listen",
                                   address(),
                                   "--data-dir",
                                   options_.data_dir,
                                   "--kafka-bootstrap",
                                   options_.bootstrap,
                                   "--topic",
                                   options_.topic,
                                   "--partitions",
                                   std::to_string(options_.partitions),
                                   "--instance-id",
                                   instance_id,
                                   "--kafka-config",
                                   KafkaConfigFile(principal)};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  if (options_.clock_offset_hours != 0) {
    args.push_back("--testing-clock-offset-hours");
    args.push_back(std::to_string(options_.clock_offset_hours));
  }
  const TestSecurity& security = TestSecurity::Get();
  for (const std::string& flag : security.ServerFlags()) args.push_back(flag);
  pid_ = fork();
  if (pid_ == 0) {
    if (!options_.log_file.empty()) {
      int fd = open(options_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  channel_ = security.Channel(address(), TestSecurity::Service(), now());
  admin_ = common::v1::ProjectionAdminService::NewStub(channel_);
  const std::string name = options_.binary.substr(options_.binary.rfind('/') + 1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      std::cerr << name << " exited during start-up" << std::endl;
      pid_ = -1;
      return false;
    }
    // A fresh channel per probe: a refused connection puts a channel into
    // reconnect backoff, which would delay the first successful probe.
    auto probe = common::v1::ProjectionAdminService::NewStub(ProbeChannel(address()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", security.Token(TestSecurity::Service(), now())));
    common::v1::ListSubscriptionsResponse resp;
    if (probe->ListSubscriptions(&ctx, {}, &resp).ok()) {
      std::cerr << name << " answered after "
                << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
                << " ms" << std::endl;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << name << " did not answer within 60 s" << std::endl;
  return false;
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServiceProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace zizhu::testing_support
