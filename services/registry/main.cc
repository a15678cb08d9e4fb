// zizhu-registry: the student registry service (students, households,
// schools, agency rosters and the cross-match). `zizhu-registry --help`
// lists every setting; see services/common/service/service_main.h.
#include "services/common/service/service_main.h"
#include "services/registry/registry.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "registry";
  spec.description = "zizhu registry service: students, households, schools, agency rosters";
  spec.default_port = 7001;
  spec.personal_data = true;
  zizhu::registry::RegistryOptions options;
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(
            cli, "registry", "agencies-file", options.agencies_file,
            "agencies allowed on the system-to-system API: '<agency> <poverty|civil|status> <key sha256>' lines");
        zizhu::service::AddServiceOption(cli, "registry", "plausibility-file", options.plausibility_file,
                                         "age ranges per stage and how far ahead events may be dated "
                                         "('age <stage> <min> <max>', 'max_days_ahead <days>')");
      },
      [&](const zizhu::service::ServiceEnv& env) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        auto registry = zizhu::registry::Registry::Create(options, env.vault);
        if (!registry.ok()) return registry.status();
        return std::unique_ptr<zizhu::service::Service>(std::move(*registry));
      });
}
