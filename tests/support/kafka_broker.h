// Test support: a real single-node Kafka broker on loopback, started through
// deploy/kafka/broker.sh on free ports with its own data directory, stopped
// and removed afterwards — authenticated and authorised as in production
// (SASL_SSL, one principal per service, deploy/kafka/principals.conf, plus the
// tests' own principal zizhu-test: tests/support/kafka_test_principals.conf).
// The credentials are in TestSecurity's directory (kafka/<principal>.properties).
#pragma once

#include <string>

#include "services/common/kafka/client_settings.h"
#include "services/common/kafka/kafka_event_log.h"

namespace zizhu::testing_support {

// A free TCP port on 127.0.0.1 (bound and released).
int FreePort();

class KafkaBroker {
 public:
  // Starts the broker; aborts the test binary with a message when it cannot.
  KafkaBroker();
  ~KafkaBroker();
  const std::string& bootstrap() const { return bootstrap_; }
  // The broker's data directory (its segments, logs).
  const std::string& dir() const { return dir_; }
  // `broker.sh rotate`: a new key for `principal`; its old key loses every
  // right. False when the script failed.
  bool Rotate(const std::string& principal) const;

 private:
  std::string dir_;
  std::string bootstrap_;
};

// The settings file of a Kafka principal of the test brokers, e.g.
// "zizhu-registry" (a service's) or "zizhu-test" (the tests' own: reads every
// topic, writes only "zizhu.test." topics with transactional ids "zizhu-test-…").
std::string KafkaConfigFile(const std::string& principal);
// Its settings, loaded (aborts the test binary when they cannot be read).
kafka::ClientSettings KafkaSettings(const std::string& principal = "zizhu-test");
// Options to open `topic` as the principal that owns it — "zizhu.registry.…"
// is zizhu-registry's — with transactional id "<principal>-<writer>" (tests
// and benchmarks that play an upstream service write its topic so).
kafka::KafkaEventLogOptions OwnerLogOptions(const std::string& bootstrap, const std::string& topic,
                                            const std::string& writer);

// The broker shared by all tests of a system-test binary (set up by the
// environment in system/system_test_main.cc).
KafkaBroker& GlobalBroker();

// Runs a shell command, returning its exit status.
int RunCommand(const std::string& command);

}  // namespace zizhu::testing_support
