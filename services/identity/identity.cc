#include "services/identity/identity.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace zizhu::identity {

absl::Status Identity::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  if (!signing_key_) return absl::FailedPreconditionError("the identity service needs its token signing key");
  if (!password_vault_) {
    return absl::FailedPreconditionError("the identity service needs its own key (--key-file) to seal password hashes");
  }
  app_ = std::make_unique<IdentityApp>(&context.commands, &context.store, &context.clock, signing_key_, password_vault_,
                                       options_.policy);
  grpc_ = std::make_unique<IdentityGrpcService>(app_.get(), &context.authenticator);
  grpc_services.push_back(grpc_.get());
  if (!options_.bootstrap_admin.empty()) {
    std::ifstream in(options_.bootstrap_password_file);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("cannot read the bootstrap password file '", options_.bootstrap_password_file, "'"));
    }
    std::stringstream text;
    text << in.rdbuf();
    absl::Status created = app_->Bootstrap(options_.bootstrap_admin, options_.bootstrap_city,
                                           std::string(absl::StripAsciiWhitespace(text.str())));
    if (!created.ok()) return absl::Status(created.code(), absl::StrCat("bootstrap account: ", created.message()));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::identity
