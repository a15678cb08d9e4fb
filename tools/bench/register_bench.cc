// register_bench: registers N students through the registry's gRPC API with
// many requests in flight and prints throughput and command latency.
//
//   register_bench --server 127.0.0.1:7001 --count 100000 --concurrency 256
//
// Every student gets a fresh valid national ID (a random region/sequence
// block per run), so runs do not collide. Registers its own school first.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <random>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/rules/national_id.h"
#include "tools/bench/bench_channel.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace v1 = zizhu::registry::v1;

int main(int argc, char** argv) {
  CLI::App cli{"registry registration benchmark"};
  std::string server = "127.0.0.1:7001";
  int count = 100000;
  int concurrency = 256;
  int channels = 4;
  cli.add_option("--server", server)->capture_default_str();
  cli.add_option("--count", count)->capture_default_str();
  cli.add_option("--concurrency", concurrency, "requests in flight")->capture_default_str();
  cli.add_option("--channels", channels, "gRPC channels (connections)")->capture_default_str();
  std::string ca_file, token_file;
  cli.add_option("--ca", ca_file, "PEM CA of the server (empty: plaintext)")->envname("ZIZHU_CA");
  cli.add_option("--token-file", token_file, "token of `zizhu login`")->envname("ZIZHU_TOKEN_FILE");
  CLI11_PARSE(cli, argc, argv);

  std::random_device rd;
  const uint32_t run = rd() % 900000;
  const std::string school_code = absl::StrFormat("B%06u", run);
  std::vector<std::unique_ptr<v1::RegistryService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
    // One channel each: distinct connections.
    stubs.push_back(v1::RegistryService::NewStub(zizhu::bench::BenchChannel(server, ca_file, token_file)));
  }
  {
    v1::RegisterSchoolRequest school;
    school.mutable_meta()->set_request_id(absl::StrCat("bench-school-", school_code));
    school.set_school_code(school_code);
    school.set_name("基准测试学校");
    school.set_county_code("210102");
    school.add_stages(v1::EDUCATION_STAGE_PRIMARY);
    v1::RegisterSchoolResponse resp;
    grpc::ClientContext ctx;
    auto status = stubs[0]->RegisterSchool(&ctx, school, &resp);
    if (!status.ok()) {
      std::cerr << "register school: " << status.error_message() << std::endl;
      return 1;
    }
  }

  // IDs: the region code varies with the run; (birth date, sequence) is
  // unique per i: 3650 birth dates (2010-2019) x 1000 sequence numbers.
  auto national_id = [&](int i) {
    static const int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int region = 210100 + static_cast<int>(run % 100);
    int d = i % 3650;
    int year = 2010 + d / 365;
    int day_of_year = d % 365;
    int month = 0;
    while (day_of_year >= kMonthDays[month]) day_of_year -= kMonthDays[month++];
    int seq = (i / 3650) % 1000;
    std::string first17 = absl::StrFormat("%06d%04d%02d%02d%03d", region, year, month + 1, day_of_year + 1, seq);
    return first17 + zizhu::rules::NationalIdCheckCharacter(first17);
  };

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  int failed = 0;
  std::string first_error;
  std::vector<double> latencies_us;
  latencies_us.reserve(count);
  absl::Time start = absl::Now();
  absl::Time last_print = start;
  for (int i = 0; i < count; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < concurrency; });
      ++in_flight;
    }
    struct Call {
      grpc::ClientContext ctx;
      v1::RegisterStudentRequest req;
      v1::RegisterStudentResponse resp;
      absl::Time sent;
    };
    auto call = std::make_shared<Call>();
    auto& r = call->req;
    r.mutable_meta()->set_request_id(absl::StrCat("bench-", run, "-", i));
    r.set_name("王小明");
    r.set_national_id(national_id(i));
    r.set_stage(v1::EDUCATION_STAGE_PRIMARY);
    r.set_school_code(school_code);
    r.set_grade(1 + i % 6);
    r.set_class_name(absl::StrCat(1 + i % 8, "班"));
    r.set_bank_card(absl::StrFormat("62170000%011d", i));
    r.set_phone(absl::StrFormat("138%08d", i));
    call->sent = absl::Now();
    stubs[i % stubs.size()]->async()->RegisterStudent(&call->ctx, &call->req, &call->resp, [&, call](grpc::Status s) {
      double us = absl::ToDoubleMicroseconds(absl::Now() - call->sent);
      std::lock_guard<std::mutex> lock(mu);
      latencies_us.push_back(us);
      if (!s.ok()) {
        ++failed;
        if (first_error.empty()) first_error = s.error_message();
      }
      --in_flight;
      cv.notify_all();
    });
    if (absl::Now() - last_print > absl::Seconds(2)) {
      last_print = absl::Now();
      std::cerr << absl::StrFormat("  %d/%d sent, %.0f/s\n", i, count, i / absl::ToDoubleSeconds(last_print - start));
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    return latencies_us[std::min(latencies_us.size() - 1, static_cast<size_t>(p * latencies_us.size()))] / 1000.0;
  };
  std::cout << absl::StrFormat(
      "registered %d students (%d failed) in %.2f s: %.0f students/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(concurrency %d, channels %d)\n",
      count - failed, failed, seconds, (count - failed) / seconds, pct(0.50), pct(0.99), latencies_us.back() / 1000.0,
      concurrency, channels);
  if (failed > 0) std::cout << "first error: " << first_error << "\n";
  return failed > 0 ? 1 : 0;
}
