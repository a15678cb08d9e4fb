#include "tests/support/kafka_broker.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"

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

KafkaBroker::KafkaBroker() {
  char tmpl[] = "/tmp/zizhu-kafka-XXXXXX";
  dir_ = mkdtemp(tmpl);
  int port = FreePort();
  int controller = FreePort();
  while (controller == port) controller = FreePort();
  bootstrap_ = absl::StrCat("127.0.0.1:", port);
  std::string cmd = absl::StrCat(ZIZHU_BROKER_SCRIPT, " start ", dir_, " ", port, " ", controller);
  if (RunCommand(cmd) != 0) {
    std::cerr << "could not start the Kafka broker: " << cmd << std::endl;
    std::abort();
  }
}

KafkaBroker::~KafkaBroker() {
  RunCommand(absl::StrCat(ZIZHU_BROKER_SCRIPT, " stop ", dir_));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace zizhu::testing_support
