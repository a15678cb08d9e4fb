// Dropout: the 三帮一 return ledger as a kit Service. It follows the
// registry's topic: rows (students, schools, rosters' disabled children and
// enrolments, the cross-match's school age) and reactions — a dropout the
// registry records opens a case, a registered-poor child of school age that
// the poverty office's roster names and no school has enrolled opens one,
// and an enrolment shows on the open case at once (each exactly once).
#pragma once

#include <memory>
#include <string>

#include "services/common/service/service.h"
#include "services/dropout/adapters/dropout_grpc_service.h"

namespace zizhu::dropout {

struct DropoutOptions {
  std::string registry_topic = "zizhu.registry.events.v1";
  v1::Targets targets;  // from the targets file
};

class Dropout final : public service::Service {
 public:
  Dropout(DropoutOptions options, const PersonalDataVault* vault) : options_(std::move(options)), vault_(vault) {}
  std::string name() const override { return "dropout"; }
  es::Projection& projection() override { return ledger_; }
  std::vector<service::Follow> follows() override;
  absl::Status Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) override;

 private:
  DropoutOptions options_;
  const PersonalDataVault* vault_;
  LedgerProjection ledger_;
  RegistryRows registry_rows_;
  std::unique_ptr<DropoutApp> app_;
  std::unique_ptr<DropoutGrpcService> grpc_;
};

// The reactions to one registry event (exposed for tests).
absl::Status ReactToRegistry(const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out);

}  // namespace zizhu::dropout
