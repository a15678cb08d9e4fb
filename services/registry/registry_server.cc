#include "services/registry/registry_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"
#include "services/common/grpc/projection_admin_service.h"
#include "services/registry/adapters/integration_grpc_service.h"
#include "services/registry/adapters/registry_grpc_service.h"
#include "services/registry/adapters/roster_grpc_service.h"
#include "services/registry/app/agency_directory.h"
#include "services/registry/app/registry_app.h"
#include "services/registry/app/registry_projection.h"
#include "services/registry/app/roster_app.h"

namespace zizhu::registry {

absl::StatusOr<std::unique_ptr<RegistryServer>> RegistryServer::Start(RegistryServerOptions options, es::EventLog* log,
                                                                      const PersonalDataVault* vault,
                                                                      const Clock* clock) {
  std::unique_ptr<RegistryServer> s(new RegistryServer());
  s->agencies_ = std::make_unique<AgencyDirectory>();
  if (!options.agencies_file.empty()) {
    ASSIGN_OR_RETURN(*s->agencies_, AgencyDirectory::Load(options.agencies_file));
  }
  storage::ProjectionStoreOptions store_options;
  store_options.path = options.data_dir;
  ASSIGN_OR_RETURN(s->store_, storage::ProjectionStore::Open(store_options));
  s->projection_ = std::make_unique<RegistryProjection>();
  s->processor_ =
      std::make_unique<es::CommandProcessor>(log, s->store_.get(), s->projection_.get(), clock, options.processor);
  RETURN_IF_ERROR(s->processor_->Start());
  s->app_ = std::make_unique<RegistryApp>(s->processor_.get(), s->store_.get(), vault);
  s->service_ = std::make_unique<RegistryGrpcService>(s->app_.get());
  s->roster_app_ = std::make_unique<RosterApp>(s->processor_.get(), s->store_.get(), vault);
  s->roster_service_ = std::make_unique<RosterGrpcService>(s->roster_app_.get());
  s->integration_service_ = std::make_unique<IntegrationGrpcService>(s->roster_app_.get(), s->agencies_.get());
  s->admin_ = std::make_unique<ProjectionAdminService>(s->processor_.get(), s->store_.get(), log->topic());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &s->port_);
  builder.RegisterService(s->service_.get());
  builder.RegisterService(s->admin_.get());
  builder.RegisterService(s->roster_service_.get());
  builder.RegisterService(s->integration_service_.get());
  builder.SetMaxReceiveMessageSize(16 << 20);
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on '", options.listen_address, "'"));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  return s;
}

RegistryServer::~RegistryServer() { Shutdown(); }

void RegistryServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    // Commands in flight get up to 5 s to be written and answered.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  if (processor_) processor_->Stop();
  if (server_) server_->Wait();
}

}  // namespace zizhu::registry
