// Every service's own projection applies every event of its events.proto with
// a typed handler: a new event message without one fails here (issue 23).
#include "services/common/testing/event_handlers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/disbursement/app/disbursement_projection.h"
#include "services/dropout/app/dropout_projection.h"
#include "services/pairing/app/pairing_projection.h"
#include "services/registry/app/registry_projection.h"
#include "services/subsidy/app/subsidy_projection.h"
#include "zizhu/disbursement/v1/events.pb.h"
#include "zizhu/dropout/v1/events.pb.h"
#include "zizhu/pairing/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu {
namespace {

using ::testing::IsEmpty;
using testing_kit::EventsWithoutHandler;

TEST(EventHandlersTest, RegistryHandlesEveryEvent) {
  EXPECT_THAT(
      EventsWithoutHandler(registry::RegistryProjection(), registry::v1::SchoolRegistered::descriptor()->file()),
      IsEmpty());
}

TEST(EventHandlersTest, SubsidyHandlesEveryEvent) {
  EXPECT_THAT(EventsWithoutHandler(subsidy::SubsidyProjection(), subsidy::v1::RoundOpened::descriptor()->file()),
              IsEmpty());
}

TEST(EventHandlersTest, DisbursementHandlesEveryEvent) {
  EXPECT_THAT(
      EventsWithoutHandler(disbursement::AccountsProjection(), disbursement::v1::FundsAllocated::descriptor()->file(),
                           {"AmountChange", "ReturnLine"}),
      IsEmpty());
}

TEST(EventHandlersTest, DropoutHandlesEveryEvent) {
  EXPECT_THAT(EventsWithoutHandler(dropout::LedgerProjection(), dropout::v1::CaseOpened::descriptor()->file()),
              IsEmpty());
}

TEST(EventHandlersTest, PairingHandlesEveryEvent) {
  EXPECT_THAT(EventsWithoutHandler(pairing::PairingProjection(), pairing::v1::PairFormed::descriptor()->file()),
              IsEmpty());
}

// The check itself fails on a projection that misses an event.
TEST(EventHandlersTest, AMissingHandlerIsNamed) {
  class Partial final : public es::DispatchingProjection {
   public:
    Partial() {
      on_.On<pairing::v1::PairFormed>([](const pairing::v1::PairFormed&, const common::v1::EventEnvelope&,
                                         storage::ProjectionBatch&) { return absl::OkStatus(); });
    }
  };
  const std::vector<std::string> missing =
      EventsWithoutHandler(Partial(), pairing::v1::PairFormed::descriptor()->file());
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing.front(), "zizhu.pairing.v1.PairEnded");
}

}  // namespace
}  // namespace zizhu
