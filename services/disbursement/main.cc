// zizhu-disbursement: fund ledger, payments, bank batches and returns;
// follows the subsidy's and the registry's topics. `--help` lists every setting.

#include "services/common/service/service_main.h"
#include "services/disbursement/disbursement.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "disbursement";
  spec.description = "zizhu disbursement service: fund ledger, payments to bank cards, bank files, reconciliation";
  spec.default_port = 7003;
  spec.personal_data = true;  // opens bank cards to write bank files (the registry's key)
  zizhu::disbursement::DisbursementOptions options;
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(cli, "disbursement", "subsidy-topic", options.subsidy_topic,
                                         "the subsidy's topic, followed live");
        zizhu::service::AddServiceOption(cli, "disbursement", "registry-topic", options.registry_topic,
                                         "the registry's topic, followed live (payees, bank cards)");
      },
      [&](const zizhu::service::ServiceEnv& env) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        return std::unique_ptr<zizhu::service::Service>(
            std::make_unique<zizhu::disbursement::Disbursement>(options, env.vault));
      });
}
