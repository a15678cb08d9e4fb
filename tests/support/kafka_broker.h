// Test support: a real single-node Kafka broker on loopback, started through
// deploy/kafka/broker.sh on free ports with its own data directory, stopped
// and removed afterwards.
#pragma once

#include <string>

namespace zizhu::testing_support {

// A free TCP port on 127.0.0.1 (bound and released).
int FreePort();

class KafkaBroker {
 public:
  // Starts the broker; aborts the test binary with a message when it cannot.
  KafkaBroker();
  ~KafkaBroker();
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  std::string dir_;
  std::string bootstrap_;
};

// The broker shared by all tests of a system-test binary (set up by the
// environment in system/system_test_main.cc).
KafkaBroker& GlobalBroker();

// Runs a shell command, returning its exit status.
int RunCommand(const std::string& command);

}  // namespace zizhu::testing_support
