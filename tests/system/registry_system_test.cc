// System tests: a real Kafka broker and the real zizhu-registry process,
// killed with SIGKILL and restarted.
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafkacpp.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/topic_reader.h"

namespace zizhu {
namespace {

namespace v1 = registry::v1;
using testing_support::RegistryProcess;
using testing_support::RegistryProcessOptions;

std::string ValidId(int n) {
  std::string first17 = absl::StrFormat("21010220120301%03d", n);
  return first17 + rules::NationalIdCheckCharacter(first17);
}

class RegistrySystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = absl::StrCat(::testing::TempDir(), "/zizhu-system-", name_);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.bootstrap = testing_support::GlobalBroker().bootstrap();
    options_.topic = absl::StrCat("zizhu.registry.events.test.", name_);
    options_.instance_id = absl::StrCat("registry-", name_);
    options_.data_dir = dir_ + "/projection";
    options_.key_file = dir_ + "/key";
    process_ = std::make_unique<RegistryProcess>(options_);
    ASSERT_TRUE(process_->Start());
  }
  void TearDown() override {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Restart() {
    process_ = std::make_unique<RegistryProcess>(options_);
    ASSERT_TRUE(process_->Start());
  }

  common::v1::CommandMeta Meta(const std::string& request_id) {
    common::v1::CommandMeta m;
    m.set_request_id(request_id);
    m.set_actor("system-test");
    return m;
  }

  void RegisterSchool() {
    v1::RegisterSchoolRequest school;
    *school.mutable_meta() = Meta("school");
    school.set_school_code("3121000001");
    school.set_name("红星小学");
    school.set_county_code("210102");
    school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
    v1::RegisterSchoolResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(process_->stub().RegisterSchool(&ctx, school, &resp).ok());
  }

  v1::RegisterStudentRequest Student(int n) {
    v1::RegisterStudentRequest r;
    *r.mutable_meta() = Meta(absl::StrCat("student-", n));
    r.set_name("李小红");
    r.set_national_id(ValidId(n));
    r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
    r.set_school_code("3121000001");
    r.set_grade(1 + n % 6);
    r.set_class_name("1班");
    r.set_bank_card(absl::StrFormat("62170000100%08d", n));
    r.set_phone(absl::StrFormat("139%08d", n));
    return r;
  }

  // Registers students [0, n) concurrently; returns their ids.
  std::vector<std::string> RegisterStudents(int n) {
    std::vector<std::string> ids(n);
    std::vector<std::promise<grpc::Status>> done(n);
    struct Call {
      grpc::ClientContext ctx;
      v1::RegisterStudentRequest req;
      v1::RegisterStudentResponse resp;
    };
    std::vector<std::unique_ptr<Call>> calls;
    for (int i = 0; i < n; ++i) {
      calls.push_back(std::make_unique<Call>());
      calls[i]->req = Student(i);
      process_->stub().async()->RegisterStudent(&calls[i]->ctx, &calls[i]->req, &calls[i]->resp,
                                                [&done, i](grpc::Status s) { done[i].set_value(s); });
    }
    for (int i = 0; i < n; ++i) {
      grpc::Status s = done[i].get_future().get();
      EXPECT_TRUE(s.ok()) << s.error_message();
      ids[i] = calls[i]->resp.student().student_id();
    }
    return ids;
  }

  std::string Checksum() {
    common::v1::GetProjectionChecksumResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(process_->admin().GetProjectionChecksum(&ctx, {}, &resp).ok());
    return resp.checksum();
  }

  // Every committed envelope in the topic.
  std::vector<common::v1::EventEnvelope> TopicEvents() { return testing_support::ReadWholeTopicEvents(options_.topic); }

  std::string name_;
  std::string dir_;
  RegistryProcessOptions options_;
  std::unique_ptr<RegistryProcess> process_;
};

TEST_F(RegistrySystemTest, AcknowledgedCommandsSurviveSigkill) {
  RegisterSchool();
  std::vector<std::string> ids = RegisterStudents(300);
  process_->Kill();
  Restart();
  for (const std::string& id : ids) {
    v1::GetStudentRequest get;
    get.set_student_id(id);
    v1::GetStudentResponse got;
    grpc::ClientContext ctx;
    ASSERT_TRUE(process_->stub().GetStudent(&ctx, get, &got).ok()) << id;
  }
  // And the restarted process still refuses duplicates.
  v1::RegisterStudentRequest again = Student(5);
  *again.mutable_meta() = Meta("again");
  v1::RegisterStudentResponse resp;
  grpc::ClientContext ctx;
  EXPECT_EQ(process_->stub().RegisterStudent(&ctx, again, &resp).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RegistrySystemTest, AStoppedWriterReplacedByASuccessorIsFencedWhenItWakes) {
  RegisterSchool();
  RegisterStudents(20);
  // The writer hangs (a long GC pause, a frozen VM): SIGSTOP.
  ASSERT_EQ(kill(process_->pid(), SIGSTOP), 0);
  // Commands sent to it meanwhile wait in its sockets.
  constexpr int kZombie = 10;
  struct Call {
    grpc::ClientContext ctx;
    v1::RegisterStudentRequest req;
    v1::RegisterStudentResponse resp;
    std::promise<grpc::Status> done;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kZombie; ++i) {
    calls.push_back(std::make_unique<Call>());
    calls[i]->req = Student(100 + i);
    *calls[i]->req.mutable_meta() = Meta(absl::StrCat("zombie-", i));
    calls[i]->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    Call* call = calls[i].get();
    process_->stub().async()->RegisterStudent(&call->ctx, &call->req, &call->resp,
                                              [call](grpc::Status s) { call->done.set_value(s); });
  }
  // A successor takes over with the same instance id (its transactional ids)
  // and a projection of its own.
  RegistryProcessOptions successor_options = options_;
  successor_options.data_dir = dir_ + "/projection-successor";
  RegistryProcess successor(successor_options);
  ASSERT_TRUE(successor.Start());
  // The stopped one wakes: everything it was asked to do is refused, nothing
  // of it reaches the topic, and it does not take the log back.
  ASSERT_EQ(kill(process_->pid(), SIGCONT), 0);
  for (auto& call : calls) {
    grpc::Status s = call->done.get_future().get();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }
  for (int i = 0; i < 5; ++i) {
    v1::RegisterStudentRequest r = Student(200 + i);
    v1::RegisterStudentResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = successor.stub().RegisterStudent(&ctx, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    grpc::ClientContext zombie_ctx;
    v1::RegisterStudentRequest late = Student(300 + i);
    EXPECT_EQ(process_->stub().RegisterStudent(&zombie_ctx, late, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  int successor_events = 0;
  for (const auto& e : TopicEvents()) {
    EXPECT_EQ(e.request_id().rfind("zombie-", 0), std::string::npos) << "a fenced writer's event: " << e.request_id();
    if (e.request_id().rfind("student-2", 0) == 0) ++successor_events;
  }
  EXPECT_GE(successor_events, 5);
}

TEST_F(RegistrySystemTest, ProjectionRebuiltFromOffsetZeroIsIdentical) {
  RegisterSchool();
  RegisterStudents(200);
  const std::string before = Checksum();

  // Online rebuild through the admin API.
  common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext ctx;
  ASSERT_TRUE(process_->admin().RebuildProjection(&ctx, {}, &rebuilt).ok());
  EXPECT_EQ(rebuilt.events_applied(), 201);
  EXPECT_EQ(rebuilt.checksum(), before);

  // Offline: the projection directory deleted; the restart replays the topic.
  process_->Stop();
  std::filesystem::remove_all(options_.data_dir);
  Restart();
  EXPECT_EQ(Checksum(), before);
}

TEST_F(RegistrySystemTest, SameRequestIdTwiceWritesOneEventToTheTopic) {
  RegisterSchool();
  v1::RegisterStudentRequest r = Student(1);
  *r.mutable_meta() = Meta("the-same-request");
  v1::RegisterStudentResponse first, second;
  grpc::ClientContext c1, c2;
  ASSERT_TRUE(process_->stub().RegisterStudent(&c1, r, &first).ok());
  ASSERT_TRUE(process_->stub().RegisterStudent(&c2, r, &second).ok());
  EXPECT_EQ(first.student().student_id(), second.student().student_id());
  // Also across a crash: the request id is remembered.
  process_->Kill();
  Restart();
  v1::RegisterStudentResponse third;
  grpc::ClientContext c3;
  ASSERT_TRUE(process_->stub().RegisterStudent(&c3, r, &third).ok());
  EXPECT_EQ(third.student().student_id(), first.student().student_id());

  int with_request_id = 0;
  for (const auto& e : TopicEvents()) with_request_id += e.request_id() == "the-same-request";
  EXPECT_EQ(with_request_id, 1);
}

TEST_F(RegistrySystemTest, NoPlainPersonalDataInRocksDbOrTopic) {
  RegisterSchool();
  RegisterStudents(50);
  process_->Kill();  // leave the WAL as it is
  std::vector<std::string> secrets;
  for (int i = 0; i < 50; ++i) {
    secrets.push_back(ValidId(i));
    secrets.push_back(absl::StrFormat("62170000100%08d", i));
    secrets.push_back(absl::StrFormat("139%08d", i));
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(options_.data_dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    for (const auto& secret : secrets) {
      ASSERT_EQ(content.str().find(secret), std::string::npos) << secret << " in " << entry.path();
    }
  }
  EXPECT_GT(files, 0);
  for (const auto& e : TopicEvents()) {
    std::string bytes = e.SerializeAsString();
    for (const auto& secret : secrets) ASSERT_EQ(bytes.find(secret), std::string::npos);
  }
  Restart();
}

// The Kafka adapter on its own: aborted transactions stay invisible to
// read_committed readers, and a second writer with the same transactional id
// fences the first (zombie fencing).
TEST(KafkaEventLogTest, AbortedTransactionsAreInvisibleAndZombiesAreFenced) {
  const std::string topic = "zizhu.test.kafka-log";
  kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = testing_support::GlobalBroker().bootstrap();
  o.topic = topic;
  o.partitions = 2;
  o.client_settings = testing_support::KafkaSettings("zizhu-test");
  o.transactional_id = "zizhu-test-kafka-log";
  auto log = kafka::KafkaEventLog::Open(o).value();
  ASSERT_TRUE(log->AppendAtomically({{"a", "committed-1"}, {"b", "committed-2"}}).ok());

  // An aborted transaction written with librdkafka directly.
  {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", testing_support::GlobalBroker().bootstrap(), err);
    for (const auto& [name, value] : testing_support::KafkaSettings("zizhu-test")) conf->set(name, value, err);
    conf->set("transactional.id", "zizhu-test-kafka-log-aborter", err);
    std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
    ASSERT_EQ(p->init_transactions(30000), nullptr);
    ASSERT_EQ(p->begin_transaction(), nullptr);
    std::string value = "aborted";
    p->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY, value.data(), value.size(), "a", 1,
               0, nullptr);
    p->flush(10000);
    ASSERT_EQ(p->abort_transaction(30000), nullptr);
  }
  ASSERT_TRUE(log->AppendAtomically({{"c", "committed-3"}}).ok());

  // Every committed value of the topic, read from offset 0.
  auto values_of = [](kafka::KafkaEventLog& from) {
    auto reader = from.NewReader().value();
    EXPECT_TRUE(reader->Seek({}).ok());
    std::multiset<std::string> values;
    while (true) {
      auto read = reader->Read(100, absl::Seconds(1)).value();
      for (const auto& r : read.records) values.insert(r.value);
      if (read.at_end) return values;
    }
  };
  std::multiset<std::string> seen = values_of(*log);
  EXPECT_EQ(seen, (std::multiset<std::string>{"committed-1", "committed-2", "committed-3"}));

  // A new instance with the same transactional id fences the old one.
  auto successor = kafka::KafkaEventLog::Open(o).value();
  auto zombie_append = log->AppendAtomically({{"z", "zombie"}});
  EXPECT_FALSE(zombie_append.ok());
  EXPECT_TRUE(successor->AppendAtomically({{"s", "successor"}}).ok());
  // And stays fenced: on either of its producers, it never takes the log
  // back (which would fence the successor in turn).
  for (int i = 0; i < 3; ++i) {
    auto again = log->AppendAtomically({{"z", absl::StrCat("zombie-", i)}});
    EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable) << again.status();
    EXPECT_NE(again.status().message().find("fenced"), std::string::npos) << again.status();
    auto successor_append = successor->AppendAtomically({{"s", absl::StrCat("successor-", i)}});
    EXPECT_TRUE(successor_append.ok()) << successor_append.status();
  }
  std::multiset<std::string> after = values_of(*successor);
  for (const std::string& value : after) EXPECT_EQ(value.find("zombie"), std::string::npos) << value;
  EXPECT_EQ(after.count("successor-2"), 1u);
}

}  // namespace
}  // namespace zizhu
