// zizhu-registry: the student registry service.
//
// Settings come from (lowest to highest precedence) built-in defaults, the
// config file (--config, TOML/INI), environment variables (ZIZHU_REGISTRY_*)
// and command-line flags. `zizhu-registry --help` lists them all.
#include <csignal>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "services/common/core/clock.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/kafka/kafka_event_log.h"
#include "services/registry/registry_server.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

int Fail(const absl::Status& status, const std::string& what) {
  std::cerr << "zizhu-registry: " << what << ": " << status << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"zizhu registry service: students, households, schools"};
  cli.set_config("--config", "", "config file (TOML or INI)");
  zizhu::registry::RegistryServerOptions server;
  zizhu::kafka::KafkaEventLogOptions kafka;
  kafka.topic = "zizhu.registry.events.v1";
  kafka.transactional_id = "zizhu-registry-0";
  std::string event_log = "kafka";
  std::string key_file = ".run/keys/personal-data.key";
  bool create_key = false;
  cli.add_option("--listen", server.listen_address, "gRPC listen address")
      ->envname("ZIZHU_REGISTRY_LISTEN")
      ->capture_default_str();
  cli.add_option("--data-dir", server.data_dir, "RocksDB projection directory")
      ->envname("ZIZHU_REGISTRY_DATA_DIR")
      ->capture_default_str();
  cli.add_option("--key-file", key_file, "personal-data key file (64 hex characters)")
      ->envname("ZIZHU_KEY_FILE")
      ->capture_default_str();
  cli.add_flag("--create-key-if-missing", create_key, "generate the key file when it does not exist (first start)")
      ->envname("ZIZHU_CREATE_KEY");
  cli.add_option("--event-log", event_log, "kafka, or memory (tests and demos only: nothing is kept)")
      ->check(CLI::IsMember({"kafka", "memory"}))
      ->envname("ZIZHU_EVENT_LOG")
      ->capture_default_str();
  cli.add_option("--kafka-bootstrap", kafka.bootstrap_servers, "Kafka bootstrap servers")
      ->envname("ZIZHU_KAFKA_BOOTSTRAP")
      ->capture_default_str();
  cli.add_option("--topic", kafka.topic, "event topic of the registry")
      ->envname("ZIZHU_REGISTRY_TOPIC")
      ->capture_default_str();
  cli.add_option("--partitions", kafka.partitions, "partitions when the topic is created")
      ->envname("ZIZHU_REGISTRY_PARTITIONS")
      ->capture_default_str();
  cli.add_option("--replication-factor", kafka.replication_factor, "replication factor when the topic is created")
      ->envname("ZIZHU_REGISTRY_REPLICATION")
      ->capture_default_str();
  cli.add_option("--instance-id", kafka.transactional_id, "transactional id of this writer instance")
      ->envname("ZIZHU_REGISTRY_INSTANCE_ID")
      ->capture_default_str();
  cli.add_option("--agencies-file", server.agencies_file,
                 "agencies allowed on the system-to-system API: '<agency> <poverty|civil|status> <key sha256>' lines")
      ->envname("ZIZHU_AGENCIES_FILE");
  cli.add_option("--max-batch", server.processor.max_batch_commands, "most commands group-committed together")
      ->envname("ZIZHU_REGISTRY_MAX_BATCH")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  if (create_key && !std::ifstream(key_file).good()) {
    absl::Status created = zizhu::PersonalDataVault::GenerateKeyFile(key_file);
    if (!created.ok()) return Fail(created, "creating the key file");
    std::cerr << "zizhu-registry: created a new personal-data key in " << key_file
              << " (back it up: without it sealed data cannot be read)" << std::endl;
  }
  auto vault = zizhu::PersonalDataVault::FromKeyFile(key_file);
  if (!vault.ok()) return Fail(vault.status(), "loading the personal-data key");

  std::unique_ptr<zizhu::es::EventLog> log;
  if (event_log == "memory") {
    log = std::make_unique<zizhu::es::MemoryEventLog>(kafka.topic, kafka.partitions);
  } else {
    auto opened = zizhu::kafka::KafkaEventLog::Open(kafka);
    if (!opened.ok()) return Fail(opened.status(), absl::StrCat("connecting to Kafka at ", kafka.bootstrap_servers));
    log = std::move(*opened);
  }

  zizhu::SystemClock clock;
  auto started = zizhu::registry::RegistryServer::Start(server, log.get(), vault->get(), &clock);
  if (!started.ok()) return Fail(started.status(), "starting");
  std::cout << "zizhu-registry listening on port " << (*started)->port() << " (event log: " << event_log << " "
            << log->topic() << ", projection: " << server.data_dir << ")" << std::endl;

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::cout << "zizhu-registry shutting down" << std::endl;
  (*started)->Shutdown();
  return 0;
}
