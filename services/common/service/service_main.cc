#include "services/common/service/service_main.h"

#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/kafka/kafka_event_log.h"
#include "services/common/service/service_host.h"

namespace zizhu::service {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

std::string EnvName(const std::string& service, const std::string& flag) {
  return absl::AsciiStrToUpper(absl::StrCat("ZIZHU_", service, "_", absl::StrReplaceAll(flag, {{"-", "_"}})));
}

template <typename T>
CLI::Option* Add(CLI::App& app, const std::string& service, const std::string& flag, T& value,
                 const std::string& help) {
  return app.add_option(absl::StrCat("--", flag), value, help)->envname(EnvName(service, flag))->capture_default_str();
}

}  // namespace

CLI::Option* AddServiceOption(CLI::App& app, const std::string& service, const std::string& flag, std::string& value,
                              const std::string& help) {
  return Add(app, service, flag, value, help);
}

int ServiceMain(int argc, char** argv, const ServiceMainSpec& spec, const std::function<void(CLI::App&)>& add_options,
                const ServiceFactory& make) {
  const std::string binary = absl::StrCat("zizhu-", spec.name);
  auto fail = [&](const absl::Status& status, const std::string& what) {
    std::cerr << binary << ": " << what << ": " << status << std::endl;
    return 1;
  };
  CLI::App cli{spec.description, binary};
  cli.set_config("--config", "", "config file (TOML or INI)");
  ServiceHostOptions opts;
  opts.listen_address = absl::StrCat("127.0.0.1:", spec.default_port);
  opts.data_dir = absl::StrCat(".run/", spec.name, "/projection");
  kafka::KafkaEventLogOptions kafka;
  kafka.topic = absl::StrCat("zizhu.", spec.name, ".events.v1");
  kafka.transactional_id = absl::StrCat("zizhu-", spec.name, "-0");
  std::string event_log = "kafka";
  std::string key_file = ".run/keys/personal-data.key";
  bool create_key = false;
  const std::string& s = spec.name;
  Add(cli, s, "listen", opts.listen_address, "gRPC listen address (port 0: any free port)");
  Add(cli, s, "data-dir", opts.data_dir, "RocksDB projection directory");
  Add(cli, s, "event-log", event_log, "kafka, or memory (tests and demos only: nothing is kept)")
      ->check(CLI::IsMember({"kafka", "memory"}));
  Add(cli, s, "kafka-bootstrap", kafka.bootstrap_servers, "Kafka bootstrap servers");
  std::string kafka_config;
  Add(cli, s, "kafka-config", kafka_config,
      "this service's Kafka client settings: its own principal's credentials and the broker's CA (0600 file made by "
      "deploy/kafka/broker.sh: $ZIZHU_SECRETS/kafka/zizhu-<service>.properties); required with --event-log kafka");
  Add(cli, s, "topic", kafka.topic, "event topic of this service");
  Add(cli, s, "partitions", kafka.partitions, "partitions when the topic is created");
  Add(cli, s, "replication-factor", kafka.replication_factor, "replication factor when the topic is created");
  Add(cli, s, "instance-id", kafka.transactional_id,
      "transactional id of this writer instance (fences a zombie); must begin with the Kafka principal's name and "
      "'-' (zizhu-<service>-…): the broker lets a principal use no other");
  Add(cli, s, "max-batch", opts.processor.max_batch_commands, "most commands group-committed together");
  Add(cli, s, "block-cache-bytes", opts.block_cache_bytes, "RocksDB block cache");
  Add(cli, s, "metrics-listen", opts.metrics_address,
      "host:port of the Prometheus /metrics endpoint (subscription lag, commands); empty: off");
  if (spec.personal_data) {
    Add(cli, s, "key-file", key_file, "personal-data key file (64 hex characters)");
    cli.add_flag("--create-key-if-missing", create_key, "generate the key file when it does not exist (first start)")
        ->envname(EnvName(s, "create-key-if-missing"));
  }
  std::string token_public_key = ".run/keys/token.pub";
  std::string token_signing_key = ".run/keys/token.key";
  bool create_token_key = false;
  Add(cli, s, "token-public-key", token_public_key, "public key of the identity service; verifies every call's token");
  if (spec.signs_tokens) {
    Add(cli, s, "token-signing-key", token_signing_key, "Ed25519 secret key that signs tokens (its .pub beside it)");
    cli.add_flag("--create-token-key-if-missing", create_token_key, "generate the token key pair when missing")
        ->envname(EnvName(s, "create-token-key-if-missing"));
  }
  if (!spec.signs_tokens) opts.identity_topic = "zizhu.identity.events.v1";
  Add(cli, s, "identity-topic", opts.identity_topic,
      "identity service's topic, followed for token revocations (locked accounts); empty: not followed");
  Add(cli, s, "city", opts.city, "city code this deployment serves; its city administrators administer it");
  Add(cli, s, "tls-cert", opts.tls.cert_file, "PEM certificate chain of this server");
  Add(cli, s, "tls-key", opts.tls.key_file, "PEM private key of this server");
  Add(cli, s, "tls-client-ca", opts.tls.client_ca_file,
      "PEM CA for client certificates: when set, clients must present one (mutual TLS)");
  cli.add_flag("--insecure-plaintext", opts.tls.insecure_plaintext,
               "DEVELOPMENT ONLY: serve without TLS (tokens and personal data travel in clear)")
      ->envname(EnvName(s, "insecure-plaintext"));
  int64_t clock_offset_hours = 0;
  cli.add_option("--testing-clock-offset-hours", clock_offset_hours,
                 "TESTING ONLY: run the service's clock this many hours ahead (system tests of seven-day notices)")
      ->envname(EnvName(s, "testing-clock-offset-hours"))
      ->group("");  // not listed in --help
  if (add_options) add_options(cli);
  CLI11_PARSE(cli, argc, argv);
  // Everything this process writes (projection, keys it creates, logs it
  // opens) is private to its user.
  umask(077);
  if (clock_offset_hours != 0) {
    std::cerr << binary << ": WARNING: --testing-clock-offset-hours " << clock_offset_hours
              << ": the clock of this process is not the real time. Testing only." << std::endl;
  }
  if (opts.tls.insecure_plaintext) {
    std::cerr << binary << ": WARNING: --insecure-plaintext: no TLS on " << opts.listen_address
              << "; tokens and personal data travel in clear. Development only." << std::endl;
  }
  auth::SecretKey signing_key{};
  if (spec.signs_tokens) {
    if (create_token_key && !std::ifstream(token_signing_key).good()) {
      absl::Status created = auth::CreateKeyPair(token_signing_key, token_public_key);
      if (!created.ok()) return fail(created, "creating the token key pair");
      std::cerr << binary << ": created a token key pair: " << token_signing_key << " (secret), " << token_public_key
                << " (give it to every service)" << std::endl;
    }
    auto loaded = auth::LoadSecretKey(token_signing_key);
    if (!loaded.ok()) return fail(loaded.status(), "loading the token signing key");
    signing_key = *loaded;
  }

  std::unique_ptr<PersonalDataVault> vault;
  if (spec.personal_data) {
    if (create_key && !std::ifstream(key_file).good()) {
      absl::Status created = PersonalDataVault::GenerateKeyFile(key_file);
      if (!created.ok()) return fail(created, "creating the key file");
      std::cerr << binary << ": created a new personal-data key in " << key_file
                << " (back it up: without it sealed data cannot be read)" << std::endl;
    }
    auto loaded = PersonalDataVault::FromKeyFile(key_file);
    if (!loaded.ok()) return fail(loaded.status(), absl::StrCat("loading the personal-data key ", key_file));
    vault = std::move(*loaded);
  }

  std::unique_ptr<es::EventLog> log;
  UpstreamOpener upstreams;
  if (event_log == "memory") {
    log = std::make_unique<es::MemoryEventLog>(kafka.topic, kafka.partitions);
    upstreams = [&](const std::string& topic) -> absl::StatusOr<std::shared_ptr<es::EventLog>> {
      std::cerr << binary << ": warning: in-memory event log; upstream topic " << topic << " stays empty" << std::endl;
      return std::make_shared<es::MemoryEventLog>(topic, kafka.partitions);
    };
  } else {
    if (kafka_config.empty()) {
      return fail(absl::InvalidArgumentError(absl::StrCat(
                      "--kafka-config is required: the broker accepts only authenticated principals (for this "
                      "service: $ZIZHU_SECRETS/kafka/zizhu-",
                      spec.name, ".properties, made by deploy/kafka/broker.sh)")),
                  "connecting to Kafka");
    }
    auto settings = kafka::LoadClientSettings(kafka_config);
    if (!settings.ok()) return fail(settings.status(), "loading the Kafka client settings");
    kafka.client_settings = std::move(*settings);
    auto opened = kafka::KafkaEventLog::Open(kafka);
    if (!opened.ok()) return fail(opened.status(), absl::StrCat("connecting to Kafka at ", kafka.bootstrap_servers));
    log = std::move(*opened);
    upstreams = [kafka](const std::string& topic) -> absl::StatusOr<std::shared_ptr<es::EventLog>> {
      kafka::KafkaEventLogOptions upstream = kafka;
      upstream.topic = topic;
      upstream.read_only = true;
      auto opened = kafka::KafkaEventLog::Open(upstream);
      if (!opened.ok()) return opened.status();
      return std::shared_ptr<es::EventLog>(std::move(*opened));
    };
  }

  OffsetClock clock(absl::Hours(clock_offset_hours));
  auto authenticator = auth::Authenticator::FromPublicKeyFile(token_public_key, &clock);
  if (!authenticator.ok()) return fail(authenticator.status(), "loading the token public key");
  opts.authenticator = authenticator->get();
  ServiceEnv env{vault.get(), &clock, spec.signs_tokens ? &signing_key : nullptr};
  auto service = make(env);
  if (!service.ok()) return fail(service.status(), "configuring");
  auto host = ServiceHost::Start(opts, log.get(), upstreams, service->get(), &clock);
  if (!host.ok()) return fail(host.status(), "starting");
  std::cout << binary << " listening on port " << (*host)->port() << " (event log: " << event_log << " " << log->topic()
            << ", projection: " << (*host)->store().path() << ")" << std::endl;
  if ((*host)->metrics_port() != 0) {
    std::cout << binary << " metrics on http://" << opts.metrics_address.substr(0, opts.metrics_address.rfind(':'))
              << ":" << (*host)->metrics_port() << "/metrics" << std::endl;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::cout << binary << " shutting down" << std::endl;
  (*host)->Shutdown();
  return 0;
}

}  // namespace zizhu::service
