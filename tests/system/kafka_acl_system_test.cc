// Nobody forges the log: the broker of a deployment authenticates every
// client (mutual TLS, a certificate per principal) and its ACLs
// (deploy/kafka/principals.conf) let only a topic's owner write it. Each
// attempt below is what the probe did — a crafted AccountCreated produced to
// the identity topic — as another service's principal, as the report jobs',
// with another certificate of the same CA, with one of another CA and as no
// principal at all; each is refused and the topic keeps exactly its records.
// And files at rest are private: the broker's segments, a service's RocksDB
// files and logs, the credentials — no group or other permission bit.
#include <librdkafka/rdkafkacpp.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/test_security.h"
#include "tests/support/topic_reader.h"

namespace zizhu {
namespace {

constexpr char kIdentityTopic[] = "zizhu.identity.events.v1";

// A producer with `settings` (no transactions) sends one forged record to
// `topic` and waits for its delivery report: the error it got, or
// ERR_NO_ERROR when the broker accepted it.
RdKafka::ErrorCode ProduceForged(const kafka::ClientSettings& settings, const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", testing_support::GlobalBroker().bootstrap(), err);
  conf->set("message.timeout.ms", "8000", err);
  conf->set("socket.timeout.ms", "4000", err);
  for (const auto& [name, value] : settings) EXPECT_EQ(conf->set(name, value, err), RdKafka::Conf::CONF_OK) << name;
  struct Report : RdKafka::DeliveryReportCb {
    RdKafka::ErrorCode code = RdKafka::ERR__TIMED_OUT;
    bool done = false;
    void dr_cb(RdKafka::Message& m) override {
      code = m.err();
      done = true;
    }
  } report;
  conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&report), err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  EXPECT_NE(producer, nullptr) << err;
  if (!producer) return RdKafka::ERR__FAIL;
  // What the probe sent: an AccountCreated making a city administrator.
  std::string forged = "AccountCreated role=ROLE_CITY_ADMIN login=intruder scope=2101";
  RdKafka::ErrorCode queued = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                                forged.data(), forged.size(), "account/intruder", 16, 0, nullptr);
  if (queued != RdKafka::ERR_NO_ERROR) return queued;
  for (int i = 0; i < 120 && !report.done; ++i) producer->poll(100);
  return report.code;
}

size_t RecordsIn(const std::string& topic) { return testing_support::ReadWholeTopic(topic).size(); }

TEST(KafkaAclSystemTest, OnlyATopicsOwnerWritesIt) {
  // The owner writes (the baseline: the broker and credentials work).
  kafka::KafkaEventLogOptions owner;
  owner.bootstrap_servers = testing_support::GlobalBroker().bootstrap();
  owner.client_settings = testing_support::KafkaSettings("zizhu-identity");
  owner.topic = kIdentityTopic;
  owner.transactional_id = "zizhu-identity-acl-test";
  auto log = kafka::KafkaEventLog::Open(owner);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->AppendAtomically({{"account/real", "a real event"}}).ok());
  const size_t before = RecordsIn(kIdentityTopic);
  ASSERT_GE(before, 1u);

  // Another service's principal, the report jobs' (read-only on the services'
  // topics) and the tests' own may not write the identity topic.
  for (const char* principal : {"zizhu-registry", "zizhu-report", "zizhu-test"}) {
    EXPECT_EQ(ProduceForged(testing_support::KafkaSettings(principal), kIdentityTopic),
              RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED)
        << principal;
  }
  // Nor through the core's own writer: refused at once, not after a timeout.
  kafka::KafkaEventLogOptions forger = owner;
  forger.client_settings = testing_support::KafkaSettings("zizhu-registry");
  forger.transactional_id = "zizhu-registry-forger";
  forger.connect_timeout_ms = 10000;
  auto forged_log = kafka::KafkaEventLog::Open(forger);
  ASSERT_FALSE(forged_log.ok());
  EXPECT_EQ(forged_log.status().code(), absl::StatusCode::kPermissionDenied) << forged_log.status();
  // Nor borrow the owner's transactional id (which would fence the identity
  // service's writer): the registry may only use ids "zizhu-registry-…".
  kafka::KafkaEventLogOptions thief;
  thief.bootstrap_servers = owner.bootstrap_servers;
  thief.client_settings = testing_support::KafkaSettings("zizhu-registry");
  thief.topic = "zizhu.registry.events.acl-test";
  thief.transactional_id = "zizhu-identity-acl-test";
  thief.connect_timeout_ms = 10000;
  auto stolen = kafka::KafkaEventLog::Open(thief);
  ASSERT_FALSE(stolen.ok());
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kPermissionDenied) << stolen.status();
  // The owner's writer was not fenced by the attempt.
  EXPECT_TRUE((*log)->AppendAtomically({{"account/real", "a second real event"}}).ok());

  EXPECT_EQ(RecordsIn(kIdentityTopic), before + 1) << "a forged record was appended";
}

TEST(KafkaAclSystemTest, NoPrincipalAndForeignCertificatesAreRefused) {
  const size_t before = RecordsIn(kIdentityTopic);
  const std::string tls = testing_support::TestSecurity::Get().dir() + "/tls";
  // No credentials at all: plaintext to the only client listener.
  EXPECT_NE(ProduceForged({}, kIdentityTopic), RdKafka::ERR_NO_ERROR);
  // TLS without a client certificate.
  kafka::ClientSettings tls_only = {{"security.protocol", "SSL"}, {"ssl.ca.location", tls + "/ca.pem"}};
  EXPECT_NE(ProduceForged(tls_only, kIdentityTopic), RdKafka::ERR_NO_ERROR);
  // A certificate of the same CA that names no Kafka principal (the gRPC
  // client's): it authenticates, and may do nothing.
  kafka::ClientSettings grpc_client = tls_only;
  grpc_client.emplace_back("ssl.certificate.location", tls + "/client.pem");
  grpc_client.emplace_back("ssl.key.location", tls + "/client.key");
  EXPECT_EQ(ProduceForged(grpc_client, kIdentityTopic), RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  // A certificate of another CA claiming to be the identity service.
  const std::string other = absl::StrCat(::testing::TempDir(), "/zizhu-other-ca");
  std::filesystem::remove_all(other);
  ASSERT_EQ(
      testing_support::RunCommand(absl::StrCat(
          "mkdir -p '", other, "' && cd '", other,
          "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout ca.key "
          "-out ca.pem -subj '/CN=other CA' 2>/dev/null && openssl req -newkey ec -pkeyopt "
          "ec_paramgen_curve:P-256 -nodes -keyout id.key -out id.csr -subj '/O=zizhu kafka/CN=zizhu-identity.g1' "
          "2>/dev/null && openssl x509 -req -in id.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out id.pem "
          "2>/dev/null")),
      0);
  kafka::ClientSettings impostor = tls_only;
  impostor.emplace_back("ssl.certificate.location", other + "/id.pem");
  impostor.emplace_back("ssl.key.location", other + "/id.key");
  EXPECT_NE(ProduceForged(impostor, kIdentityTopic), RdKafka::ERR_NO_ERROR);
  // The core's writer: refused either way; a known certificate without a
  // right is told so at once, as PERMISSION_DENIED.
  kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = testing_support::GlobalBroker().bootstrap();
  o.client_settings = impostor;
  o.topic = kIdentityTopic;
  o.transactional_id = "zizhu-identity-impostor";
  o.connect_timeout_ms = 3000;
  o.request_timeout_ms = 3000;
  EXPECT_FALSE(kafka::KafkaEventLog::Open(o).ok());
  o.client_settings = grpc_client;
  auto opened = kafka::KafkaEventLog::Open(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kPermissionDenied) << opened.status();
  EXPECT_EQ(RecordsIn(kIdentityTopic), before);
}

TEST(KafkaAclSystemTest, AFollowerReadsButNeitherWritesNorCreatesAnotherServicesTopic) {
  // The subsidy follows the registry: it may read its topic...
  kafka::KafkaEventLogOptions reader;
  reader.bootstrap_servers = testing_support::GlobalBroker().bootstrap();
  reader.client_settings = testing_support::KafkaSettings("zizhu-subsidy");
  reader.topic = kIdentityTopic;
  reader.read_only = true;
  EXPECT_TRUE(kafka::KafkaEventLog::Open(reader).ok());
  // ...but not a topic it does not follow (the dropout service's)...
  kafka::KafkaEventLogOptions dropout_owner = testing_support::OwnerLogOptions(
      testing_support::GlobalBroker().bootstrap(), "zizhu.dropout.events.acl-test", "acl-test");
  ASSERT_TRUE(kafka::KafkaEventLog::Open(dropout_owner).ok());
  reader.topic = dropout_owner.topic;
  reader.connect_timeout_ms = 5000;
  auto not_followed = kafka::KafkaEventLog::Open(reader);
  ASSERT_FALSE(not_followed.ok());
  EXPECT_EQ(not_followed.status().code(), absl::StatusCode::kPermissionDenied) << not_followed.status();
  // ...and may not create a topic in the registry's name.
  kafka::KafkaEventLogOptions creator;
  creator.bootstrap_servers = reader.bootstrap_servers;
  creator.client_settings = reader.client_settings;
  creator.topic = "zizhu.registry.events.made-by-another";
  creator.partitions = 1;
  absl::Status made = kafka::EnsureTopic(creator, 5000);
  EXPECT_EQ(made.code(), absl::StatusCode::kPermissionDenied) << made;
}

// Rotating a principal's key (broker.sh rotate) takes every right from the
// old key at once; the new one has them all.
TEST(KafkaAclSystemTest, ARotatedKeyKeepsNoRight) {
  const std::string kafka_dir = testing_support::TestSecurity::Get().dir() + "/kafka";
  const std::string old = absl::StrCat(::testing::TempDir(), "/zizhu-old-pairing-key");
  std::filesystem::remove_all(old);
  std::filesystem::create_directories(old);
  std::filesystem::copy_file(kafka_dir + "/zizhu-pairing.pem", old + "/old.pem");
  std::filesystem::copy_file(kafka_dir + "/zizhu-pairing.key", old + "/old.key");
  kafka::ClientSettings old_settings = testing_support::KafkaSettings("zizhu-pairing");
  for (auto& [name, value] : old_settings) {
    if (name == "ssl.certificate.location") value = old + "/old.pem";
    if (name == "ssl.key.location") value = old + "/old.key";
  }
  const std::string topic = "zizhu.pairing.events.rotation-test";
  kafka::KafkaEventLogOptions o =
      testing_support::OwnerLogOptions(testing_support::GlobalBroker().bootstrap(), topic, "rotation");
  o.client_settings = old_settings;
  o.connect_timeout_ms = 10000;
  ASSERT_TRUE(kafka::KafkaEventLog::Open(o).ok());  // the old key works before

  ASSERT_TRUE(testing_support::GlobalBroker().Rotate("zizhu-pairing"));
  absl::StatusOr<std::unique_ptr<kafka::KafkaEventLog>> refused = absl::UnknownError("not tried");
  for (int i = 0; i < 50; ++i) {  // the broker applies the new ACLs within moments
    refused = kafka::KafkaEventLog::Open(o);
    if (!refused.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
  o.client_settings = testing_support::KafkaSettings("zizhu-pairing");
  auto renewed = kafka::KafkaEventLog::Open(o);
  for (int i = 0; i < 50 && !renewed.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    renewed = kafka::KafkaEventLog::Open(o);
  }
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_TRUE((*renewed)->AppendAtomically({{"pair/1", "after rotation"}}).ok());
}

// Every file under `dir` has no group or other permission bit; returns the
// ones that do.
std::vector<std::string> FilesOpenToOthers(const std::string& dir) {
  std::vector<std::string> open;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
      open.push_back(absl::StrCat(it->path().string(), " (", mode, ")"));
    }
  }
  return open;
}

TEST(FileModesSystemTest, DataKeysAndLogsArePrivate) {
  // A service that has written: its projection (RocksDB), its personal-data
  // key and its log.
  const std::string dir = absl::StrCat(::testing::TempDir(), "/zizhu-system-modes");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  testing_support::RegistryProcess registry(
      testing_support::RegistryForTest(testing_support::GlobalBroker().bootstrap(), "modes", dir));
  ASSERT_TRUE(registry.Start());
  registry.Kill();
  std::vector<std::string> open = FilesOpenToOthers(dir);
  // The broker: segments, logs, its configuration (with the keystore password).
  for (const std::string& f : FilesOpenToOthers(testing_support::GlobalBroker().dir())) open.push_back(f);
  // The credentials and keys (public certificates excepted: they are public).
  for (const std::string& f : FilesOpenToOthers(testing_support::TestSecurity::Get().dir())) {
    if (f.find(".pem (0644)") == std::string::npos && f.find("token.pub") == std::string::npos) open.push_back(f);
  }
  EXPECT_TRUE(open.empty()) << "readable by other users:\n" << absl::StrJoin(open, "\n");
}

}  // namespace
}  // namespace zizhu
