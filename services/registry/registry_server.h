// RegistryServer: the composition root of the registry process. Wires the
// event log, projection store, command processor, application layer and the
// gRPC server (registry, projection admin, health, reflection).
//
// Lifecycle: Start() catches the projection up with the log and then listens;
// Shutdown() stops accepting RPCs, drains the command queue and closes the
// store. The EventLog, vault and clock are borrowed and must outlive it.
#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "services/common/core/clock.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/command_processor.h"
#include "services/common/es/event_log.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::registry {

struct RegistryServerOptions {
  // host:port to listen on; port 0 picks a free port (see port()).
  std::string listen_address = "127.0.0.1:7001";
  // Directory of the RocksDB projection.
  std::string data_dir = ".run/registry/projection";
  es::CommandProcessorOptions processor;
  // Agencies allowed on the system-to-system API ("" = none).
  std::string agencies_file;
};

class RegistryApp;
class RegistryProjection;
class RegistryGrpcService;
class RosterApp;
class RosterGrpcService;
class IntegrationGrpcService;
class AgencyDirectory;

class RegistryServer {
 public:
  static absl::StatusOr<std::unique_ptr<RegistryServer>> Start(RegistryServerOptions options, es::EventLog* log,
                                                               const PersonalDataVault* vault, const Clock* clock);
  ~RegistryServer();
  int port() const { return port_; }
  void Wait() { server_->Wait(); }
  void Shutdown();
  es::CommandProcessor& processor() { return *processor_; }
  storage::ProjectionStore& store() { return *store_; }

 private:
  RegistryServer() = default;
  std::unique_ptr<storage::ProjectionStore> store_;
  std::unique_ptr<RegistryProjection> projection_;
  std::unique_ptr<es::CommandProcessor> processor_;
  std::unique_ptr<RegistryApp> app_;
  std::unique_ptr<RegistryGrpcService> service_;
  std::unique_ptr<RosterApp> roster_app_;
  std::unique_ptr<RosterGrpcService> roster_service_;
  std::unique_ptr<AgencyDirectory> agencies_;
  std::unique_ptr<IntegrationGrpcService> integration_service_;
  std::unique_ptr<grpc::Service> admin_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace zizhu::registry
