// ceilings: what the engines zizhu stands on can do on this machine, measured
// the way the core uses them, so that zizhu's own figures can be printed as a
// ratio of their ceiling (make bench).
//
//   ceilings --bootstrap 127.0.0.1:19192 --dir .run/bench/ceilings --server 127.0.0.1:17191
//
// Prints one line per measure, "ceiling <name> <value> <unit>", then details:
//  - kafka_produce: records/s into a fresh topic, records of --record-bytes,
//    idempotent, acks=all, lz4, transactional with one transaction per
//    --batch records (as the command processor's group commit);
//  - kafka_consume: records/s read back from offset 0, read_committed, through
//    the same EventLogReader the projections use;
//  - rocksdb_writebatch: keys/s written in WriteBatches of --batch puts of
//    --record-bytes into a fresh database under --dir (the projection
//    store's options);
//  - grpc_unary: round trips/s of an empty unary call (ListSubscriptions on
//    the service's admin API) with --concurrency in flight, and its p50/p99.
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/common/kafka/kafka_event_log.h"
#include "services/common/storage/projection_store.h"
#include "tools/bench/bench_channel.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"

namespace {

double Seconds(absl::Time start) { return absl::ToDoubleSeconds(absl::Now() - start); }

void Print(const std::string& name, double value, const std::string& unit, const std::string& detail) {
  std::cout << absl::StrFormat("ceiling %s %.0f %s  (%s)\n", name, value, unit, detail) << std::flush;
}

struct Options {
  std::string bootstrap;
  std::string dir;
  std::string server;
  std::string ca_file;
  std::string token_file;
  int records = 200000;
  int record_bytes = 300;
  int batch = 2000;
  int concurrency = 256;
  int producers = 2;
  int keys = 100000;
  int calls = 100000;
  zizhu::kafka::ClientSettings kafka_settings;
};

int KafkaProduce(const Options& o, const std::string& topic) {
  // The same event log the core writes through: idempotent, acks=all, lz4,
  // one transaction per append, authenticated (SASL_SSL) as the services are.
  zizhu::kafka::KafkaEventLogOptions options;
  options.bootstrap_servers = o.bootstrap;
  options.client_settings = o.kafka_settings;
  options.topic = topic;
  options.partitions = 6;
  options.transactional_id = absl::StrCat("zizhu-test-ceiling-", topic);
  options.producers = o.producers;
  auto log = zizhu::kafka::KafkaEventLog::Open(options);
  if (!log.ok()) {
    std::cerr << "ceilings: " << log.status() << std::endl;
    return 1;
  }
  std::vector<zizhu::es::AppendRecord> batch;
  absl::Time start = absl::Now();
  for (int i = 0; i < o.records; ++i) {
    std::string value(o.record_bytes, 'v');
    absl::StrAppend(&value, i);
    batch.push_back({absl::StrCat("key-", i % o.keys), std::move(value)});
    if (static_cast<int>(batch.size()) == o.batch || i + 1 == o.records) {
      auto appended = (*log)->AppendAtomically(batch);
      if (!appended.ok()) {
        std::cerr << "ceilings: " << appended.status() << std::endl;
        return 1;
      }
      batch.clear();
    }
  }
  double s = Seconds(start);
  Print("kafka_produce", o.records / s, "records/s",
        absl::StrFormat(
            "%d records of %d bytes, %d keys, transactions of %d on %d producers, idempotent, acks=all, lz4, %.2f s",
            o.records, o.record_bytes, o.keys, o.batch, o.producers, s));
  return 0;
}

int KafkaConsume(const Options& o, const std::string& topic) {
  zizhu::kafka::KafkaEventLogOptions options;
  options.bootstrap_servers = o.bootstrap;
  options.client_settings = o.kafka_settings;
  options.topic = topic;
  options.read_only = true;
  auto log = zizhu::kafka::KafkaEventLog::Open(options);
  if (!log.ok()) return 1;
  auto reader = (*log)->NewReader();
  if (!reader.ok() || !(*reader)->Seek({}).ok()) return 1;
  int64_t read = 0;
  absl::Time start = absl::Now();
  while (true) {
    auto result = (*reader)->Read(o.batch, absl::Milliseconds(500));
    if (!result.ok()) {
      std::cerr << "ceilings: " << result.status() << std::endl;
      return 1;
    }
    read += static_cast<int64_t>(result->records.size());
    if (result->at_end) break;
  }
  double s = Seconds(start);
  Print("kafka_consume", read / s, "records/s",
        absl::StrFormat("%d records, read_committed, from offset 0, %.2f s", read, s));
  return 0;
}

int RocksWrite(const Options& o) {
  const std::string path = o.dir + "/rocksdb";
  std::filesystem::remove_all(path);
  zizhu::storage::ProjectionStoreOptions options;
  options.path = path;
  auto store = zizhu::storage::ProjectionStore::Open(options);
  if (!store.ok()) {
    std::cerr << "ceilings: " << store.status() << std::endl;
    return 1;
  }
  const int keys = o.records * 5;  // a registration writes about five keys
  absl::Time start = absl::Now();
  for (int first = 0; first < keys; first += o.batch) {
    zizhu::storage::ProjectionBatch batch = (*store)->NewBatch();
    for (int i = first; i < std::min(keys, first + o.batch); ++i) {
      batch.Put(absl::StrFormat("stu/%016x", static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull),
                std::string(o.record_bytes, 'r'));
    }
    if (!(*store)->Commit(batch).ok()) return 1;
  }
  double s = Seconds(start);
  Print("rocksdb_writebatch", keys / s, "keys/s",
        absl::StrFormat("%d keys of %d bytes, batches of %d, projection-store options, %.2f s", keys, o.record_bytes,
                        o.batch, s));
  store->reset();
  std::filesystem::remove_all(path);
  return 0;
}

int GrpcUnary(const Options& o) {
  auto stub =
      zizhu::common::v1::ProjectionAdminService::NewStub(zizhu::bench::BenchChannel(o.server, o.ca_file, o.token_file));
  std::mutex mu;
  std::vector<double> latencies_us;
  latencies_us.reserve(o.calls);
  std::atomic<int> next{0}, failed{0};
  absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  // A closed loop of `concurrency` callers over async calls (two threads
  // drive them; the gRPC completion threads do the rest).
  std::atomic<int> in_flight{0};
  std::condition_variable cv;
  std::function<void()> issue = [&] {
    int n = next.fetch_add(1);
    if (n >= o.calls) return;
    auto* ctx = new grpc::ClientContext;
    auto* request = new zizhu::common::v1::ListSubscriptionsRequest;
    auto* response = new zizhu::common::v1::ListSubscriptionsResponse;
    absl::Time sent = absl::Now();
    in_flight.fetch_add(1);
    stub->async()->ListSubscriptions(ctx, request, response, [&, ctx, request, response, sent](grpc::Status s) {
      double us = absl::ToDoubleMicroseconds(absl::Now() - sent);
      if (!s.ok()) failed.fetch_add(1);
      delete ctx;
      delete request;
      delete response;
      {
        std::lock_guard<std::mutex> lock(mu);
        latencies_us.push_back(us);
      }
      issue();
      if (in_flight.fetch_sub(1) == 1) cv.notify_all();
    });
  };
  for (int i = 0; i < o.concurrency; ++i) issue();
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight.load() == 0 && next.load() >= o.calls; });
  }
  double s = Seconds(start);
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    return latencies_us.empty()
               ? 0.0
               : latencies_us[std::min(latencies_us.size() - 1, static_cast<size_t>(p * latencies_us.size()))] / 1000.0;
  };
  Print("grpc_unary", o.calls / s, "calls/s",
        absl::StrFormat("empty unary call, %d in flight, p50 %.2f ms, p99 %.2f ms, %d failed, %.2f s", o.concurrency,
                        pct(0.5), pct(0.99), failed.load(), s));
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"raw ceilings of Kafka, RocksDB and gRPC on this machine"};
  Options o;
  cli.add_option("--bootstrap", o.bootstrap, "Kafka broker")->required();
  std::string kafka_config;
  cli.add_option("--kafka-config", kafka_config,
                 "Kafka settings of the zizhu-test principal (tests/support/kafka_test_principals.conf)")
      ->required();
  cli.add_option("--dir", o.dir, "scratch directory for RocksDB")->required();
  cli.add_option("--server", o.server, "a zizhu service, for the gRPC round trip")->required();
  cli.add_option("--ca", o.ca_file, "PEM CA of the service (empty: plaintext)")->envname("ZIZHU_CA");
  cli.add_option("--token-file", o.token_file, "token of `zizhu login`")->envname("ZIZHU_TOKEN_FILE");
  cli.add_option("--records", o.records, "records produced and consumed")->capture_default_str();
  cli.add_option("--record-bytes", o.record_bytes, "bytes per record")->capture_default_str();
  cli.add_option("--batch", o.batch, "records per transaction / WriteBatch")->capture_default_str();
  cli.add_option("--producers", o.producers, "producers taking turns on the transactions (as the event log)")
      ->capture_default_str();
  cli.add_option("--keys", o.keys, "distinct record keys (1: every transaction writes one partition)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cli.add_option("--concurrency", o.concurrency, "gRPC calls in flight")->capture_default_str();
  cli.add_option("--calls", o.calls, "gRPC calls")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  auto settings = zizhu::kafka::LoadClientSettings(kafka_config);
  if (!settings.ok()) {
    std::cerr << "ceilings: " << settings.status() << std::endl;
    return 1;
  }
  o.kafka_settings = *settings;
  std::filesystem::create_directories(o.dir);
  const std::string topic = absl::StrCat("zizhu.test.ceiling.", absl::ToUnixMillis(absl::Now()));
  if (int rc = KafkaProduce(o, topic)) return rc;
  if (int rc = KafkaConsume(o, topic)) return rc;
  if (int rc = RocksWrite(o)) return rc;
  return GrpcUnary(o);
}
