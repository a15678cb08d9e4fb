// zizhu-pairing: urban-rural school pairing, teacher exchange and rotation;
// follows the registry's topic (schools). `--help` lists every setting.
#include "services/common/core/text_file.h"
#include "services/common/service/service_main.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/pairing/pairing.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "pairing";
  spec.description = "zizhu pairing service: school pairs, teacher pairs, activities, plans, teacher rotation";
  spec.default_port = 7005;
  zizhu::pairing::PairingOptions options;
  std::string rules_file = "services/pairing/policy/rules.yaml";
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(cli, "pairing", "registry-topic", options.registry_topic,
                                         "the registry's topic, followed live (schools)");
        zizhu::service::AddServiceOption(cli, "pairing", "rules", rules_file,
                                         "the rules file (required activities, rotation target)");
      },
      [&](const zizhu::service::ServiceEnv&) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        absl::StatusOr<std::string> text = zizhu::ReadTextFile(rules_file, "the rules file (--rules)");
        if (!text.ok()) return text.status();
        absl::StatusOr<zizhu::pairing::v1::PairingRules> rules = zizhu::pairing::ParseRulesFile(rules_file, *text);
        if (!rules.ok()) return rules.status();
        options.rules = *rules;
        return std::unique_ptr<zizhu::service::Service>(std::make_unique<zizhu::pairing::Pairing>(options));
      });
}
