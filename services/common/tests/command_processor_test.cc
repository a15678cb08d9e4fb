// The command processor against the in-memory log and a real RocksDB store,
// with a toy "counter" aggregate.
#include "services/common/es/command_processor.h"

#include <filesystem>
#include <future>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {
namespace {

// Counter aggregate: every event increments it; row "c/<id>" holds the version.
class CounterProjection final : public Projection {
 public:
  absl::Status Apply(const common::v1::EventEnvelope& event, storage::ProjectionBatch& batch) override {
    if (!event.payload().Is<google::protobuf::StringValue>()) return absl::OkStatus();
    google::protobuf::StringValue value;
    event.payload().UnpackTo(&value);
    if (value.value() == "poison") return absl::InternalError("poison event");
    if (value.value() == "drop") {  // the row goes; a note of it stays
      batch.Delete("c/" + event.aggregate_id());
      batch.Put("dropped/" + event.aggregate_id(), std::to_string(event.aggregate_version()));
      return absl::OkStatus();
    }
    batch.Put("c/" + event.aggregate_id(), std::to_string(event.aggregate_version()));
    return absl::OkStatus();
  }
};

int64_t Version(storage::ProjectionBatch& view, const std::string& id) {
  auto row = view.Get("c/" + id).value();
  return row ? std::stoll(*row) : 0;
}

// Increments counter `id`, checking `expected` (0 = no check); `events` events.
DecideFn Increment(const std::string& id, int64_t expected = 0, int events = 1, std::string text = "inc") {
  return [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<std::vector<NewEvent>> {
    int64_t current = Version(view, id);
    if (expected != 0 && expected != current) {
      return absl::AbortedError(absl::StrCat("counter ", id, " is at version ", current, ", expected ", expected));
    }
    std::vector<NewEvent> out;
    for (int i = 0; i < events; ++i) {
      auto payload = std::make_shared<google::protobuf::StringValue>();
      payload->set_value(text);
      out.push_back(NewEvent{"test.Counter", AggregateId(id), AggregateVersion(current + i + 1), payload});
    }
    return out;
  };
}

class CommandProcessorTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/cp_test_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(path_);
    store_ = storage::ProjectionStore::Open({path_}).value();
    processor_ = std::make_unique<CommandProcessor>(&log_, store_.get(), &projection_, &clock_);
    ASSERT_TRUE(processor_->Start().ok());
  }
  void TearDown() override {
    processor_.reset();
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  absl::StatusOr<common::v1::CommandOutcome> Run(const std::string& request_id, DecideFn decide) {
    std::promise<absl::StatusOr<common::v1::CommandOutcome>> promise;
    processor_->Submit(CommandMeta{request_id, "tester", "city:1", "", ""}, std::move(decide),
                       [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { promise.set_value(r); });
    return promise.get_future().get();
  }

  std::string path_;
  MemoryEventLog log_{"test.events", 3};
  CounterProjection projection_;
  ManualClock clock_{absl::FromUnixSeconds(1700000000)};
  std::unique_ptr<storage::ProjectionStore> store_;
  std::unique_ptr<CommandProcessor> processor_;
};

TEST_F(CommandProcessorTest, AnswersAfterAppendAndProjects) {
  auto outcome = Run("r1", Increment("a"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->aggregate_id(), "a");
  EXPECT_EQ(outcome->aggregate_version(), 1);
  EXPECT_EQ(log_.events(), 1u);
  EXPECT_EQ(store_->Get("c/a").value().value(), "1");
  common::v1::EventEnvelope envelope;
  std::vector<common::v1::EventEnvelope> events;
  ASSERT_TRUE(DecodeRecord(log_.topic(), log_.AllRecords()[0], events).ok());
  ASSERT_EQ(events.size(), 1u);
  envelope = events[0];
  EXPECT_EQ(envelope.actor(), "tester");
  EXPECT_EQ(envelope.request_id(), "r1");
  EXPECT_EQ(envelope.correlation_id(), "r1");
  EXPECT_EQ(envelope.occurred_at().seconds(), 1700000000);
  EXPECT_EQ(envelope.event_id().size(), 32u);
}

// Probe finding 11: request ids were one space for every caller, so reusing
// another's told that it existed ("already used for a different command").
// Each caller has its own: the same id from another actor is a new command.
TEST_F(CommandProcessorTest, RequestIdsAreASpaceOfEachCaller) {
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> theirs;
  processor_->Submit(CommandMeta{"shared-id", "county_officer:qian", "city:1", "", "", "fingerprint-a"}, Increment("a"),
                     [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { theirs.set_value(r); });
  ASSERT_TRUE(theirs.get_future().get().ok());
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> mine;
  processor_->Submit(CommandMeta{"shared-id", "school_operator:zhao", "city:1", "", "", "fingerprint-b"},
                     Increment("b"), [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { mine.set_value(r); });
  absl::StatusOr<common::v1::CommandOutcome> outcome = mine.get_future().get();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->replayed());
  EXPECT_EQ(outcome->aggregate_id(), "b");
  EXPECT_EQ(log_.events(), 2u);
}

TEST_F(CommandProcessorTest, SameRequestIdWritesOnceAndReturnsFirstOutcome) {
  auto first = Run("same", Increment("a"));
  auto second = Run("same", Increment("a"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->first_event_id(), second->first_event_id());
  EXPECT_EQ(second->aggregate_version(), 1);
  EXPECT_EQ(log_.events(), 1u);
  EXPECT_EQ(processor_->stats().replays, 1);
}

TEST_F(CommandProcessorTest, StaleExpectedVersionIsAbortedAndWritesNothing) {
  ASSERT_TRUE(Run("r1", Increment("a")).ok());
  auto stale = Run("r2", Increment("a", /*expected=*/5));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(log_.events(), 1u);
  // A failed request id can be used again once the client fixes the command.
  EXPECT_TRUE(Run("r2", Increment("a", 1)).ok());
}

TEST_F(CommandProcessorTest, MultiEventCommandIsAtomicAndReportsLastVersion) {
  auto outcome = Run("multi", Increment("b", 0, 3));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->aggregate_version(), 3);
  EXPECT_EQ(log_.events(), 3u);
}

TEST_F(CommandProcessorTest, ProjectionFailureRollsBackOnlyThatCommand) {
  auto bad = Run("bad", Increment("p", 0, 1, "poison"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(log_.events(), 0u);
  EXPECT_FALSE(store_->Get("c/p").value().has_value());
}

TEST_F(CommandProcessorTest, FailedAppendAnswersUnavailableAndLeavesNoRows) {
  log_.FailNextAppend(absl::UnavailableError("broker down"));
  auto outcome = Run("r1", Increment("a"));
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(outcome.status().message().find("retry with the same request_id"), std::string::npos);
  EXPECT_FALSE(store_->Get("c/a").value().has_value());
  // The retry succeeds and the request is written once.
  EXPECT_TRUE(Run("r1", Increment("a")).ok());
  EXPECT_EQ(log_.events(), 1u);
}

TEST_F(CommandProcessorTest, ConcurrentCommandsAreGroupCommittedInOrder) {
  constexpr int kCommands = 2000;
  std::vector<std::promise<absl::StatusOr<common::v1::CommandOutcome>>> promises(kCommands);
  for (int i = 0; i < kCommands; ++i) {
    processor_->Submit(
        CommandMeta{absl::StrCat("g", i), "tester", "", "", ""}, Increment("shared"),
        [&promises, i](const absl::StatusOr<common::v1::CommandOutcome>& r) { promises[i].set_value(r); });
  }
  for (int i = 0; i < kCommands; ++i) {
    auto outcome = promises[i].get_future().get();
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->aggregate_version(), i + 1);  // decided in submission order
  }
  EXPECT_LT(processor_->stats().batches, kCommands);
  EXPECT_EQ(store_->Get("c/shared").value().value(), std::to_string(kCommands));
}

TEST_F(CommandProcessorTest, RebuildFromOffsetZeroGivesIdenticalBytes) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Run(absl::StrCat("r", i), Increment(absl::StrCat("k", i % 7))).ok());
  auto before = store_->Checksum().value();
  auto applied = processor_->Rebuild();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 50);
  auto after = store_->Checksum().value();
  EXPECT_EQ(before.hex, after.hex);
  EXPECT_EQ(before.keys, after.keys);
}

TEST_F(CommandProcessorTest, ABulkLoadedRebuildGivesTheBytesOfAWriteBatchRebuild) {
  // Rows written, overwritten and deleted across many table files (a budget
  // of one byte: a file per record) and in one WriteBatch per read.
  for (int i = 0; i < 60; ++i) {
    const std::string key = absl::StrCat("k", i % 9);
    ASSERT_TRUE(Run(absl::StrCat("r", i), Increment(key, 0, 1, i % 5 == 4 ? "drop" : "inc")).ok());
  }
  const auto live = store_->Checksum().value();
  for (size_t budget : {size_t{1}, size_t{0}, size_t{128} << 20}) {
    processor_.reset();
    CommandProcessorOptions options;
    options.runner.bulk_load_bytes = budget;
    processor_ = std::make_unique<CommandProcessor>(&log_, store_.get(), &projection_, &clock_, options);
    ASSERT_TRUE(processor_->Start().ok());
    auto applied = processor_->Rebuild();
    ASSERT_TRUE(applied.ok()) << applied.status();
    EXPECT_EQ(*applied, 60);
    const auto rebuilt = store_->Checksum().value();
    EXPECT_EQ(rebuilt.hex, live.hex) << "bulk budget " << budget;
    EXPECT_EQ(rebuilt.keys, live.keys) << "bulk budget " << budget;
  }
  // The rebuilt store serves and takes commands on.
  EXPECT_TRUE(Run("after", Increment("k1")).ok());
}

TEST_F(CommandProcessorTest, RestartCatchesUpEventsTheProjectionMissed) {
  ASSERT_TRUE(Run("r1", Increment("a")).ok());
  processor_.reset();
  // Simulate a crash after the append but before the projection commit: the
  // event is in the log only.
  auto payload = std::make_shared<google::protobuf::StringValue>();
  common::v1::EventEnvelope envelope;
  envelope.set_aggregate_id("a");
  envelope.set_aggregate_version(2);
  envelope.set_actor("tester");  // as every envelope the processor writes
  envelope.set_request_id("r2");
  envelope.set_events_in_command(1);
  envelope.mutable_payload()->PackFrom(*payload);
  ASSERT_TRUE(log_.AppendAtomically({AppendRecord{"a", envelope.SerializeAsString()}}).ok());
  processor_ = std::make_unique<CommandProcessor>(&log_, store_.get(), &projection_, &clock_);
  ASSERT_TRUE(processor_->Start().ok());
  EXPECT_EQ(store_->Get("c/a").value().value(), "2");
  // And the request it carried is known: repeating it writes nothing.
  EXPECT_EQ(Run("r2", Increment("a")).value().aggregate_version(), 2);
  EXPECT_EQ(log_.events(), 2u);
}

TEST_F(CommandProcessorTest, RejectsMissingRequestIdAndActor) {
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> p1;
  processor_->Submit(CommandMeta{"", "tester", "", "", ""}, Increment("a"),
                     [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { p1.set_value(r); });
  auto r1 = p1.get_future().get();
  EXPECT_EQ(r1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r1.status().message().find("request_id"), std::string::npos);
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> p2;
  processor_->Submit(CommandMeta{"x", "", "", "", ""}, Increment("a"),
                     [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { p2.set_value(r); });
  EXPECT_EQ(p2.get_future().get().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CommandProcessorTest, AnOversizedEventFailsAloneAmongGoodCommands) {
  // Submitted together, so they are decided in one group-committed batch.
  std::vector<std::promise<absl::StatusOr<common::v1::CommandOutcome>>> done(41);
  for (int i = 0; i < 41; ++i) {
    const bool poison = i == 20;
    processor_->Submit(CommandMeta{absl::StrCat("req-", i), "tester", "", "", ""},
                       Increment(absl::StrCat("c", i), 0, 1, poison ? std::string(2 << 20, 'p') : "inc"),
                       [&done, i](const absl::StatusOr<common::v1::CommandOutcome>& r) { done[i].set_value(r); });
  }
  for (int i = 0; i < 41; ++i) {
    auto outcome = done[i].get_future().get();
    if (i == 20) {
      EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_LT(outcome.status().message().size(), 200u);
      EXPECT_NE(outcome.status().message().find("at most 524288"), std::string::npos) << outcome.status();
    } else {
      EXPECT_TRUE(outcome.ok()) << i << ": " << outcome.status();
    }
  }
  EXPECT_EQ(log_.events(), 40u);
  EXPECT_FALSE(store_->Get("c/c20").value().has_value());
}

TEST_F(CommandProcessorTest, OversizedMetaFieldsAreRefusedNamingTheField) {
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> done;
  processor_->Submit(CommandMeta{"r", std::string(1 << 20, 'a'), "", "", ""}, Increment("c"),
                     [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { done.set_value(r); });
  auto outcome = done.get_future().get();
  EXPECT_EQ(outcome.status().message(), "meta.actor is 1048576 bytes; at most 256 are allowed");
}

TEST_F(CommandProcessorTest, ARequestIdReusedForADifferentCommandIsRefused) {
  auto submit = [&](const std::string& fingerprint, const std::string& counter) {
    std::promise<absl::StatusOr<common::v1::CommandOutcome>> done;
    CommandMeta meta{"same-id", "tester", "", "", ""};
    meta.fingerprint = fingerprint;
    processor_->Submit(meta, Increment(counter),
                       [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { done.set_value(r); });
    return done.get_future().get();
  };
  auto first = submit("aaaa", "c1");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->replayed());
  auto repeat = submit("aaaa", "c1");  // the same command: its first outcome
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat->replayed());
  EXPECT_EQ(repeat->first_event_id(), first->first_event_id());
  auto other = submit("bbbb", "c2");  // another command under the same id
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log_.events(), 1u);
  // The fingerprint survives a rebuild (it is in the envelope).
  ASSERT_TRUE(processor_->Rebuild().ok());
  EXPECT_EQ(submit("bbbb", "c2").status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace zizhu::es
