#include "services/registry/registry.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"

namespace zizhu::registry {

absl::StatusOr<std::unique_ptr<Registry>> Registry::Create(const RegistryOptions& options,
                                                           const PersonalDataVault* vault) {
  std::unique_ptr<Registry> registry(new Registry(vault));
  if (!options.agencies_file.empty()) {
    ASSIGN_OR_RETURN(registry->agencies_, AgencyDirectory::Load(options.agencies_file));
  }
  if (!options.plausibility_file.empty()) {
    std::ifstream in(options.plausibility_file);
    if (!in)
      return absl::NotFoundError(absl::StrCat("cannot read plausibility file '", options.plausibility_file, "'"));
    std::stringstream text;
    text << in.rdbuf();
    ASSIGN_OR_RETURN(registry->plausibility_, PlausibilityPolicy::Parse(text.str()));
  }
  return registry;
}

absl::Status Registry::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  app_ = std::make_unique<RegistryApp>(&context.commands, &context.store, vault_, plausibility_, context.city);
  roster_app_ = std::make_unique<RosterApp>(&context.commands, &context.store, vault_, context.city);
  registry_grpc_ = std::make_unique<RegistryGrpcService>(app_.get(), &context.authenticator);
  roster_grpc_ = std::make_unique<RosterGrpcService>(roster_app_.get(), &context.authenticator);
  integration_grpc_ = std::make_unique<IntegrationGrpcService>(roster_app_.get(), &agencies_);
  grpc_services.insert(grpc_services.end(), {registry_grpc_.get(), roster_grpc_.get(), integration_grpc_.get()});
  return absl::OkStatus();
}

}  // namespace zizhu::registry
