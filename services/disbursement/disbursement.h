// Disbursement: the fund ledger and payments as a kit Service. It follows the
// subsidy's topic (reactions: approved and adjusted entitlements become
// payments, exactly once) and the registry's (payees: names and sealed bank
// cards).
#pragma once

#include <memory>
#include <string>

#include "services/common/service/service.h"
#include "services/disbursement/adapters/disbursement_grpc_service.h"

namespace zizhu::disbursement {

struct DisbursementOptions {
  std::string subsidy_topic = "zizhu.subsidy.events.v1";
  std::string registry_topic = "zizhu.registry.events.v1";
};

class Disbursement final : public service::Service {
 public:
  Disbursement(DisbursementOptions options, const PersonalDataVault* vault)
      : options_(std::move(options)), vault_(vault), payees_(vault) {}
  std::string name() const override { return "disbursement"; }
  es::Projection& projection() override { return accounts_; }
  std::vector<service::Follow> follows() override;
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override;

 private:
  DisbursementOptions options_;
  const PersonalDataVault* vault_;
  AccountsProjection accounts_;
  Payees payees_;
  std::unique_ptr<DisbursementApp> app_;
  std::unique_ptr<DisbursementGrpcService> grpc_;
};

// The reactions to one subsidy event: per account, the entitlement shares it
// now allows (exposed for tests).
absl::Status ReactToSubsidy(const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out);

}  // namespace zizhu::disbursement
