// zizhu-dropout: the 三帮一 return ledger, rates against targets, left-behind
// children's files; follows the registry's topic. `--help` lists every setting.
#include "services/common/core/text_file.h"
#include "services/common/service/service_main.h"
#include "services/dropout/domain/rates.h"
#include "services/dropout/dropout.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "dropout";
  spec.description = "zizhu dropout service: the 三帮一 return ledger, rates against targets, left-behind children";
  spec.default_port = 7004;
  spec.personal_data = true;  // seals left-behind children's contact phones (the registry's key)
  zizhu::dropout::DropoutOptions options;
  std::string targets_file = "services/dropout/policy/targets.yaml";
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(cli, "dropout", "registry-topic", options.registry_topic,
                                         "the registry's topic, followed live");
        zizhu::service::AddServiceOption(cli, "dropout", "targets", targets_file,
                                         "the targets file (dropout rates, disabled children's enrolment)");
      },
      [&](const zizhu::service::ServiceEnv& env) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        absl::StatusOr<std::string> text = zizhu::ReadTextFile(targets_file, "the targets file (--targets)");
        if (!text.ok()) return text.status();
        absl::StatusOr<zizhu::dropout::v1::Targets> targets = zizhu::dropout::ParseTargetsFile(targets_file, *text);
        if (!targets.ok()) return targets.status();
        options.targets = *targets;
        return std::unique_ptr<zizhu::service::Service>(std::make_unique<zizhu::dropout::Dropout>(options, env.vault));
      });
}
