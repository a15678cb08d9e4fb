// The command processor's pipeline (depth 2): batch N+1 is decided while N
// is appended, on N's rows; it is appended only after N; when N fails, N+1's
// commands are decided again and answered once.
#include <atomic>
#include <filesystem>
#include <future>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "services/common/es/command_processor.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/es/record_codec.h"

namespace zizhu::es {
namespace {

// Row "c/<id>" holds the counter's version.
class CounterProjection final : public Projection {
 public:
  absl::Status Apply(const common::v1::EventEnvelope& event, storage::ProjectionBatch& batch) override {
    batch.Put("c/" + event.aggregate_id(), std::to_string(event.aggregate_version()));
    return absl::OkStatus();
  }
};

// A memory log whose first append waits until the test opens the gate.
class GatedLog final : public EventLog {
 public:
  const std::string& topic() const override { return inner_.topic(); }
  PartitionId PartitionOf(const std::string& key) const override { return inner_.PartitionOf(key); }
  absl::StatusOr<std::vector<LogPosition>> AppendAtomically(const std::vector<AppendRecord>& records) override {
    if (appends_.fetch_add(1) == 0) {
      first_append_started_.Notify();
      gate_.WaitForNotification();
    }
    return inner_.AppendAtomically(records);
  }
  absl::StatusOr<std::unique_ptr<EventLogReader>> NewReader() override { return inner_.NewReader(); }

  MemoryEventLog inner_{"test.events", 3};
  absl::Notification first_append_started_;
  absl::Notification gate_;
  std::atomic<int> appends_{0};
};

struct Answers {
  std::atomic<int> count{0};
  std::promise<absl::StatusOr<common::v1::CommandOutcome>> first;
  DoneFn Done() {
    return [this](const absl::StatusOr<common::v1::CommandOutcome>& r) {
      if (count.fetch_add(1) == 0) first.set_value(r);
    };
  }
};

// Increments counter `id`; reports the version it read to `seen` (every time
// it is decided).
DecideFn Increment(const std::string& id, std::atomic<int>* decided = nullptr, std::atomic<int64_t>* seen = nullptr) {
  return [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<std::vector<NewEvent>> {
    auto row = view.Get("c/" + id);
    if (!row.ok()) return row.status();
    const int64_t current = *row ? std::stoll(**row) : 0;
    if (seen) seen->store(current);
    if (decided) decided->fetch_add(1);
    auto payload = std::make_shared<google::protobuf::StringValue>();
    payload->set_value("inc");
    return std::vector<NewEvent>{NewEvent{"test.Counter", AggregateId(id), AggregateVersion(current + 1), payload}};
  };
}

bool WaitFor(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return condition();
}

class CommandProcessorPipelineTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/cp_pipeline_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(path_);
    store_ = storage::ProjectionStore::Open({path_}).value();
    processor_ = std::make_unique<CommandProcessor>(&log_, store_.get(), &projection_, &clock_);
    ASSERT_TRUE(processor_->Start().ok());
  }
  void TearDown() override {
    if (!log_.gate_.HasBeenNotified()) log_.gate_.Notify();
    processor_.reset();
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  void Submit(const std::string& request_id, DecideFn decide, Answers& answers) {
    processor_->Submit(CommandMeta{request_id, "tester", "city:1", "", ""}, std::move(decide), answers.Done());
  }
  // Increments "k" twice: "first" (its append held at the gate), then
  // "second", decided while "first" is held; returns once "second" was decided.
  void SecondWhileFirstIsHeld(Answers& first, Answers& second, std::atomic<int>& decided, std::atomic<int64_t>& seen) {
    Submit("first", Increment("k"), first);
    ASSERT_TRUE(log_.first_append_started_.WaitForNotificationWithTimeout(absl::Seconds(5)));
    Submit("second", Increment("k", &decided, &seen), second);
    ASSERT_TRUE(WaitFor([&] { return decided.load() == 1; }));
  }
  std::string Row(const std::string& key) {
    auto row = store_->Get(key);
    return row.ok() && *row ? **row : "";
  }

  std::string path_;
  GatedLog log_;
  CounterProjection projection_;
  ManualClock clock_{absl::FromUnixSeconds(1700000000)};
  std::unique_ptr<storage::ProjectionStore> store_;
  std::unique_ptr<CommandProcessor> processor_;
};

TEST_F(CommandProcessorPipelineTest, TheNextBatchIsDecidedOnTheRowsOfTheOneBeingAppended) {
  Answers first, second;
  std::atomic<int> decided{0};
  std::atomic<int64_t> seen{-1};
  // Decided while the first batch is still held in its append: on its rows.
  ASSERT_NO_FATAL_FAILURE(SecondWhileFirstIsHeld(first, second, decided, seen));
  EXPECT_EQ(seen.load(), 1);
  EXPECT_EQ(first.count.load(), 0) << "answered before its append finished";
  EXPECT_EQ(second.count.load(), 0) << "answered before the batch it stands on was appended";
  EXPECT_EQ(Row("c/k"), "") << "rows committed before the append";
  EXPECT_EQ(log_.appends_.load(), 1) << "the second batch was appended before the first";
  log_.gate_.Notify();
  auto a = first.first.get_future().get();
  auto b = second.first.get_future().get();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->aggregate_version(), 1);
  EXPECT_EQ(b->aggregate_version(), 2);
  EXPECT_EQ(decided.load(), 1);
  EXPECT_EQ(log_.inner_.events(), 2u);
  // The log's order is the decisions' order.
  std::vector<LoggedRecord> records = log_.inner_.AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_LT(records[0].offset.value(), records[1].offset.value());
  ASSERT_TRUE(WaitFor([&] { return Row("c/k") == "2"; }));
}

TEST_F(CommandProcessorPipelineTest, ABatchDecidedOnAFailedAppendIsDecidedAgainAndAnsweredOnce) {
  log_.inner_.FailNextAppend(absl::UnavailableError("broker gone"));
  Answers first, second;
  std::atomic<int> decided{0};
  std::atomic<int64_t> seen{-1};
  ASSERT_NO_FATAL_FAILURE(SecondWhileFirstIsHeld(first, second, decided, seen));
  EXPECT_EQ(seen.load(), 1) << "first decided on the rows of the batch in flight";
  log_.gate_.Notify();
  auto a = first.first.get_future().get();
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnavailable) << a.status();
  auto b = second.first.get_future().get();
  ASSERT_TRUE(b.ok()) << b.status();
  // Decided again on what the log holds: the failed increment is not there.
  EXPECT_EQ(decided.load(), 2);
  EXPECT_EQ(seen.load(), 0);
  EXPECT_EQ(b->aggregate_version(), 1);
  EXPECT_EQ(log_.inner_.events(), 1u);
  ASSERT_TRUE(WaitFor([&] { return Row("c/k") == "1"; }));
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(first.count.load(), 1);
  EXPECT_EQ(second.count.load(), 1);
}

TEST_F(CommandProcessorPipelineTest, RunExclusiveWaitsForTheBatchInFlight) {
  Answers first;
  Submit("first", Increment("k"), first);
  ASSERT_TRUE(log_.first_append_started_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  std::promise<std::string> row_in_exclusive;
  std::thread exclusive([&] {
    absl::Status status = processor_->RunExclusive([&]() -> absl::Status {
      row_in_exclusive.set_value(Row("c/k"));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  std::future<std::string> row = row_in_exclusive.get_future();
  EXPECT_EQ(row.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "ran while a batch was being appended";
  log_.gate_.Notify();
  EXPECT_EQ(row.get(), "1");
  exclusive.join();
  ASSERT_TRUE(first.first.get_future().get().ok());
}

TEST_F(CommandProcessorPipelineTest, ManyConcurrentIncrementsOfOneKeyRiseByExactlyOne) {
  log_.gate_.Notify();
  constexpr int kCommands = 3000;
  std::vector<Answers> answers(kCommands);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCommands; i += 4) Submit(absl::StrCat("r", i), Increment("k"), answers[i]);
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> versions;
  for (auto& a : answers) {
    auto outcome = a.first.get_future().get();
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    versions.insert(outcome->aggregate_version());
  }
  EXPECT_EQ(versions.size(), static_cast<size_t>(kCommands));
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), kCommands);
  ASSERT_TRUE(WaitFor([&] { return Row("c/k") == std::to_string(kCommands); }));
  EXPECT_LT(processor_->stats().batches, kCommands);
}

// Fails every `every`-th append: half of those before writing, half after
// (the outcome a caller cannot know: the events are in the log anyway).
class FlakyLog final : public EventLog {
 public:
  explicit FlakyLog(int every) : every_(every) {}
  const std::string& topic() const override { return inner_.topic(); }
  PartitionId PartitionOf(const std::string& key) const override { return inner_.PartitionOf(key); }
  absl::StatusOr<std::vector<LogPosition>> AppendAtomically(const std::vector<AppendRecord>& records) override {
    const int n = ++appends_;
    if (n % every_ != 0) return inner_.AppendAtomically(records);
    if (n % (2 * every_) == 0) {
      auto written = inner_.AppendAtomically(records);
      if (!written.ok()) return written;
      return absl::UnavailableError("commit outcome unknown (injected, after the write)");
    }
    return absl::UnavailableError("transaction aborted (injected)");
  }
  absl::StatusOr<std::unique_ptr<EventLogReader>> NewReader() override { return inner_.NewReader(); }

  MemoryEventLog inner_{"test.events", 3};

 private:
  int every_;
  std::atomic<int> appends_{0};
};

TEST(CommandProcessorPipelineAbortsTest, UnderInjectedAbortsVersionsRiseByOneAndEveryRequestIsWrittenOnce) {
  const std::string path = testing::TempDir() + "/cp_pipeline_aborts";
  std::filesystem::remove_all(path);
  FlakyLog log(7);
  CounterProjection projection;
  ManualClock clock{absl::FromUnixSeconds(1700000000)};
  auto store = storage::ProjectionStore::Open({path}).value();
  auto processor = std::make_unique<CommandProcessor>(&log, store.get(), &projection, &clock);
  ASSERT_TRUE(processor->Start().ok());

  constexpr int kThreads = 4;
  constexpr int kPerThread = 400;
  constexpr int kKeys = 5;
  std::atomic<int> unavailable{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string request_id = absl::StrCat("t", t, "-", i);
        const std::string key = absl::StrCat("k", (t + i) % kKeys);
        // A caller retries UNAVAILABLE with the same request id, as told.
        for (int attempt = 0;; ++attempt) {
          std::promise<absl::StatusOr<common::v1::CommandOutcome>> answer;
          processor->Submit(CommandMeta{request_id, "tester", "city:1", "", ""}, Increment(key),
                            [&](const absl::StatusOr<common::v1::CommandOutcome>& r) { answer.set_value(r); });
          absl::StatusOr<common::v1::CommandOutcome> outcome = answer.get_future().get();
          if (outcome.ok()) break;
          ASSERT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable) << outcome.status();
          ++unavailable;
          ASSERT_LT(attempt, 50) << request_id << " never succeeded";
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  processor.reset();
  EXPECT_GT(unavailable.load(), 0) << "no abort was injected: the test proves nothing";

  // Every request id exactly once in the log; per key the versions 1..n.
  std::map<std::string, int> requests;
  std::map<std::string, std::vector<int64_t>> versions;
  std::vector<common::v1::EventEnvelope> events;
  for (const LoggedRecord& record : log.inner_.AllRecords()) {
    events.clear();
    ASSERT_TRUE(DecodeRecord(log.topic(), record, events).ok());
    for (const auto& e : events) {
      ++requests[e.request_id()];
      versions[e.aggregate_id()].push_back(e.aggregate_version());
    }
  }
  EXPECT_EQ(requests.size(), static_cast<size_t>(kThreads * kPerThread));
  for (const auto& [request, count] : requests) EXPECT_EQ(count, 1) << request << " written " << count << " times";
  int64_t total = 0;
  for (const auto& [key, seen] : versions) {
    // All of a key's events are in one partition, in log order.
    for (size_t v = 0; v < seen.size(); ++v) {
      ASSERT_EQ(seen[v], static_cast<int64_t>(v + 1)) << key << " skips or repeats a version";
    }
    total += static_cast<int64_t>(seen.size());
    EXPECT_EQ(store->Get("c/" + key).value().value_or(""), std::to_string(seen.size())) << key;
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  store.reset();
  std::filesystem::remove_all(path);
}

}  // namespace
}  // namespace zizhu::es
