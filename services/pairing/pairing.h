// Pairing: urban-rural school pairs and teacher exchange as a kit Service.
// It follows the registry's topic for its schools (county, rural or not).
#pragma once

#include <memory>
#include <string>

#include "services/common/service/service.h"
#include "services/pairing/adapters/pairing_grpc_service.h"

namespace zizhu::pairing {

struct PairingOptions {
  std::string registry_topic = "zizhu.registry.events.v1";
  v1::PairingRules rules;  // from the rules file
};

class Pairing final : public service::Service {
 public:
  explicit Pairing(PairingOptions options) : options_(std::move(options)) {}
  std::string name() const override { return "pairing"; }
  es::Projection& projection() override { return own_; }
  std::vector<service::Follow> follows() override { return {{options_.registry_topic, &schools_, {}}}; }
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override {
    app_ = std::make_unique<PairingApp>(&context.commands, &context.store, options_.rules);
    grpc_ = std::make_unique<PairingGrpcService>(app_.get(), &context.authenticator);
    grpc_services.push_back(grpc_.get());
    return absl::OkStatus();
  }

 private:
  PairingOptions options_;
  PairingProjection own_;
  RegistrySchools schools_;
  std::unique_ptr<PairingApp> app_;
  std::unique_ptr<PairingGrpcService> grpc_;
};

}  // namespace zizhu::pairing
