// zizhu-gateway: HTTPS/JSON and the web console in front of the gRPC services.
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <sys/stat.h>

#include <csignal>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/core/clock.h"
#include "services/common/grpc/tls.h"
#include "services/gateway/app/gateway_server.h"
#include "services/gateway/app/rpc_bridge.h"
#include "services/gateway/app/upstreams.h"

int main(int argc, char** argv) {
  // SIGINT and SIGTERM are taken by sigwait below, never by a handler (a
  // handler may only set a flag): blocked here, before any thread starts, so
  // every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  CLI::App app{"zizhu-gateway: HTTPS/JSON API and the operator console in front of the zizhu gRPC services"};
  zizhu::gateway::GatewayOptions options;
  std::string identity = "127.0.0.1:7000", registry = "127.0.0.1:7001", subsidy = "127.0.0.1:7002",
              disbursement = "127.0.0.1:7003", dropout = "127.0.0.1:7004", pairing = "127.0.0.1:7005";
  zizhu::grpc_kit::ClientTls upstream_tls;
  int deadline_ms = 30000;
  app.add_option("--host", options.host, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "HTTPS port")->capture_default_str();
  app.add_option("--tls-cert", options.tls_cert_file, "server certificate (PEM)")->required();
  app.add_option("--tls-key", options.tls_key_file, "server key (PEM)")->required();
  app.add_option("--console-dir", options.console_dir, "the built console (index.html and assets)");
  app.add_option("--reports-dir", options.reports_dir, "the report jobs' output directory (downloads in scope)");
  app.add_option("--upload-dir", options.upload_dir,
                 "where uploaded files wait while they are read (made 0700; default: a new private directory "
                 "under the system's temporary directory)");
  std::string report_global, report_args;
  app.add_option("--report-cli", options.report_command.program,
                 "the zizhu CLI the console's report runs call (none: reports are made with the CLI only)");
  app.add_option("--report-cli-global", report_global,
                 "its arguments before `report`, space-separated (--ca …, --identity …)");
  app.add_option("--report-cli-args", report_args,
                 "its arguments after the report's own, space-separated (--kafka …, --kafka-config …, "
                 "--token-public-key …, --targets …, --pairing-rules …)");
  app.add_option("--ca", upstream_tls.ca_file, "CA of the services' certificates (PEM)")->required();
  app.add_option("--upstream-server-name", upstream_tls.server_name, "name the services' certificates carry");
  app.add_option("--identity", identity, "identity service")->capture_default_str();
  app.add_option("--registry", registry, "registry service (registry and rosters)")->capture_default_str();
  app.add_option("--subsidy", subsidy, "subsidy service")->capture_default_str();
  app.add_option("--disbursement", disbursement, "disbursement service")->capture_default_str();
  app.add_option("--dropout", dropout, "dropout service")->capture_default_str();
  app.add_option("--pairing", pairing, "pairing service")->capture_default_str();
  app.add_option("--deadline-ms", deadline_ms, "deadline of each call to a service")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.report_command.global_args = absl::StrSplit(report_global, ' ', absl::SkipEmpty());
  options.report_command.report_args = absl::StrSplit(report_args, ' ', absl::SkipEmpty());
  umask(077);  // uploads and anything else this process writes are private

  auto credentials = zizhu::grpc_kit::ChannelCredentialsFor(upstream_tls);
  if (!credentials.ok()) {
    std::cerr << "zizhu-gateway: " << credentials.status() << std::endl;
    return 1;
  }
  auto channel = [&](const std::string& target) { return grpc::CreateChannel(target, *credentials); };
  std::vector<zizhu::gateway::Upstream> upstreams =
      zizhu::gateway::GatewayUpstreams({identity, registry, subsidy, disbursement, dropout, pairing}, channel);
  for (const auto& u : upstreams) {
    if (u.service == nullptr) {
      std::cerr << "zizhu-gateway: the " << u.name << " service is not in its proto" << std::endl;
      return 1;
    }
  }
  zizhu::gateway::RpcBridge bridge(std::move(upstreams), absl::Milliseconds(deadline_ms));
  zizhu::SystemClock clock;
  auto server = zizhu::gateway::GatewayServer::Start(options, &bridge, &clock);
  if (!server.ok()) {
    std::cerr << "zizhu-gateway: " << server.status() << std::endl;
    return 1;
  }
  std::cout << "zizhu-gateway listening on https://" << options.host << ":" << (*server)->port() << std::endl;
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "zizhu-gateway stopping" << std::endl;
  return 0;
}
