// Identity: operator accounts, roles, org scopes and login as a kit Service.
// Its events (zizhu.identity.events.v1) are the accounts' history; its
// Ed25519 public key lets every other service verify tokens locally.
#pragma once

#include <memory>
#include <string>

#include "services/common/service/service.h"
#include "services/identity/adapters/identity_grpc_service.h"

namespace zizhu::identity {

struct IdentityOptions {
  LoginPolicy policy;
  // First start: creates this city administrator when it does not exist
  // ("" = none). The password comes from bootstrap_password_file.
  std::string bootstrap_admin;  // login
  std::string bootstrap_city;   // 4-digit city code
  std::string bootstrap_password_file;
};

class Identity final : public service::Service {
 public:
  // `password_vault`: the identity service's own key (--key-file), which
  // seals the password hashes in its events; outlives the service.
  Identity(IdentityOptions options, const auth::SecretKey* signing_key, const PersonalDataVault* password_vault)
      : options_(std::move(options)), signing_key_(signing_key), password_vault_(password_vault) {}
  std::string name() const override { return "identity"; }
  es::Projection& projection() override { return projection_; }
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override;
  IdentityApp& app() { return *app_; }

 private:
  IdentityOptions options_;
  const auth::SecretKey* signing_key_;
  const PersonalDataVault* password_vault_;
  IdentityProjection projection_;
  std::unique_ptr<IdentityApp> app_;
  std::unique_ptr<IdentityGrpcService> grpc_;
};

}  // namespace zizhu::identity
