// registry_soak (make soak): registrations under load while the registry is
// killed with SIGKILL at random moments and restarted, for SOAK_SECONDS
// (default 300). After every restart each acknowledged registration must be
// there; requests whose answer was lost are retried with the same request id
// and must resolve to exactly one student. At the end the topic must hold one
// event per student (plus the school) and a rebuild must give the same
// checksum. Prints a line per round and exits non-zero on any loss.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rules/national_id.h"
#include "services/common/es/record_codec.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"

namespace {

namespace v1 = zizhu::registry::v1;
using zizhu::testing_support::KafkaBroker;
using zizhu::testing_support::RegistryProcess;
using zizhu::testing_support::RegistryProcessOptions;

// A distinct valid ID per n: 336 birth days a year, 1000 sequence numbers,
// 10 years (3,360,000 people).
std::string IdFor(int n) {
  const int day = n % 336, seq = n / 336 % 1000, year = 2010 + n / 336000 % 10;
  std::string first17 = absl::StrFormat("210102%04d%02d%02d%03d", year, 1 + day / 28, 1 + day % 28, seq);
  return first17 + zizhu::rules::NationalIdCheckCharacter(first17);
}

v1::RegisterStudentRequest Student(int n) {
  v1::RegisterStudentRequest r;
  r.mutable_meta()->set_request_id(absl::StrCat("soak-", n));
  r.mutable_meta()->set_actor("soak");
  r.set_name("孙小红");
  r.set_national_id(IdFor(n));
  r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
  r.set_school_code("3121000999");
  r.set_grade(1 + n % 6);
  return r;
}

}  // namespace

int main() {
  const int seconds = std::getenv("SOAK_SECONDS") ? std::atoi(std::getenv("SOAK_SECONDS")) : 300;
  KafkaBroker broker;
  std::string dir = std::filesystem::temp_directory_path() / "zizhu-soak";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  RegistryProcessOptions options{
      broker.bootstrap(), "zizhu.registry.events.soak", "registry-soak", dir + "/projection", dir + "/key", 3};
  std::mt19937 rng(42);
  std::map<int, std::string> acked;  // n -> student id
  std::set<int> unknown;             // sent, answer lost
  int next = 0, rounds = 0, failures = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);

  while (std::chrono::steady_clock::now() < deadline) {
    ++rounds;
    RegistryProcess process(options);
    auto t0 = std::chrono::steady_clock::now();
    if (!process.Start()) {
      std::cerr << "round " << rounds << ": registry did not start" << std::endl;
      return 1;
    }
    double start_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    {
      v1::RegisterSchoolRequest school;
      school.mutable_meta()->set_request_id("soak-school");
      school.mutable_meta()->set_actor("soak");
      school.set_school_code("3121000999");
      school.set_name("耐久测试小学");
      school.set_county_code("210102");
      school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
      v1::RegisterSchoolResponse resp;
      grpc::ClientContext ctx;
      if (!process.stub().RegisterSchool(&ctx, school, &resp).ok()) {
        std::cerr << "round " << rounds << ": school registration failed" << std::endl;
        return 1;
      }
    }
    // 1. Every acknowledged student is there.
    int missing = 0;
    for (const auto& [n, id] : acked) {
      v1::GetStudentRequest get;
      get.set_student_id(id);
      v1::GetStudentResponse resp;
      grpc::ClientContext ctx;
      if (!process.stub().GetStudent(&ctx, get, &resp).ok()) ++missing;
    }
    const int checked = static_cast<int>(acked.size());
    // 2. Lost answers are retried with the same request id.
    int resolved = 0;
    for (int n : std::set<int>(unknown)) {
      v1::RegisterStudentResponse resp;
      grpc::ClientContext ctx;
      if (process.stub().RegisterStudent(&ctx, Student(n), &resp).ok()) {
        acked[n] = resp.student().student_id();
        unknown.erase(n);
        ++resolved;
      }
    }
    // 3. Load, then SIGKILL at a random moment.
    std::mutex mu;
    std::atomic<int> in_flight{0};
    int acked_this_round = 0;
    auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(500 + rng() % 2500);
    struct Call {
      grpc::ClientContext ctx;
      v1::RegisterStudentRequest req;
      v1::RegisterStudentResponse resp;
      int n;
    };
    std::vector<std::shared_ptr<Call>> calls;
    while (std::chrono::steady_clock::now() < kill_at) {
      if (in_flight.load() >= 128) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      auto call = std::make_shared<Call>();
      call->n = next++;
      call->req = Student(call->n);
      {
        std::lock_guard<std::mutex> lock(mu);
        unknown.insert(call->n);
      }
      ++in_flight;
      calls.push_back(call);
      process.stub().async()->RegisterStudent(&call->ctx, &call->req, &call->resp, [&, call](grpc::Status s) {
        std::lock_guard<std::mutex> lock(mu);
        if (s.ok()) {
          acked[call->n] = call->resp.student().student_id();
          unknown.erase(call->n);
          ++acked_this_round;
        }
        --in_flight;
      });
    }
    process.Kill();
    while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::cout << absl::StrFormat(
                     "round %3d: start %6.0f ms, checked %6d acknowledged (%d missing), retried %4d lost answers, "
                     "%5d new acks before SIGKILL, %4d answers lost",
                     rounds, start_ms, checked, missing, resolved, acked_this_round, static_cast<int>(unknown.size()))
              << std::endl;
    failures += missing;
  }

  // Final: resolve the last lost answers, then compare the topic and a rebuild.
  RegistryProcess process(options);
  if (!process.Start()) return 1;
  for (int n : std::set<int>(unknown)) {
    v1::RegisterStudentResponse resp;
    grpc::ClientContext ctx;
    if (process.stub().RegisterStudent(&ctx, Student(n), &resp).ok()) acked[n] = resp.student().student_id();
  }
  zizhu::kafka::KafkaEventLogOptions o;
  o.bootstrap_servers = broker.bootstrap();
  o.topic = options.topic;
  o.client_settings = zizhu::testing_support::KafkaSettings("zizhu-test");
  o.read_only = true;
  auto log = zizhu::kafka::KafkaEventLog::Open(o).value();
  auto reader = log->NewReader().value();
  (void)reader->Seek({});
  size_t events = 0;
  std::vector<zizhu::common::v1::EventEnvelope> decoded;
  while (true) {
    auto read = reader->Read(5000, absl::Seconds(1)).value();
    for (const auto& record : read.records) {
      decoded.clear();
      if (zizhu::es::DecodeRecord(options.topic, record, decoded).ok()) events += decoded.size();
    }
    if (read.at_end) break;
  }
  zizhu::common::v1::GetProjectionChecksumResponse before;
  grpc::ClientContext c1;
  (void)process.admin().GetProjectionChecksum(&c1, {}, &before);
  zizhu::common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext c2;
  (void)process.admin().RebuildProjection(&c2, {}, &rebuilt);
  bool topic_ok = events == acked.size() + 1;
  bool rebuild_ok = rebuilt.checksum() == before.checksum();
  std::cout << absl::StrFormat(
                   "soak: %d rounds in %d s, %d students acknowledged, %d missing after restarts; topic holds %d "
                   "events (expected %d): %s; rebuild checksum %s",
                   rounds, seconds, static_cast<int>(acked.size()), failures, static_cast<int>(events),
                   static_cast<int>(acked.size()) + 1, topic_ok ? "ok" : "MISMATCH",
                   rebuild_ok ? "identical" : "DIFFERS")
            << std::endl;
  if (rebuild_ok) std::filesystem::remove_all(dir);
  return failures == 0 && topic_ok && rebuild_ok ? 0 : 1;
}
