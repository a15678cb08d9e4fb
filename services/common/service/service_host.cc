#include "services/common/service/service_host.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "prometheus/exposer.h"
#include "services/common/core/status_macros.h"
#include "services/common/grpc/reflection_guard.h"
#include "services/common/service/metrics.h"
#include "services/common/service/projection_admin.h"
#include "services/common/service/revocations.h"

namespace zizhu::service {

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(ServiceHostOptions options, es::EventLog* log,
                                                                const UpstreamOpener& upstreams, Service* service,
                                                                const Clock* clock) {
  if (!options.authenticator) {
    return absl::FailedPreconditionError("no token verifier: every call needs a verified caller (--token-public-key)");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, grpc_kit::ServerCredentialsFor(options.tls));
  std::unique_ptr<ServiceHost> h(new ServiceHost());
  h->log_ = log;
  h->service_ = service;
  h->shutdown_grace_ = options.shutdown_grace;
  storage::ProjectionStoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.block_cache_bytes = options.block_cache_bytes;
  ASSIGN_OR_RETURN(h->store_, storage::ProjectionStore::Open(store_options));
  h->processor_ =
      std::make_unique<es::CommandProcessor>(log, h->store_.get(), &service->projection(), clock, options.processor);
  RETURN_IF_ERROR(h->processor_->Start());
  h->answers_ = std::make_unique<Executor>(options.answer_threads, absl::StrCat(service->name(), "-answer"));
  h->commands_ = std::make_unique<es::Commands>(h->processor_.get(), h->answers_.get());

  for (Follow& follow : service->follows()) {
    if (!upstreams) return absl::FailedPreconditionError("the service follows topics but no upstream opener was given");
    ASSIGN_OR_RETURN(std::shared_ptr<es::EventLog> upstream, upstreams(follow.topic));
    es::SubscriptionSpec spec{upstream.get(), follow.projection, std::move(follow.react),
                              absl::StrCat("system:", service->name())};
    h->subscriptions_.push_back(std::make_unique<es::Subscription>(std::move(spec), h->processor_.get(),
                                                                   h->store_.get(), options.subscriptions));
    h->upstream_logs_.push_back(std::move(upstream));
  }

  h->city_ = options.city;
  if (!options.identity_topic.empty()) {
    if (!upstreams) return absl::FailedPreconditionError("following the identity topic needs an upstream opener");
    ASSIGN_OR_RETURN(std::shared_ptr<es::EventLog> identity, upstreams(options.identity_topic));
    h->revocations_ = std::make_unique<RevocationProjection>();
    es::SubscriptionSpec spec{identity.get(), h->revocations_.get(), {}, absl::StrCat("system:", service->name())};
    h->subscriptions_.push_back(std::make_unique<es::Subscription>(std::move(spec), h->processor_.get(),
                                                                   h->store_.get(), options.subscriptions));
    h->upstream_logs_.push_back(std::move(identity));
  }
  options.authenticator->set_revoked_before(
      [store = h->store_.get()](const std::string& login) { return LoadRevokedBefore(*store, login); });

  ServiceContext context{*h->commands_, *h->store_, *clock, *options.authenticator, h->city_};
  std::vector<grpc::Service*> services;
  RETURN_IF_ERROR(service->Attach(context, services));
  h->admin_ = std::make_unique<ProjectionAdmin>(h.get(), options.authenticator, h->city_);
  services.push_back(h->admin_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Reflection only for a caller with a valid token.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<grpc_kit::ReflectionGuardFactory>(options.authenticator));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.AddListeningPort(options.listen_address, credentials, &h->port_);
  for (grpc::Service* s : services) builder.RegisterService(s);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  h->server_ = builder.BuildAndStart();
  if (!h->server_ || h->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on '", options.listen_address, "'"));
  }
  h->server_->GetHealthCheckService()->SetServingStatus(true);
  for (auto& subscription : h->subscriptions_) subscription->Start();
  if (!options.metrics_address.empty()) {
    ServiceHost* host = h.get();
    h->metrics_ = std::make_shared<HostMetrics>(
        service->name(), [host] { return host->Subscriptions(); }, [host] { return host->processor_->stats(); });
    try {
      h->exposer_ = std::make_unique<prometheus::Exposer>(options.metrics_address);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on '", options.metrics_address, "': ", e.what()));
    }
    h->exposer_->RegisterCollectable(h->metrics_);
  }
  return h;
}

ServiceHost::~ServiceHost() { Shutdown(); }

int ServiceHost::metrics_port() const {
  if (!exposer_) return 0;
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void ServiceHost::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  exposer_.reset();
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(shutdown_grace_));
  }
  for (auto& subscription : subscriptions_) subscription->Stop();
  if (processor_) processor_->Stop();
  answers_.reset();  // runs every answer still queued
  if (server_) server_->Wait();
}

absl::StatusOr<int64_t> ServiceHost::Rebuild() {
  std::vector<es::CommandProcessor::UpstreamReplay> replays;
  for (const auto& subscription : subscriptions_) {
    replays.push_back({subscription->spec().log, subscription->spec().projection});
  }
  return processor_->Rebuild(replays);
}

std::vector<es::SubscriptionStatus> ServiceHost::Subscriptions() const {
  std::vector<es::SubscriptionStatus> out;
  for (const auto& subscription : subscriptions_) out.push_back(subscription->status());
  return out;
}

bool ServiceHost::WaitCaughtUp(absl::Duration timeout) const {
  absl::Time deadline = absl::Now() + timeout;
  for (const auto& subscription : subscriptions_) {
    if (!subscription->WaitCaughtUp(deadline - absl::Now())) return false;
  }
  return true;
}

}  // namespace zizhu::service
