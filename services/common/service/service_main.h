// ServiceMain: the whole `main` of a zizhu service process, so that a
// service's main.cc only declares its own options and builds its Service.
//
// Settings, lowest to highest precedence: built-in defaults, the config
// file (--config, TOML or INI), environment variables ZIZHU_<SERVICE>_<FLAG>
// (e.g. ZIZHU_REGISTRY_LISTEN for --listen), command-line flags.
// `<binary> --help` lists them all. Common flags: --listen, --data-dir,
// --event-log kafka|memory, --kafka-bootstrap, --topic, --partitions,
// --replication-factor, --instance-id, --max-batch, --key-file,
// --create-key-if-missing (services that hold personal data).
// SIGINT/SIGTERM shut the service down gracefully. Exit codes: 0 after a
// clean shutdown, 1 when the service cannot start (the reason is printed).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "services/common/auth/paseto.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/service/service.h"

namespace zizhu::service {

struct ServiceMainSpec {
  // Lowercase service name: "registry". Gives the binary's messages, the
  // environment prefix ZIZHU_REGISTRY_, the default topic
  // zizhu.<name>.events.v1, data dir .run/<name>/projection and instance id.
  std::string name;
  std::string description;
  // Default listen port on 127.0.0.1.
  int default_port = 0;
  // Loads (or creates) the personal-data key and hands it to the factory.
  bool personal_data = false;
  // Loads (or creates) the token signing key (the identity service only).
  bool signs_tokens = false;
};

struct ServiceEnv {
  const PersonalDataVault* vault = nullptr;  // null unless spec.personal_data
  const Clock* clock = nullptr;
  const auth::SecretKey* token_signing_key = nullptr;  // null unless spec.signs_tokens
};

using ServiceFactory = std::function<absl::StatusOr<std::unique_ptr<Service>>(const ServiceEnv&)>;

// Adds a service-specific option with its ZIZHU_<SERVICE>_<FLAG> variable.
CLI::Option* AddServiceOption(CLI::App& app, const std::string& service, const std::string& flag, std::string& value,
                              const std::string& help);

int ServiceMain(int argc, char** argv, const ServiceMainSpec& spec, const std::function<void(CLI::App&)>& add_options,
                const ServiceFactory& make);

}  // namespace zizhu::service
