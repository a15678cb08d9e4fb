// Subsidy: versioned policy and the semester aid round as a kit Service. It
// follows the registry's topic live (RegistryFacts) and reacts to enrolment
// changes of students with approved entitlements (adjustments).
#pragma once

#include <memory>
#include <string>

#include "services/common/service/service.h"
#include "services/subsidy/adapters/subsidy_grpc_service.h"

namespace zizhu::subsidy {

struct SubsidyOptions {
  std::string registry_topic = "zizhu.registry.events.v1";
};

class Subsidy final : public service::Service {
 public:
  explicit Subsidy(SubsidyOptions options) : options_(std::move(options)) {}
  std::string name() const override { return "subsidy"; }
  es::Projection& projection() override { return projection_; }
  std::vector<service::Follow> follows() override;
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override;
  SubsidyApp& app() { return *app_; }

 private:
  SubsidyOptions options_;
  SubsidyProjection projection_;
  RegistryFacts registry_facts_;
  std::unique_ptr<SubsidyApp> app_;
  std::unique_ptr<SubsidyGrpcService> grpc_;
};

}  // namespace zizhu::subsidy
