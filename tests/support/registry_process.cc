#include "tests/support/registry_process.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/kafka_broker.h"

namespace zizhu::testing_support {

RegistryProcess::~RegistryProcess() { Kill(); }

std::string RegistryProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

bool RegistryProcess::Start() {
  auto t0 = std::chrono::steady_clock::now();
  port_ = FreePort();
  std::vector<std::string> args = {ZIZHU_REGISTRY_BINARY,
                                   "--listen",
                                   address(),
                                   "--data-dir",
                                   options_.data_dir,
                                   "--key-file",
                                   options_.key_file,
                                   "--create-key-if-missing",
                                   "--kafka-bootstrap",
                                   options_.bootstrap,
                                   "--topic",
                                   options_.topic,
                                   "--partitions",
                                   std::to_string(options_.partitions),
                                   "--instance-id",
                                   options_.instance_id};
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Short reconnect backoff: the first attempts run before the port listens.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  channel_args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  auto channel = grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), channel_args);
  stub_ = registry::v1::RegistryService::NewStub(channel);
  admin_ = common::v1::ProjectionAdmin::NewStub(channel);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      std::cerr << "zizhu-registry exited during start-up" << std::endl;
      pid_ = -1;
      return false;
    }
    // A fresh channel per probe: a refused connection puts a channel into
    // reconnect backoff, which would delay the first successful probe.
    auto probe = registry::v1::RegistryService::NewStub(
        grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), channel_args));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    registry::v1::ListSchoolsRequest req;
    req.set_page_size(1);
    registry::v1::ListSchoolsResponse resp;
    if (probe->ListSchools(&ctx, req, &resp).ok()) {
      std::cerr << "registry answered after "
                << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
                << " ms" << std::endl;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << "zizhu-registry did not answer within 60 s" << std::endl;
  return false;
}

void RegistryProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RegistryProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace zizhu::testing_support
