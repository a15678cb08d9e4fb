// ServiceHost: runs one Service — the projection store, the single writer,
// the answer pool, live subscriptions to upstream topics, and one gRPC
// server with the service's APIs plus health checking, reflection and
// ProjectionAdminService (rebuild, checksum, subscription lag).
//
// Lifecycle: Start() opens the store, catches the own projection up with the
// log, attaches the service, starts listening, then starts the
// subscriptions (they catch up while the service already answers; their lag
// is visible). Shutdown() (or the destructor) stops accepting RPCs, gives
// calls in flight `shutdown_grace`, stops the subscriptions, answers queued
// commands UNAVAILABLE, drains the answer pool and closes the store.
// The logs, Service and clock are borrowed and must outlive the host.
// Thread-safety: Rebuild/Subscriptions may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/core/executor.h"
#include "services/common/es/command_processor.h"
#include "services/common/es/event_log.h"
#include "services/common/es/subscription.h"
#include "services/common/grpc/tls.h"
#include "services/common/service/service.h"

namespace grpc {
class Server;
}
namespace prometheus {
class Collectable;
class Exposer;
}  // namespace prometheus

namespace zizhu::service {

struct ServiceHostOptions {
  // host:port to listen on; port 0 picks a free port (see port()).
  std::string listen_address = "127.0.0.1:0";
  // Directory of the RocksDB projection (required).
  std::string data_dir;
  // Block cache of the projection store, in bytes.
  size_t block_cache_bytes = 64 << 20;
  es::CommandProcessorOptions processor;
  es::SubscriptionOptions subscriptions;
  // Largest request and response, in bytes.
  int max_message_bytes = 16 << 20;
  // Time calls in flight get to finish at shutdown.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Threads that answer commands once their events are durable.
  int answer_threads = 2;
  // host:port of the Prometheus /metrics endpoint (port 0: any free port);
  // empty: no metrics endpoint.
  std::string metrics_address;
  // Verifies every call's token (required; borrowed, outlives the host). The
  // host gives it the revocation rows of its store (see revocations.h).
  auth::Authenticator* authenticator = nullptr;
  // The identity service's topic, followed for token revocations ("" = not
  // followed: the identity service itself, and tests without one).
  std::string identity_topic;
  // The city this deployment serves ("" = any; development): its city
  // administrators administer it (see auth::AdministersDeployment).
  std::string city;
  // TLS of the gRPC port (required unless tls.insecure_plaintext).
  grpc_kit::ServerTls tls;
};

// Opens an upstream topic for reading (Kafka read-only, or a shared
// in-memory log in tests).
using UpstreamOpener = std::function<absl::StatusOr<std::shared_ptr<es::EventLog>>(const std::string& topic)>;

class ServiceHost {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(ServiceHostOptions options, es::EventLog* log,
                                                            const UpstreamOpener& upstreams, Service* service,
                                                            const Clock* clock);
  ~ServiceHost();

  int port() const { return port_; }
  // Port of the /metrics endpoint, 0 when it is off.
  int metrics_port() const;
  void Shutdown();
  // Rebuilds the projection beside the live one: own topic from 0, then each
  // upstream topic up to the applied offsets; swaps it in. Returns the
  // number of events replayed.
  absl::StatusOr<int64_t> Rebuild();
  std::vector<es::SubscriptionStatus> Subscriptions() const;
  // Waits until every subscription has read its topic to the end.
  bool WaitCaughtUp(absl::Duration timeout) const;

  es::CommandProcessor& processor() { return *processor_; }
  storage::ProjectionStore& store() { return *store_; }
  const std::string& topic() const { return log_->topic(); }

 private:
  ServiceHost() = default;
  es::EventLog* log_ = nullptr;
  Service* service_ = nullptr;
  std::unique_ptr<storage::ProjectionStore> store_;
  std::unique_ptr<es::CommandProcessor> processor_;
  std::unique_ptr<Executor> answers_;
  std::unique_ptr<es::Commands> commands_;
  std::vector<std::shared_ptr<es::EventLog>> upstream_logs_;
  std::vector<std::unique_ptr<es::Subscription>> subscriptions_;
  std::unique_ptr<grpc::Service> admin_;
  std::unique_ptr<es::Projection> revocations_;  // of the identity topic, when followed
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<prometheus::Collectable> metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  absl::Duration shutdown_grace_;
  int port_ = 0;
  std::string city_;
  bool shut_down_ = false;
};

}  // namespace zizhu::service
