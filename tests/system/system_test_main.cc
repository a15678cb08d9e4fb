// One real Kafka broker for every system test of the binary.
#include "gtest/gtest.h"
#include "tests/support/kafka_broker.h"

namespace zizhu::testing_support {
namespace {

KafkaBroker* g_broker = nullptr;

class BrokerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { g_broker = new KafkaBroker(); }
  void TearDown() override {
    delete g_broker;
    g_broker = nullptr;
  }
};

}  // namespace

KafkaBroker& GlobalBroker() { return *g_broker; }

}  // namespace zizhu::testing_support

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new zizhu::testing_support::BrokerEnvironment());
  return RUN_ALL_TESTS();
}
