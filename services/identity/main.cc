// zizhu-identity: operator accounts, roles, org scopes and login. Signs
// tokens with its Ed25519 key; `zizhu-identity --help` lists every setting.

#include "services/common/service/service_main.h"
#include "services/identity/identity.h"

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "identity";
  spec.description = "zizhu identity service: operator accounts, roles, org scopes, login tokens";
  spec.default_port = 7000;
  spec.signs_tokens = true;
  // Its own key (--key-file; never the registry's personal-data key) seals
  // the password hashes in its events.
  spec.personal_data = true;
  zizhu::identity::IdentityOptions options;
  int ttl_minutes = 60;
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        using zizhu::service::AddServiceOption;
        AddServiceOption(cli, "identity", "bootstrap-admin", options.bootstrap_admin,
                         "first start: create this city administrator when missing");
        AddServiceOption(cli, "identity", "bootstrap-city", options.bootstrap_city,
                         "4-digit city code of the bootstrap administrator");
        AddServiceOption(cli, "identity", "bootstrap-password-file", options.bootstrap_password_file,
                         "file holding the bootstrap administrator's password");
        cli.add_option("--token-ttl-minutes", ttl_minutes, "lifetime of a login token")
            ->envname("ZIZHU_IDENTITY_TOKEN_TTL_MINUTES")
            ->capture_default_str()
            ->check(CLI::Range(1, 24 * 60));
        cli.add_option("--trusted-proxies", options.policy.trusted_proxies,
                       "peers whose forwarded client address (x-zizhu-client-address) is believed for the "
                       "per-source limit of failed logins, as gRPC names them (ipv4:127.0.0.1): the gateway")
            ->envname("ZIZHU_IDENTITY_TRUSTED_PROXIES")
            ->delimiter(',');
        cli.add_option("--max-failed-logins-per-source", options.policy.max_failed_logins_per_source,
                       "failed logins a minute from one source (any accounts) before it must wait")
            ->envname("ZIZHU_IDENTITY_MAX_FAILED_LOGINS_PER_SOURCE")
            ->capture_default_str()
            ->check(CLI::Range(1, 10000));
        cli.add_option("--max-failed-logins", options.policy.max_failed_logins,
                       "failed logins in a row after which an account is blocked for a while (1 min, doubling "
                       "to 15 min; never locked)")
            ->envname("ZIZHU_IDENTITY_MAX_FAILED_LOGINS")
            ->capture_default_str()
            ->check(CLI::Range(1, 100));
      },
      [&](const zizhu::service::ServiceEnv& env) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        options.policy.token_ttl = absl::Minutes(ttl_minutes);
        return std::unique_ptr<zizhu::service::Service>(
            std::make_unique<zizhu::identity::Identity>(options, env.token_signing_key, env.vault));
      });
}
