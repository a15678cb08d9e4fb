// make bench-report: the quarterly city report for a city of 1,000,000
// students, read from a real Kafka broker. Prints figures; asserts nothing.
//
// It starts its own broker, writes the generated history of an autumn
// semester (tools/report/report_gen: schools, students, an aid round per
// school, payments with bank returns, dropout cases, pairing) through
// transactions, then times the report job as an office runs it: reading the
// five topics to their end (read_committed), folding, building the sections
// and writing XLSX, CSV and JSON.
#include <filesystem>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tools/report/report_gen.h"
#include "tools/report/report_job.h"
#include "tools/report/report_writers.h"

namespace zizhu {
namespace {

absl::StatusOr<std::shared_ptr<es::EventLog>> Open(const std::string& bootstrap, const std::string& topic,
                                                   bool writer) {
  kafka::KafkaEventLogOptions options = testing_support::OwnerLogOptions(bootstrap, topic, "report-bench");
  options.partitions = 6;
  options.read_only = !writer;
  auto log = kafka::KafkaEventLog::Open(options);
  for (int attempt = 0; !log.ok() && attempt < 5; ++attempt) {  // a topic just created may not be known yet
    absl::SleepFor(absl::Seconds(1));
    log = kafka::KafkaEventLog::Open(options);
  }
  if (!log.ok()) return log.status();
  return std::shared_ptr<es::EventLog>(std::move(*log));
}

int Run(int counties, int schools, int students, const std::string& out) {
  testing_support::KafkaBroker broker;
  std::map<std::string, std::shared_ptr<es::EventLog>> writers;
  std::map<std::string, es::EventLog*> logs;
  for (const std::string& service : report::ReportedServices()) {
    auto log = Open(broker.bootstrap(), report::TopicOf(service), true);
    if (!log.ok()) return std::cerr << log.status() << std::endl, 1;
    writers[service] = *log;
    logs[service] = log->get();
  }
  report::gen::Shape shape;
  shape.counties = counties;
  shape.schools_per_county = schools;
  shape.students_per_school = students;
  shape.records_per_append = 2000;
  const int64_t total = static_cast<int64_t>(counties) * schools * students;
  std::cout << "generating " << total << " students (" << counties << " counties x " << schools << " schools x "
            << students << ")" << std::endl;
  absl::Time start = absl::Now();
  absl::Status generated = report::gen::Generate(shape, logs, [](int64_t n) {
    if (n % 500000 < 2000) std::cerr << "  written " << n << " records" << std::endl;
  });
  if (!generated.ok()) return std::cerr << generated << std::endl, 1;
  std::cout << absl::StrFormat("history written in %.1f s", absl::ToDoubleSeconds(absl::Now() - start)) << std::endl;
  writers.clear();

  report::ReportJob job([&](const std::string& topic, bool write) { return Open(broker.bootstrap(), topic, write); });
  report::ReportOptions o;
  o.period = *report::ParsePeriod(report::ReportKind::kQuarterly, "2026-Q4");
  o.scope = report::ReportScope{report::ReportScope::Kind::kCity, "2101"};
  if (absl::Status policy = report::LoadPolicyFiles(ZIZHU_TARGETS_FILE, ZIZHU_RULES_FILE, o); !policy.ok()) {
    return std::cerr << policy << std::endl, 1;
  }
  start = absl::Now();
  absl::StatusOr<report::MadeReport> made = job.Make(o);
  if (!made.ok()) return std::cerr << made.status() << std::endl, 1;
  const absl::Duration made_in = absl::Now() - start;
  std::filesystem::create_directories(out);
  const std::string stem = out + "/" + made->report.file_stem;
  const absl::Time write_start = absl::Now();
  for (absl::Status s : {report::WriteXlsx(made->report, stem + ".xlsx", absl::FromUnixSeconds(1798761600)),
                         report::WriteCsvs(made->report, stem),
                         report::WriteFileAtomically(stem + ".json", report::JsonOf(made->report))}) {
    if (!s.ok()) return std::cerr << s << std::endl, 1;
  }
  const absl::Duration written_in = absl::Now() - write_start;
  int64_t records = 0;
  for (const auto& t : made->report.tables) {
    if (t.name == "about") {
      for (const auto& row : t.rows) {
        if (row[0].text == "读取记录") records = std::stoll(row[1].text);
      }
    }
  }
  std::cout << absl::StrFormat("read %.1f s, fold %.1f s, sections %.1f s\n", absl::ToDoubleSeconds(made->read_time),
                               absl::ToDoubleSeconds(made->fold_time), absl::ToDoubleSeconds(made->sections_time));
  std::cout << absl::StrFormat(
                   "quarterly city report, %d students, %d records: read+fold+sections %.1f s, files %.1f s, "
                   "total %.1f s\n",
                   total, records, absl::ToDoubleSeconds(made_in), absl::ToDoubleSeconds(written_in),
                   absl::ToDoubleSeconds(made_in + written_in))
            << "files: " << stem << ".xlsx" << std::endl;
  return 0;
}

}  // namespace
}  // namespace zizhu

int main(int argc, char** argv) {
  CLI::App app{"report_bench: the quarterly city report over a generated city on a real broker"};
  int counties = 10, schools = 100, students = 1000;
  std::string out = ".run/bench/report";
  app.add_option("--counties", counties)->capture_default_str();
  app.add_option("--schools-per-county", schools)->capture_default_str();
  app.add_option("--students-per-school", students)->capture_default_str();
  app.add_option("--out", out)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return zizhu::Run(counties, schools, students, out);
}
