// disbursement_bench: 1,000,000 payments through the disbursement service on
// a real broker, timed per phase. Prints figures; asserts nothing.
//
//   disbursement_bench [--entitlements 250000] [--counties 10] [--threads 4]
//
// It starts its own broker and zizhu-disbursement as a process (TLS, tokens),
// writes the subsidy's approved entitlements (EntitlementsFixed, 500 a
// record, four fund sources each: 4 payments per entitlement) and the
// registry's payees (sealed bank cards) straight into their topics, then:
// the service records the payments (its reactions), funds are allocated per
// account, batches of 2,000 are built, their bank files exported (cards
// opened), the bank's returns recorded (1 in 50 failed), and everything
// reconciled.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/service_process.h"
#include "tests/support/test_security.h"
#include "zizhu/disbursement/v1/disbursement_service.grpc.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu {
namespace {

namespace dv1 = disbursement::v1;
namespace sv1 = subsidy::v1;
namespace rv1 = registry::v1;

struct Options {
  int entitlements = 250000;
  int counties = 10;
  int threads = 4;
};

const sv1::FundSource kSources[] = {sv1::FUND_SOURCE_CENTRAL, sv1::FUND_SOURCE_PROVINCIAL, sv1::FUND_SOURCE_CITY,
                                    sv1::FUND_SOURCE_COUNTY};
constexpr char kSemester[] = "2027-spring";

std::string County(int n, const Options& o) { return absl::StrFormat("2101%02d", 1 + n % o.counties); }
std::string Student(int n) { return absl::StrFormat("stu_pay%08d", n); }

common::v1::EventEnvelope Envelope(const std::string& type, const std::string& id,
                                   const google::protobuf::Message& payload, int64_t sequence) {
  common::v1::EventEnvelope e;
  e.set_event_id(absl::StrCat("bench-", type, "-", sequence));
  e.set_aggregate_type(type);
  e.set_aggregate_id(id);
  e.set_aggregate_version(sequence);
  *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  e.set_actor("bench");
  e.set_request_id(e.event_id());
  e.mutable_payload()->PackFrom(payload);
  e.set_envelope_version(1);
  return e;
}

std::unique_ptr<kafka::KafkaEventLog> OpenLog(const std::string& bootstrap, const std::string& topic) {
  kafka::KafkaEventLogOptions k = testing_support::OwnerLogOptions(bootstrap, topic, "bench-writer");
  k.partitions = 6;
  auto log = kafka::KafkaEventLog::Open(k);
  if (!log.ok()) {
    std::cerr << "cannot open " << topic << ": " << log.status() << std::endl;
    std::exit(1);
  }
  return std::move(*log);
}

void WriteTopics(const std::string& bootstrap, const PersonalDataVault& vault, const Options& o) {
  auto registry = OpenLog(bootstrap, "zizhu.registry.events.bench");
  auto subsidy = OpenLog(bootstrap, "zizhu.subsidy.events.bench");
  std::vector<es::AppendRecord> batch;
  for (int n = 0; n < o.entitlements; ++n) {
    rv1::StudentRegistered student;
    student.set_student_id(Student(n));
    student.set_name("王小明");
    *student.mutable_bank_card()->mutable_sealed() = vault.Seal(absl::StrFormat("621700%013d", n), "bank_card").value();
    student.mutable_bank_card()->set_masked("6217*********");
    student.set_school_code(County(n, o) + "000001");
    batch.push_back(
        {student.student_id(), Envelope("registry.Student", student.student_id(), student, 1).SerializeAsString()});
    if (batch.size() == 5000) {
      if (!registry->AppendAtomically(batch).ok()) std::exit(1);
      batch.clear();
    }
  }
  if (!batch.empty() && !registry->AppendAtomically(batch).ok()) std::exit(1);
  batch.clear();
  // EntitlementsFixed, 500 a record, per county (one round per county here).
  int64_t sequence = 0;
  for (int c = 0; c < o.counties; ++c) {
    sv1::EntitlementsFixed fixed;
    const std::string round = absl::StrCat(County(c, o), "000001/", kSemester);
    fixed.set_round_id(round);
    auto flush = [&] {
      if (fixed.entitlements().empty()) return;
      batch.push_back({round, Envelope("subsidy.Round", round, fixed, ++sequence).SerializeAsString()});
      fixed.clear_entitlements();
      if (batch.size() >= 20) {
        if (!subsidy->AppendAtomically(batch).ok()) std::exit(1);
        batch.clear();
      }
    };
    for (int n = c; n < o.entitlements; n += o.counties) {
      sv1::Entitlement* e = fixed.add_entitlements();
      e->set_student_id(Student(n));
      e->set_round_id(round);
      e->set_semester(kSemester);
      e->set_school_code(County(c, o) + "000001");
      e->set_county_code(County(c, o));
      e->set_payer(sv1::PAYER_EDUCATION);
      e->mutable_facts()->set_name_masked("王*明");
      for (sv1::FundSource source : kSources) {
        sv1::ShareAmount* part = e->add_payable_shares();
        part->set_source(source);
        part->set_fen(25000 + n % 100);
      }
      if (fixed.entitlements_size() == 500) flush();
    }
    flush();
  }
  if (!batch.empty() && !subsidy->AppendAtomically(batch).ok()) std::exit(1);
}

template <typename Request, typename Response>
bool Call(dv1::DisbursementService::Stub& stub,
          grpc::Status (dv1::DisbursementService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
          const Request& request, Response* response, const char* what) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(300));
  grpc::Status status = (stub.*method)(&context, request, response);
  if (!status.ok()) std::cerr << what << ": " << status.error_message() << std::endl;
  return status.ok();
}

// Runs `call(i)` for i in [0, n) on `threads` threads; returns seconds.
double Parallel(int n, int threads, const std::function<bool(int)>& call, std::atomic<int>& failures) {
  std::atomic<int> next{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        if (!call(i)) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

int Run(const Options& o) {
  const int64_t payments = static_cast<int64_t>(o.entitlements) * 4;
  std::cout << "disbursement benchmark: " << o.entitlements << " entitlements x 4 fund sources = " << payments
            << " payments in " << o.counties * 4 << " accounts, " << o.threads << " client threads" << std::endl;
  const std::string dir = "/tmp/zizhu-disbursement-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  if (!PersonalDataVault::GenerateKeyFile(dir + "/key").ok()) return 1;
  auto vault = PersonalDataVault::FromKeyFile(dir + "/key").value();
  testing_support::KafkaBroker broker;
  absl::Time t = absl::Now();
  WriteTopics(broker.bootstrap(), *vault, o);
  std::cout << absl::StrFormat("setup  topics written:                %8.1f s", absl::ToDoubleSeconds(absl::Now() - t))
            << std::endl;
  testing_support::ServiceProcessOptions so{
      ZIZHU_DISBURSEMENT_BINARY,
      broker.bootstrap(),
      "zizhu.disbursement.events.bench",
      "disbursement-bench",
      dir + "/projection",
      6,
      {"--subsidy-topic", "zizhu.subsidy.events.bench", "--registry-topic", "zizhu.registry.events.bench", "--key-file",
       dir + "/key", "--city", "2101"},
      dir + "/disbursement.log"};
  testing_support::ServiceProcess service(so);
  t = absl::Now();
  if (!service.Start()) return 1;
  const auth::Caller admin{"bench-admin", auth::Role::kCityAdmin, "2101", "t-bench"};
  auto stub = dv1::DisbursementService::NewStub(testing_support::TestSecurity::Get().Channel(service.address(), admin));
  // Record: until every subscription has caught up.
  const int64_t expected_events = o.entitlements + (o.entitlements + 499) / 500;
  for (;;) {
    common::v1::ListSubscriptionsResponse subscriptions;
    grpc::ClientContext context;
    bool caught_up =
        service.admin().ListSubscriptions(&context, {}, &subscriptions).ok() && subscriptions.subscriptions_size() >= 2;
    int64_t applied = 0;
    for (const auto& s : subscriptions.subscriptions()) {
      caught_up &= s.lag_records() == 0;
      applied += s.applied_events();
    }
    // Every record of the two written topics applied (the identity topic is empty here).
    if (caught_up && applied >= expected_events) {
      for (const auto& s : subscriptions.subscriptions()) {
        std::cout << "  " << s.topic() << ": applied " << s.applied_events() << ", reactions " << s.reactions()
                  << ", refused " << s.reactions_refused() << (s.last_error().empty() ? "" : ", error ")
                  << s.last_error() << std::endl;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double record = absl::ToDoubleSeconds(absl::Now() - t);
  dv1::ListAccountsRequest list;
  list.set_semester(kSemester);
  dv1::ListAccountsResponse accounts;
  if (!Call(*stub, &dv1::DisbursementService::Stub::ListAccounts, list, &accounts, "accounts")) return 1;
  std::atomic<int> failures{0};
  const int n_accounts = accounts.accounts_size();
  if (n_accounts == 0) {
    std::cerr << "no accounts: the service recorded no payments (see " << dir << "/disbursement.log)" << std::endl;
    return 1;
  }
  const double allocate = Parallel(
      n_accounts, o.threads,
      [&](int i) {
        dv1::AllocateFundsRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-allocate-", i));
        *request.mutable_account() = accounts.accounts(i).key();
        request.set_fen(int64_t{100'000'000'000});  // 1,000,000,000 yuan: more than enough
        request.set_document_ref("bench");
        dv1::AllocateFundsResponse response;
        return Call(*stub, &dv1::DisbursementService::Stub::AllocateFunds, request, &response, "allocate");
      },
      failures);
  // Batches: each account's payments in batches of 2,000.
  const int per_account = static_cast<int>((payments + n_accounts - 1) / n_accounts);
  const int batches_per_account = (per_account + 1999) / 2000;
  const int n_batches = n_accounts * batches_per_account;
  std::vector<dv1::BatchRecord> built(n_batches);
  const double batch = Parallel(
      n_accounts, o.threads,
      [&](int a) {
        for (int b = 0; b < batches_per_account; ++b) {
          dv1::BuildBatchRequest request;
          request.mutable_meta()->set_request_id(absl::StrCat("bench-batch-", a, "-", b));
          *request.mutable_account() = accounts.accounts(a).key();
          request.set_batch_id(absl::StrCat("B", b));
          request.set_bank("农商银行");
          dv1::BuildBatchResponse response;
          if (!Call(*stub, &dv1::DisbursementService::Stub::BuildBatch, request, &response, "batch")) return false;
          built[a * batches_per_account + b] = response.batch();
        }
        return true;
      },
      failures);
  std::vector<int64_t> exported_lines(n_batches, 0);
  const double exported = Parallel(
      n_batches, o.threads,
      [&](int i) {
        const int a = i / batches_per_account;
        dv1::ExportBankFileRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-export-", i));
        *request.mutable_account() = accounts.accounts(a).key();
        request.set_batch_id(built[i].batch_id());
        dv1::ExportBankFileResponse response;
        if (!Call(*stub, &dv1::DisbursementService::Stub::ExportBankFile, request, &response, "export")) return false;
        exported_lines[i] = response.lines_size();
        return true;
      },
      failures);
  const double returned = Parallel(
      n_batches, o.threads,
      [&](int i) {
        const int a = i / batches_per_account;
        dv1::RecordBankReturnRequest request;
        request.mutable_meta()->set_request_id(absl::StrCat("bench-return-", i));
        *request.mutable_account() = accounts.accounts(a).key();
        request.set_batch_id(built[i].batch_id());
        int n = 0;
        for (const dv1::BatchLine& line : built[i].lines()) {
          dv1::ReturnLine* r = request.add_lines();
          r->set_reference(line.reference());
          r->set_fen(line.fen());
          const bool fail = ++n % 50 == 0;
          r->set_outcome(fail ? dv1::RETURN_OUTCOME_FAILED : dv1::RETURN_OUTCOME_PAID);
          if (fail) r->set_reason("账户已销户");
          request.set_control_fen(request.control_fen() + line.fen());
        }
        request.set_control_count(request.lines_size());
        dv1::RecordBankReturnResponse response;
        return Call(*stub, &dv1::DisbursementService::Stub::RecordBankReturn, request, &response, "return");
      },
      failures);
  t = absl::Now();
  dv1::ReconcileRequest reconcile;
  reconcile.set_semester(kSemester);
  dv1::ReconcileResponse reconciliation;
  if (!Call(*stub, &dv1::DisbursementService::Stub::Reconcile, reconcile, &reconciliation, "reconcile")) ++failures;
  const double reconciled = absl::ToDoubleSeconds(absl::Now() - t);
  int64_t paid = 0, in_batches = 0;
  bool balanced = true;
  for (const auto& a : reconciliation.accounts()) {
    balanced &= a.balanced();
    for (const auto& b : a.batches()) {
      paid += b.paid();
      in_batches += b.issued();
    }
  }
  auto line = [&](const char* phase, double seconds) {
    std::cout << absl::StrFormat("%-38s %8.1f s  (%.0f payments/s)", phase, seconds, payments / seconds) << std::endl;
  };
  line("record payments (reactions):", record);
  line("allocate (commit):", allocate);
  line("build batches:", batch);
  line("export bank files:", exported);
  line("record bank returns:", returned);
  line("reconcile:", reconciled);
  line("end to end (record through reconcile):", record + allocate + batch + exported + returned + reconciled);
  std::cout << "accounts " << reconciliation.accounts_size() << ", batched " << in_batches << ", paid " << paid
            << ", balanced " << (balanced ? "yes" : "NO") << ", failures " << failures.load() << std::endl;
  service.Stop();
  std::filesystem::remove_all(dir);
  return failures.load() == 0 && balanced ? 0 : 1;
}

}  // namespace
}  // namespace zizhu

int main(int argc, char** argv) {
  CLI::App app{"disbursement_bench: payments through the disbursement service on a real broker, timed per phase"};
  zizhu::Options o;
  app.add_option("--entitlements", o.entitlements, "entitlements (4 payments each)")->capture_default_str();
  app.add_option("--counties", o.counties, "counties (4 accounts each)")->capture_default_str();
  app.add_option("--threads", o.threads, "client threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return zizhu::Run(o);
}
