// subsidy_round_bench: an aid round for N students across many schools on a
// real broker, timed per phase. Prints figures; asserts nothing.
//
//   subsidy_round_bench [--schools 1000] [--students-per-school 1000] [--threads 8]
//
// It starts its own broker (deploy/kafka/broker.sh) and zizhu-subsidy as a
// process (TLS, tokens), writes the registry's facts straight into a
// registry topic (schools and students as StudentRegistered events — the
// subsidy reads nothing else of the registry, and the registry's own speed is
// measured by `make bench`), then drives the round through gRPC: open every
// school's round, applications and reviews in batches of a school's size,
// the notices, and — after restarting the subsidy with its clock eight days
// ahead — the approvals. Phases are timed from the first call to the last
// answer.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/civil_date.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/service_process.h"
#include "tests/support/test_security.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.grpc.pb.h"

namespace zizhu {
namespace {

namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;

struct Options {
  int schools = 1000;
  int per_school = 1000;
  int threads = 8;
  int quota_percent = 40;  // of a school's students: places for hardship students
};

std::string SchoolCode(int s) { return absl::StrFormat("2101%02d%06d", 1 + s % 10, s); }
std::string StudentId(int s, int n) { return absl::StrFormat("stu_bench%05d%05d", s, n); }
bool Poor(int n) { return n % 3 == 0; }

common::v1::EventEnvelope Envelope(const std::string& type, const std::string& id,
                                   const google::protobuf::Message& payload, int64_t sequence) {
  common::v1::EventEnvelope e;
  e.set_event_id(absl::StrCat("bench-", sequence));
  e.set_aggregate_type(type);
  e.set_aggregate_id(id);
  e.set_aggregate_version(1);
  *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  e.set_actor("bench");
  e.set_request_id(absl::StrCat("bench-", sequence));
  e.set_events_in_command(1);
  e.mutable_payload()->PackFrom(payload);
  e.set_envelope_version(1);
  return e;
}

// The registry's facts for the subsidy, straight into the topic.
void WriteRegistryTopic(const std::string& bootstrap, const std::string& topic, const Options& o) {
  kafka::KafkaEventLogOptions k = testing_support::OwnerLogOptions(bootstrap, topic, "bench-registry-writer");
  k.partitions = 6;
  auto log = kafka::KafkaEventLog::Open(k);
  if (!log.ok()) {
    std::cerr << "cannot open " << topic << ": " << log.status() << std::endl;
    std::exit(1);
  }
  int64_t sequence = 0;
  std::vector<es::AppendRecord> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    auto written = (*log)->AppendAtomically(batch);
    if (!written.ok()) {
      std::cerr << "writing the registry topic: " << written.status() << std::endl;
      std::exit(1);
    }
    batch.clear();
  };
  for (int s = 0; s < o.schools; ++s) {
    rv1::SchoolRegistered school;
    school.set_school_code(SchoolCode(s));
    school.set_name(absl::StrCat("基准学校", s));
    school.set_county_code(SchoolCode(s).substr(0, 6));
    school.add_stages(rv1::EDUCATION_STAGE_PRIMARY);
    school.add_stages(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    batch.push_back({school.school_code(),
                     Envelope("registry.School", school.school_code(), school, ++sequence).SerializeAsString()});
    for (int n = 0; n < o.per_school; ++n) {
      rv1::StudentRegistered student;
      student.set_student_id(StudentId(s, n));
      student.set_name("王小明");
      student.mutable_national_id()->set_masked("2101**********1234");
      student.set_national_id_hash(absl::StrCat("bench-hash-", s, "-", n));
      student.set_stage(n % 2 ? rv1::EDUCATION_STAGE_PRIMARY : rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
      student.set_school_code(school.school_code());
      student.set_grade(1 + n % 3);
      student.set_class_name(absl::StrCat(1 + n % 8, "班"));
      student.set_boarding(true);
      student.set_status(rv1::ENROLMENT_STATUS_ENROLLED);
      if (Poor(n)) {
        student.add_categories(rv1::POVERTY_CATEGORY_REGISTERED_POOR);
        student.set_household_number(absl::StrCat("H", s, "-", n / 3));
      }
      batch.push_back({student.student_id(),
                       Envelope("registry.Student", student.student_id(), student, ++sequence).SerializeAsString()});
      if (batch.size() >= 5000) flush();
    }
  }
  flush();
}

// Runs `call(school)` for every school on `threads` threads; returns seconds.
double ForEachSchool(const Options& o, const std::function<bool(int)>& call, std::atomic<int>& failures) {
  std::atomic<int> next{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back([&] {
      for (int s = next++; s < o.schools; s = next++) {
        if (!call(s)) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

template <typename Request, typename Response>
bool Call(sv1::SubsidyService::Stub& stub,
          grpc::Status (sv1::SubsidyService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
          const Request& request, Response* response, const char* what) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    grpc::Status status = (stub.*method)(&context, request, response);
    if (status.ok()) return true;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      std::cerr << what << ": " << status.error_message() << std::endl;
      return false;
    }
  }
  std::cerr << what << ": unavailable" << std::endl;
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Run(const Options& o) {
  const int64_t total_students = static_cast<int64_t>(o.schools) * o.per_school;
  std::cout << "subsidy round benchmark: " << o.schools << " schools x " << o.per_school
            << " students = " << total_students << " students, " << o.threads << " client threads" << std::endl;
  const std::string dir = "/tmp/zizhu-subsidy-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing_support::KafkaBroker broker;
  const std::string registry_topic = "zizhu.registry.events.bench";

  absl::Time t = absl::Now();
  WriteRegistryTopic(broker.bootstrap(), registry_topic, o);
  std::cout << absl::StrFormat("setup  registry topic written:        %8.1f s  (%lld events)",
                               absl::ToDoubleSeconds(absl::Now() - t), total_students + o.schools)
            << std::endl;

  testing_support::ServiceProcessOptions so{ZIZHU_SUBSIDY_BINARY,
                                            broker.bootstrap(),
                                            "zizhu.subsidy.events.bench",
                                            "subsidy-bench",
                                            dir + "/subsidy",
                                            6,
                                            {"--registry-topic", registry_topic, "--city", "2101"},
                                            dir + "/subsidy.log"};
  testing_support::ServiceProcess subsidy(so);
  if (!subsidy.Start()) return 1;
  const auto& security = testing_support::TestSecurity::Get();
  const auth::Caller admin{"bench-admin", auth::Role::kCityAdmin, "2101", "t-bench"};
  auto stub = sv1::SubsidyService::NewStub(security.Channel(subsidy.address(), admin));

  // Follow: until the subsidy has applied the whole registry topic.
  t = absl::Now();
  for (;;) {
    common::v1::ListSubscriptionsResponse subscriptions;
    grpc::ClientContext context;
    if (subsidy.admin().ListSubscriptions(&context, {}, &subscriptions).ok() &&
        subscriptions.subscriptions_size() > 0 && subscriptions.subscriptions(0).lag_records() == 0 &&
        subscriptions.subscriptions(0).applied_events() >= total_students + o.schools) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double follow = absl::ToDoubleSeconds(absl::Now() - t);
  std::cout << absl::StrFormat("follow registry (catch-up):            %8.1f s  (%.0f events/s)", follow,
                               (total_students + o.schools) / follow)
            << std::endl;

  sv1::LoadPolicyRequest load;
  load.mutable_meta()->set_request_id("bench-policy");
  load.set_content(ReadFile(std::string(ZIZHU_SOURCE_DIR) + "/services/subsidy/policy/default-policy.yaml"));
  sv1::LoadPolicyResponse loaded;
  if (!Call(*stub, &sv1::SubsidyService::Stub::LoadPolicy, load, &loaded, "load policy")) return 1;
  const absl::CivilDay today = CivilDayInChina(absl::Now());
  const std::string semester = absl::StrCat(today.month() <= 2 ? today.year() : today.year() + 1, "-spring");
  const int quota = o.per_school * o.quota_percent / 100;
  std::atomic<int> failures{0};

  const double open = ForEachSchool(
      o,
      [&](int s) {
        sv1::OpenRoundRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-open-", s));
        request.set_school_code(SchoolCode(s));
        request.set_semester(semester);
        request.set_quota(quota);
        sv1::OpenRoundResponse response;
        return Call(*stub, &sv1::SubsidyService::Stub::OpenRound, request, &response, "open");
      },
      failures);
  const double apply = ForEachSchool(
      o,
      [&](int s) {
        sv1::SubmitApplicationsRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-apply-", s));
        request.set_round_id(absl::StrCat(SchoolCode(s), "/", semester));
        for (int n = 0; n < o.per_school; ++n) {
          sv1::ApplicationInput* input = request.add_applications();
          input->set_student_id(StudentId(s, n));
          input->mutable_attestation()->set_stamped_by("村委会");
          input->mutable_attestation()->mutable_stamped_on()->set_year(static_cast<int>(today.year()));
          input->mutable_attestation()->mutable_stamped_on()->set_month(today.month());
          input->mutable_attestation()->mutable_stamped_on()->set_day(today.day());
          input->mutable_attestation()->set_scan_ref(absl::StrCat("scan/", s, "/", n));
        }
        sv1::SubmitApplicationsResponse response;
        return Call(*stub, &sv1::SubsidyService::Stub::SubmitApplications, request, &response, "apply");
      },
      failures);
  const double review = ForEachSchool(
      o,
      [&](int s) {
        sv1::ReviewApplicationsRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-review-", s));
        request.set_round_id(absl::StrCat(SchoolCode(s), "/", semester));
        request.add_reviewers("评审组");
        int hardship = 0;
        for (int n = 0; n < o.per_school; ++n) {
          sv1::ReviewInput* input = request.add_reviews();
          input->set_student_id(StudentId(s, n));
          if (Poor(n) || hardship < quota) {
            input->set_decision(sv1::REVIEW_DECISION_ACCEPTED);
            input->set_tier(1);
            if (!Poor(n)) ++hardship;
          } else {
            input->set_decision(sv1::REVIEW_DECISION_REJECTED);
            input->set_reason("beyond the quota");
          }
        }
        sv1::ReviewApplicationsResponse response;
        return Call(*stub, &sv1::SubsidyService::Stub::ReviewApplications, request, &response, "review");
      },
      failures);
  const double notice = ForEachSchool(
      o,
      [&](int s) {
        sv1::PublishNoticeRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-notice-", s));
        request.set_round_id(absl::StrCat(SchoolCode(s), "/", semester));
        sv1::PublishNoticeResponse response;
        return Call(*stub, &sv1::SubsidyService::Stub::PublishNotice, request, &response, "notice");
      },
      failures);

  // The notice week passes: the subsidy restarts with its clock 8 days on.
  t = absl::Now();
  subsidy.Stop();
  subsidy.set_clock_offset_hours(8 * 24);
  if (!subsidy.Start()) return 1;
  const double restart = absl::ToDoubleSeconds(absl::Now() - t);
  stub = sv1::SubsidyService::NewStub(security.Channel(subsidy.address(), admin, subsidy.now()));
  std::atomic<int64_t> entitlements{0};
  std::atomic<int64_t> total_fen{0};
  const double approve = ForEachSchool(
      o,
      [&](int s) {
        sv1::ApproveRoundRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-approve-", s));
        request.set_round_id(absl::StrCat(SchoolCode(s), "/", semester));
        sv1::ApproveRoundResponse response;
        if (!Call(*stub, &sv1::SubsidyService::Stub::ApproveRound, request, &response, "approve")) return false;
        entitlements += response.fixed();
        total_fen += response.round().total_fen();
        return true;
      },
      failures);

  auto line = [&](const char* phase, double seconds, int64_t items, const char* unit) {
    std::cout << absl::StrFormat("%-38s %8.1f s  (%.0f %s/s)", phase, seconds, items / seconds, unit) << std::endl;
  };
  line("open rounds:", open, o.schools, "rounds");
  line("applications:", apply, total_students, "applications");
  line("reviews:", review, total_students, "reviews");
  line("public notices:", notice, o.schools, "rounds");
  std::cout << absl::StrFormat("%-38s %8.1f s  (restart with the clock 8 days on)", "notice week:", restart)
            << std::endl;
  line("approvals:", approve, entitlements.load(), "entitlements");
  const double round = apply + review + notice + approve;
  std::cout << absl::StrFormat("%-38s %8.1f s  (applications through approval; aim < 300 s)", "whole round:", round)
            << std::endl;
  std::cout << "entitlements " << entitlements.load() << ", payable " << total_fen.load() / 100 << " yuan, failures "
            << failures.load() << std::endl;
  common::v1::GetProjectionChecksumResponse checksum;
  grpc::ClientContext context;
  if (subsidy.admin().GetProjectionChecksum(&context, {}, &checksum).ok()) {
    std::cout << "projection keys " << checksum.keys() << std::endl;
  }
  subsidy.Stop();
  std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace zizhu

int main(int argc, char** argv) {
  CLI::App app{"subsidy_round_bench: an aid round for many students on a real broker, timed per phase"};
  zizhu::Options o;
  app.add_option("--schools", o.schools, "schools")->capture_default_str();
  app.add_option("--students-per-school", o.per_school, "students per school (at most 5000)")->capture_default_str();
  app.add_option("--threads", o.threads, "client threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return zizhu::Run(o);
}
