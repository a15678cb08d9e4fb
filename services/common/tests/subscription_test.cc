// Live subscriptions through the kit: a follower service in this test
// follows an upstream topic (in memory), keeps upstream rows, reacts to
// upstream events with commands of its own, shows its lag, and rebuilds to
// the same bytes. Upstream events are StringValue payloads; the follower's
// own events are Int64Value payloads.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "services/common/core/random_ids.h"
#include "services/common/es/record_codec.h"
#include "services/common/testing/service_harness.h"

namespace zizhu::es {
namespace {

constexpr char kUpstream[] = "test.upstream.events.v1";
constexpr char kOwn[] = "test.follower.events.v1";

// Upstream rows: "up/<aggregate>" = number of upstream events seen for it.
class UpstreamRows final : public DispatchingProjection {
 public:
  UpstreamRows() {
    on_.On<google::protobuf::StringValue>(
        [](const google::protobuf::StringValue&, const common::v1::EventEnvelope& e, storage::ProjectionBatch& b) {
          auto row = b.Get("up/" + e.aggregate_id()).value();
          b.Put("up/" + e.aggregate_id(), std::to_string(row ? std::stoll(*row) + 1 : 1));
          return absl::OkStatus();
        });
  }
};

// Own rows: "own/<aggregate>" = the upstream event the reaction answered.
class OwnRows final : public DispatchingProjection {
 public:
  OwnRows() {
    on_.On<google::protobuf::Int64Value>(
        [](const google::protobuf::Int64Value& v, const common::v1::EventEnvelope& e, storage::ProjectionBatch& b) {
          b.Put("own/" + e.aggregate_id(), e.causation_id());
          if (e.aggregate_type() == "test.Count") b.Put("seen/" + e.aggregate_id(), std::to_string(v.value()));
          return absl::OkStatus();
        });
  }
};

// Reacts to every upstream event whose text is "react" by writing one own event.
class Follower final : public service::Service {
 public:
  std::string name() const override { return "follower"; }
  Projection& projection() override { return own_; }
  std::vector<service::Follow> follows() override {
    return {{kUpstream, &upstream_, [](const common::v1::EventEnvelope& e, std::vector<Reaction>& out) {
               google::protobuf::StringValue text;
               if (!e.payload().UnpackTo(&text)) return absl::OkStatus();
               if (text.value() == "maybe") {  // a reaction whose decision finds nothing to do
                 out.push_back({"maybe", [](storage::ProjectionBatch&, absl::Time) {
                                  return absl::StatusOr<std::vector<NewEvent>>(std::vector<NewEvent>{});
                                }});
                 return absl::OkStatus();
               }
               if (text.value() == "count") {  // records how many upstream events of its aggregate it saw
                 out.push_back({"count", [id = e.event_id(), aggregate = e.aggregate_id()](
                                             storage::ProjectionBatch& view, absl::Time) {
                                  auto row = view.Get("up/" + aggregate).value();
                                  auto payload = std::make_shared<google::protobuf::Int64Value>();
                                  payload->set_value(row ? std::stoll(*row) : 0);
                                  return absl::StatusOr<std::vector<NewEvent>>(std::vector<NewEvent>{
                                      {"test.Count", AggregateId("count-" + aggregate), AggregateVersion(1), payload}});
                                }});
                 return absl::OkStatus();
               }
               if (text.value() != "react") return absl::OkStatus();
               out.push_back({"note", [id = e.event_id()](storage::ProjectionBatch&, absl::Time) {
                                auto payload = std::make_shared<google::protobuf::Int64Value>();
                                payload->set_value(1);
                                return absl::StatusOr<std::vector<NewEvent>>(std::vector<NewEvent>{
                                    {"test.Note", AggregateId("note-" + id), AggregateVersion(1), payload}});
                              }});
               return absl::OkStatus();
             }}};
  }
  absl::Status Attach(service::ServiceContext&, std::vector<grpc::Service*>&) override { return absl::OkStatus(); }

 private:
  OwnRows own_;
  UpstreamRows upstream_;
};

// GET http://127.0.0.1:<port><path>, the whole answer (headers and body).
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  close(fd);
  return answer;
}

class SubscriptionTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/sub_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    Start();
  }
  void Start() { harness_ = testing_kit::ServiceHarness::Start(&follower_, topics_, kOwn, &clock_, dir_).value(); }
  // Appends an upstream event as another service would.
  void Publish(const std::string& aggregate, const std::string& text, const std::string& request_id = "") {
    google::protobuf::StringValue payload;
    payload.set_value(text);
    common::v1::EventEnvelope e;
    e.set_event_id(NewRandomHexId());
    e.set_aggregate_id(aggregate);
    e.set_request_id(request_id.empty() ? NewRandomHexId() : request_id);
    e.mutable_payload()->PackFrom(payload);
    ASSERT_TRUE(topics_.Get(kUpstream)->AppendAtomically({{aggregate, e.SerializeAsString()}}).ok());
  }
  // Appends upstream events as ONE batch record (as a batching writer does
  // when they share a partition: here one aggregate).
  void PublishBatch(const std::string& aggregate, const std::vector<std::string>& texts) {
    std::vector<AppendRecord> events;
    for (const std::string& text : texts) {
      google::protobuf::StringValue payload;
      payload.set_value(text);
      common::v1::EventEnvelope e;
      e.set_event_id(NewRandomHexId());
      e.set_aggregate_id(aggregate);
      e.set_request_id(NewRandomHexId());
      e.mutable_payload()->PackFrom(payload);
      events.push_back({aggregate, e.SerializeAsString()});
    }
    EventLog* log = topics_.Get(kUpstream).get();
    PackedRecords packed = PackRecords(
        events, [log](const std::string& key) { return log->PartitionOf(key); }, 1 << 20);
    ASSERT_EQ(packed.records.size(), 1u);
    ASSERT_TRUE(log->AppendAtomically(packed.records).ok());
  }
  std::string Row(const std::string& key) {
    auto row = harness_->host().store().Get(key).value();
    return row ? *row : "<absent>";
  }
  std::string Checksum() {
    std::string hex;
    EXPECT_TRUE(harness_->host()
                    .processor()
                    .RunExclusive([&] {
                      hex = harness_->host().store().Checksum().value().hex;
                      return absl::OkStatus();
                    })
                    .ok());
    return hex;
  }

  std::string dir_;
  testing_kit::MemoryTopics topics_;
  ManualClock clock_{absl::FromUnixSeconds(1780000000)};
  Follower follower_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
};

TEST_F(SubscriptionTest, FoldsUpstreamEventsAndReactsOncePerEvent) {
  for (int i = 0; i < 50; ++i) Publish(absl::StrCat("a", i % 5), i % 2 == 0 ? "react" : "plain");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("up/a0"), "10");
  EXPECT_EQ(harness_->log().events(), 25u);  // one own event per "react"
  auto status = harness_->host().Subscriptions().at(0);
  EXPECT_EQ(status.topic, kUpstream);
  EXPECT_EQ(status.lag_records, 0);
  EXPECT_EQ(status.applied_events, 50);
  EXPECT_EQ(status.reactions, 25);
  EXPECT_EQ(status.last_error, "");
}

TEST_F(SubscriptionTest, AReactionSeesTheRowsOfTheEventsBeforeItsOwnInTheSameRead) {
  harness_.reset();  // everything published before the follower reads: one read
  Publish("b", "plain");
  Publish("b", "plain");
  Publish("b", "count");
  Publish("b", "plain");
  Start();
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("seen/count-b"), "2");  // the two before it; not its own, not the one after
  EXPECT_EQ(Row("up/b"), "4");
  EXPECT_EQ(harness_->host().Subscriptions().at(0).applied_events, 4);
}

TEST_F(SubscriptionTest, AReactionThatDecidesNothingIsNotAFailure) {
  for (int i = 0; i < 10; ++i) Publish("a", i % 2 == 0 ? "maybe" : "react");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("up/a"), "10");
  EXPECT_EQ(harness_->log().events(), 5u);  // only the "react" events wrote
  auto status = harness_->host().Subscriptions().at(0);
  EXPECT_EQ(status.lag_records, 0);
  EXPECT_EQ(status.reactions_refused, 0);
  EXPECT_EQ(status.last_error, "");
}

TEST_F(SubscriptionTest, RedeliveryAfterACrashBeforeTheOffsetsDoesNotReactTwice) {
  for (int i = 0; i < 20; ++i) Publish("a", "react");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  ASSERT_EQ(harness_->log().events(), 20u);
  harness_.reset();
  {
    // As if the process died after the reactions but before the upstream
    // offsets were committed: forget the upstream offsets and rows.
    auto store = storage::ProjectionStore::Open({dir_}).value();
    storage::ProjectionBatch batch = store->NewBatch();
    for (int p = 0; p < 3; ++p) batch.Delete(storage::AppliedOffsetKey(kUpstream, p));
    batch.Delete("up/a");
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  Start();
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("up/a"), "20");
  EXPECT_EQ(harness_->log().events(), 20u) << "a redelivered upstream event reacted again";
}

TEST_F(SubscriptionTest, AReactionInsideABatchRecordSeesTheRowsOfTheEventsBeforeIt) {
  harness_.reset();
  PublishBatch("b", {"plain", "plain", "count", "plain"});
  Start();
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("seen/count-b"), "2");  // rows committed inside the record, before the reaction
  EXPECT_EQ(Row("up/b"), "4");
  auto status = harness_->host().Subscriptions().at(0);
  EXPECT_EQ(status.applied_events, 4);
  EXPECT_EQ(status.lag_records, 0);
}

TEST_F(SubscriptionTest, AFollowerStoppedInsideABatchRecordResumesAfterTheEventsItApplied) {
  harness_.reset();
  PublishBatch("c", {"plain", "plain", "react", "plain"});
  const PartitionId partition = topics_.Get(kUpstream)->PartitionOf("c");
  {
    // What a crash leaves after the rows of the first two events were
    // committed (before the reaction of the third): rows of two, and the
    // position "record 0, two events applied".
    auto store = storage::ProjectionStore::Open({dir_}).value();
    storage::ProjectionBatch batch = store->NewBatch();
    batch.Put("up/c", "2");
    batch.RecordPartlyApplied(kUpstream, partition, LogOffset(0), 2);
    ASSERT_TRUE(store->Commit(batch).ok());
    auto positions = store->LoadAppliedPositions(kUpstream).value();
    EXPECT_EQ(positions.next.at(partition).value(), 0);
    EXPECT_EQ(positions.within.at(partition), 2);
  }
  Start();
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("up/c"), "4") << "the events applied before the crash were applied again (or some were skipped)";
  EXPECT_EQ(harness_->log().events(), 1u);  // the reaction, once
  auto positions = harness_->host().store().LoadAppliedPositions(kUpstream).value();
  EXPECT_EQ(positions.next.at(partition).value(), 1);
  EXPECT_TRUE(positions.within.empty());
  // And a rebuild (which replays only whole records) gives the same bytes.
  const std::string live = Checksum();
  ASSERT_TRUE(harness_->host().Rebuild().ok());
  EXPECT_EQ(Checksum(), live);
}

TEST_F(SubscriptionTest, UpstreamRequestIdsNeverEnterIdempotencyRows) {
  Publish("a", "plain", "upstream-request-1");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(Row("up/a"), "1");
  EXPECT_EQ(Row(RequestOutcomeKey("", "upstream-request-1")), "<absent>");  // the envelope has no actor
}

TEST_F(SubscriptionTest, UnknownUpstreamTypesAreSkippedAndCounted) {
  google::protobuf::BoolValue newer;
  common::v1::EventEnvelope e;
  e.set_event_id("newer-1");
  e.set_aggregate_id("a");
  e.mutable_payload()->PackFrom(newer);
  ASSERT_TRUE(topics_.Get(kUpstream)->AppendAtomically({{"a", e.SerializeAsString()}}).ok());
  Publish("a", "plain");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  auto status = harness_->host().Subscriptions().at(0);
  EXPECT_EQ(status.applied_events, 2);
  EXPECT_EQ(status.skipped_events, 1);
  EXPECT_EQ(Row("up/a"), "1");
}

TEST_F(SubscriptionTest, RebuildReplaysOwnAndUpstreamTopicsToTheSameBytes) {
  for (int i = 0; i < 40; ++i) Publish(absl::StrCat("a", i % 7), i % 3 == 0 ? "react" : "plain");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  const std::string live = Checksum();
  auto replayed = harness_->host().Rebuild();
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(*replayed, 40 + 14);  // upstream events + own reaction events
  EXPECT_EQ(Checksum(), live);
  // Following goes on after the rebuild, without reacting twice.
  Publish("a0", "react");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  EXPECT_EQ(harness_->log().events(), 15u);
}

TEST_F(SubscriptionTest, LagIsVisibleWhileBehind) {
  harness_.reset();
  for (int i = 0; i < 3000; ++i) Publish("a", "plain");
  service::ServiceHostOptions options;
  options.subscriptions.batch_records = 10;
  harness_ = testing_kit::ServiceHarness::Start(&follower_, topics_, kOwn, &clock_, dir_, options).value();
  auto first = harness_->host().Subscriptions().at(0);
  EXPECT_NE(first.lag_records, 0);  // -1 before the first read, then > 0 until caught up
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(30)));
  EXPECT_EQ(harness_->host().Subscriptions().at(0).lag_records, 0);
  EXPECT_EQ(Row("up/a"), "3000");
}

TEST_F(SubscriptionTest, LagAndCountsAreServedAsPrometheusMetrics) {
  harness_.reset();
  service::ServiceHostOptions options;
  options.metrics_address = "127.0.0.1:0";
  harness_ = testing_kit::ServiceHarness::Start(&follower_, topics_, kOwn, &clock_, dir_, options).value();
  for (int i = 0; i < 10; ++i) Publish("a", "react");
  ASSERT_TRUE(harness_->host().WaitCaughtUp(absl::Seconds(10)));
  ASSERT_NE(harness_->host().metrics_port(), 0);
  const std::string metrics = HttpGet(harness_->host().metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("zizhu_subscription_lag_records{service=\"follower\",topic=\"test.upstream.events.v1\"} 0"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(
                "zizhu_subscription_applied_events_total{service=\"follower\",topic=\"test.upstream.events.v1\"} 10"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("zizhu_events_appended_total{service=\"follower\"} 10"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace zizhu::es
