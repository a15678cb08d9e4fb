// Registry: the registry as a kit Service — its projection, its app layer
// (students, schools, households; rosters and the cross-match) and its gRPC
// APIs (RegistryService, RosterService, AgencyIntegrationService). The kit's
// ServiceHost runs it (see services/README.md).
#pragma once

#include <memory>
#include <string>

#include "services/common/crypto/personal_data_vault.h"
#include "services/common/service/service.h"
#include "services/registry/adapters/integration_grpc_service.h"
#include "services/registry/adapters/registry_grpc_service.h"
#include "services/registry/adapters/roster_grpc_service.h"
#include "services/registry/app/agency_directory.h"
#include "services/registry/app/registry_projection.h"

namespace zizhu::registry {

struct RegistryOptions {
  // Agencies allowed on the system-to-system API ("" = none): lines
  // '<agency> <poverty|civil|status> <sha256 of key>'.
  std::string agencies_file;
  // Age ranges per stage and how far ahead events may be dated ("" = the
  // built-in defaults); see domain/plausibility.h for the format.
  std::string plausibility_file;
};

class Registry final : public service::Service {
 public:
  // `vault` is borrowed and must outlive the Registry.
  static absl::StatusOr<std::unique_ptr<Registry>> Create(const RegistryOptions& options,
                                                          const PersonalDataVault* vault);
  std::string name() const override { return "registry"; }
  es::Projection& projection() override { return projection_; }
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override;

 private:
  explicit Registry(const PersonalDataVault* vault) : vault_(vault) {}
  const PersonalDataVault* vault_;
  AgencyDirectory agencies_;
  PlausibilityPolicy plausibility_;
  RegistryProjection projection_;
  std::unique_ptr<RegistryApp> app_;
  std::unique_ptr<RosterApp> roster_app_;
  std::unique_ptr<RegistryGrpcService> registry_grpc_;
  std::unique_ptr<RosterGrpcService> roster_grpc_;
  std::unique_ptr<IntegrationGrpcService> integration_grpc_;
};

}  // namespace zizhu::registry
