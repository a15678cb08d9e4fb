// zizhu-subsidy: versioned policy and the semester aid round; follows the
// registry's topic. `zizhu-subsidy --help` lists every setting.

#include "services/common/service/service_main.h"
#include "services/subsidy/subsidy.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "subsidy";
  spec.description = "zizhu subsidy service: policy versions, semester aid rounds, entitlements";
  spec.default_port = 7002;
  zizhu::subsidy::SubsidyOptions options;
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(cli, "subsidy", "registry-topic", options.registry_topic,
                                         "the registry's topic, followed live");
      },
      [&](const zizhu::service::ServiceEnv&) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        return std::unique_ptr<zizhu::service::Service>(std::make_unique<zizhu::subsidy::Subsidy>(options));
      });
}
