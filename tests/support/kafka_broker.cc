#include "tests/support/kafka_broker.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/test_security.h"

namespace zizhu::testing_support {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

int RunCommand(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string KafkaConfigFile(const std::string& principal) {
  return absl::StrCat(TestSecurity::Get().dir(), "/kafka/", principal, ".properties");
}

kafka::ClientSettings KafkaSettings(const std::string& principal) {
  absl::StatusOr<kafka::ClientSettings> settings = kafka::LoadClientSettings(KafkaConfigFile(principal));
  if (!settings.ok()) {
    std::cerr << "test Kafka principal " << principal << ": " << settings.status() << std::endl;
    std::abort();
  }
  return *settings;
}

kafka::KafkaEventLogOptions OwnerLogOptions(const std::string& bootstrap, const std::string& topic,
                                            const std::string& writer) {
  // "zizhu.<owner>.…" → "zizhu-<owner>".
  const size_t dot = topic.find('.', 6);
  const std::string principal = absl::StrCat("zizhu-", topic.substr(6, dot == std::string::npos ? 0 : dot - 6));
  kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = bootstrap;
  o.topic = topic;
  o.client_settings = KafkaSettings(principal);
  o.transactional_id = absl::StrCat(principal, "-", writer);
  return o;
}

KafkaBroker::KafkaBroker() {
  char tmpl[] = "/tmp/zizhu-kafka-XXXXXX";
  dir_ = mkdtemp(tmpl);
  int port = FreePort();
  int controller = FreePort();
  while (controller == port) controller = FreePort();
  int internal = FreePort();
  while (internal == port || internal == controller) internal = FreePort();
  bootstrap_ = absl::StrCat("127.0.0.1:", port);
  std::string cmd = absl::StrCat("ZIZHU_SECRETS='", TestSecurity::Get().dir(), "' ZIZHU_KAFKA_EXTRA_PRINCIPALS='",
                                 ZIZHU_TEST_PRINCIPALS, "' ", ZIZHU_BROKER_SCRIPT, " start ", dir_, " ", port, " ",
                                 controller, " ", internal);
  if (RunCommand(cmd) != 0) {
    std::cerr << "could not start the Kafka broker: " << cmd << std::endl;
    std::abort();
  }
  // Every service follows the identity topic (revocations); as in a real
  // deployment its owner makes it first.
  kafka::KafkaEventLogOptions identity;
  identity.bootstrap_servers = bootstrap_;
  identity.client_settings = KafkaSettings("zizhu-identity");
  identity.topic = "zizhu.identity.events.v1";
  identity.partitions = 3;
  if (absl::Status made = kafka::EnsureTopic(identity, 15000); !made.ok()) {
    std::cerr << "could not create the identity topic on the test broker: " << made << std::endl;
    std::abort();
  }
}

bool KafkaBroker::Rotate(const std::string& principal) const {
  return RunCommand(absl::StrCat("ZIZHU_SECRETS='", TestSecurity::Get().dir(), "' ZIZHU_KAFKA_EXTRA_PRINCIPALS='",
                                 ZIZHU_TEST_PRINCIPALS, "' ", ZIZHU_BROKER_SCRIPT, " rotate ", dir_, " ", principal,
                                 " >/dev/null")) == 0;
}

KafkaBroker::~KafkaBroker() {
  RunCommand(absl::StrCat(ZIZHU_BROKER_SCRIPT, " stop ", dir_));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace zizhu::testing_support
