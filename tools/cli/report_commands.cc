// zizhu report monthly|quarterly|half-year, sign-off, lock: the report jobs
// (tools/report). They read the services' Kafka topics directly (read-only)
// as of a recorded point; the caller is the one of the saved token, verified
// with the identity service's public key, and reads only its scope.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/auth/authenticator.h"
#include "services/common/core/clock.h"
#include "services/common/core/status_macros.h"
#include "services/common/grpc/tls.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tools/cli/commands.h"
#include "tools/report/report_job.h"
#include "tools/report/report_writers.h"
#include "zizhu/identity/v1/identity_service.grpc.pb.h"

namespace zizhu::cli {
namespace {

namespace iv1 = identity::v1;

std::string DefaultIfExists(const char* path) { return std::ifstream(path).good() ? path : ""; }

class ReportCommands final : public CommandGroup {
 public:
  explicit ReportCommands(Cli& cli) : CommandGroup(cli) {}

  void Add(CLI::App& app) override {
    CLI::App* report = app.add_subcommand("report", "report jobs: monthly, quarterly, half-year; sign-off, lock");
    report->require_subcommand(1);
    public_key_ = DefaultIfExists(".run/keys/token.pub");
    kafka_config_ = DefaultIfExists(".run/keys/kafka/zizhu-report.properties");
    targets_ = DefaultIfExists("services/dropout/policy/targets.yaml");
    rules_ = DefaultIfExists("services/pairing/policy/rules.yaml");
    for (const char* kind : {"monthly", "quarterly", "half-year"}) {
      CLI::App* make = report->add_subcommand(kind, absl::StrCat("make the ", kind, " report (XLSX, CSV, JSON)"));
      Common(make, true);
      make->add_option("--out", out_, "directory for the files")->capture_default_str();
      make->add_flag("--english", english_, "English headings (Chinese by default)");
      make->callback([this, kind] { rc = Make(kind); });
    }
    CLI::App* sign = report->add_subcommand("sign-off", "a county's self-inspection (自查) of its period report");
    Common(sign, false);
    sign->add_option("--note", note_, "what the county checked");
    sign->callback([this] { rc = SignOff(false); });
    CLI::App* lock = report->add_subcommand("lock", "the city's re-inspection (复查): lock the period at the point");
    Common(lock, false);
    lock->add_option("--note", note_, "what the city checked");
    lock->callback([this] { rc = SignOff(true); });
  }

 private:
  void Common(CLI::App* cmd, bool kind_given) {
    cmd->add_option("--period", period_, "2026-11 (monthly), 2026-Q4 (quarterly), 2026-H2 (half-year)")->required();
    cmd->add_option("--scope", scope_, "city, county or school")->capture_default_str();
    cmd->add_option("--city", city_, "city code of a city report (default: the caller's city)");
    cmd->add_option("--county", county_, "county code (--scope county)");
    cmd->add_option("--school", school_, "school code (--scope school)");
    cmd->add_option("--point", point_,
                    kind_given ? "read to this recorded point (default: the lock's, else the topics' end)"
                               : "the point printed on the report that was checked")
        ->required(!kind_given);
    cmd->add_option("--kafka", kafka_, "Kafka bootstrap servers")->envname("ZIZHU_KAFKA")->capture_default_str();
    cmd->add_option("--kafka-config", kafka_config_,
                    "the report jobs' own Kafka principal (zizhu-report: reads the services' topics, writes only "
                    "sign-offs and locks), a 0600 file made by deploy/kafka/broker.sh")
        ->envname("ZIZHU_KAFKA_CONFIG")
        ->capture_default_str();
    cmd->add_option("--token-public-key", public_key_, "the identity service's token public key (PEM)")
        ->envname("ZIZHU_TOKEN_PUBLIC_KEY")
        ->capture_default_str();
    cmd->add_option("--targets", targets_, "dropout and enrolment targets (policy file)")->capture_default_str();
    cmd->add_option("--pairing-rules", rules_, "pairing rules (policy file)")->capture_default_str();
    cmd->add_option("--testing-clock-offset-hours", clock_offset_hours_,
                    "tests only: today is this many hours ahead (as the services' clocks)")
        ->group("");
  }

  // The options shared by every subcommand; false after printing the error.
  bool Prepare(const std::string& kind, report::ReportOptions& o, auth::Caller& caller) {
    absl::StatusOr<report::Period> period = kind.empty() ? report::ParseAnyPeriod(period_)
                                            : report::ParseKind(kind).status().ok()
                                                ? report::ParsePeriod(*report::ParseKind(kind), period_)
                                                : absl::StatusOr<report::Period>(report::ParseKind(kind).status());
    if (!period.ok()) return (rc = FailStatus(period.status())), false;
    const absl::CivilDay today =
        absl::ToCivilDay(absl::Now() + absl::Hours(clock_offset_hours_), absl::FixedTimeZone(8 * 3600));
    if (absl::Status begun = report::CheckPeriodHasBegun(*period, today); !begun.ok()) {
      return (rc = FailStatus(begun)), false;
    }
    o.period = *period;
    const std::string code = scope_ == "county" ? county_ : scope_ == "school" ? school_ : city_;
    absl::StatusOr<report::ReportScope> scope = report::ParseScope(scope_, code);
    if (!scope.ok()) return (rc = FailStatus(scope.status())), false;
    o.scope = *scope;
    o.language = english_ ? report::Language::kEnglish : report::Language::kChinese;
    o.point = point_;
    if (absl::Status policy = report::LoadPolicyFiles(targets_, rules_, o); !policy.ok()) {
      return (rc = FailStatus(policy)), false;
    }
    // The caller: the saved token, verified here as a service would.
    static SystemClock clock;
    absl::StatusOr<std::unique_ptr<auth::Authenticator>> authenticator =
        auth::Authenticator::FromPublicKeyFile(public_key_, &clock);
    if (!authenticator.ok()) return (rc = FailStatus(authenticator.status())), false;
    const std::string token = grpc_kit::ReadTokenFile(g.token_file);
    if (token.empty()) return (rc = Fail(absl::StrCat("no token in ", g.token_file, ": zizhu login first"))), false;
    absl::StatusOr<auth::Caller> verified = (*authenticator)->Authenticate(absl::StrCat("Bearer ", token));
    if (!verified.ok()) return (rc = FailStatus(verified.status())), false;
    caller = *verified;
    // The signature proves who signed the token, not that it still stands:
    // the identity service knows at once when the account was locked or its
    // role, scope or password changed (probe finding 6: a locked account
    // kept making reports with its old token).
    if (absl::Status live = StillValid(); !live.ok()) return (rc = FailStatus(live)), false;
    if (o.scope.kind == report::ReportScope::Kind::kCity && o.scope.code.empty() &&
        (caller.role == auth::Role::kCityAdmin || caller.role == auth::Role::kAuditor) && caller.scope.size() == 4) {
      o.scope.code = caller.scope;
    }
    const bool tty = isatty(fileno(stderr));
    o.progress = [tty](const std::string& topic, int64_t n) {
      if (tty) {
        std::cerr << "\rreading " << topic << ": " << n << " records" << std::flush;
      } else if (n % 100000 < 5000) {
        std::cerr << "reading " << topic << ": " << n << " records" << std::endl;
      }
    };
    return true;
  }

  absl::Status StillValid() const {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Dial(g, g.identity, true);
    if (!channel.ok()) return channel.status();
    iv1::WhoAmIResponse who;
    grpc::Status status = iv1::IdentityService::NewStub(*channel)->WhoAmI(Context(g).get(), {}, &who);
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      return absl::UnauthenticatedError(absl::StrCat(
          "保存的登录已失效，请重新 zizhu login (the saved token is no longer valid: ", status.error_message(), ")"));
    }
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("无法向身份服务 ", g.identity,
                                                 " 核实登录 (cannot ask the identity service at ", g.identity,
                                                 " whether the token still stands: ", status.error_message(), ")"));
    }
    return absl::OkStatus();
  }

  report::ReportJob Job() const {
    const std::string kafka = kafka_;
    const std::string config = kafka_config_;
    return report::ReportJob(
        [kafka, config](const std::string& topic, bool write) -> absl::StatusOr<std::shared_ptr<es::EventLog>> {
          if (config.empty()) {
            return absl::InvalidArgumentError(
                "--kafka-config is required: the broker accepts only authenticated principals (the report jobs': "
                "$ZIZHU_SECRETS/kafka/zizhu-report.properties)");
          }
          kafka::KafkaEventLogOptions options;
          options.bootstrap_servers = kafka;
          ASSIGN_OR_RETURN(options.client_settings, kafka::LoadClientSettings(config));
          options.topic = topic;
          options.read_only = !write;
          if (write) options.transactional_id = "zizhu-report-signoff";
          // Its own topic (sign-offs, locks) may not exist before the first
          // sign-off; the report jobs own it, so they make it when reading too.
          if (!write && topic == report::kSignOffTopic) {
            RETURN_IF_ERROR(kafka::EnsureTopic(options, options.request_timeout_ms));
          }
          absl::StatusOr<std::unique_ptr<kafka::KafkaEventLog>> log = kafka::KafkaEventLog::Open(options);
          if (!log.ok()) return log.status();
          return std::shared_ptr<es::EventLog>(std::move(*log));
        });
  }

  int Make(const std::string& kind) {
    report::ReportOptions o;
    auth::Caller caller;
    if (!Prepare(kind, o, caller)) return rc;
    if (absl::Status allowed = report::ReportJob::CheckReader(caller, o.scope); !allowed.ok()) {
      return FailStatus(allowed);
    }
    o.reader = caller;  // checked again against the registry's schools once read
    report::ReportJob job = Job();
    absl::StatusOr<report::MadeReport> made = job.Make(o);
    std::cerr << std::endl;
    if (!made.ok()) return FailStatus(made.status());
    const std::string stem = absl::StrCat(out_, "/", made->report.file_stem);
    for (absl::Status written : {report::WriteCsvs(made->report, stem),
                                 report::WriteFileAtomically(stem + ".json", report::JsonOf(made->report)),
                                 report::WriteXlsx(made->report, stem + ".xlsx",
                                                   absl::FromCivil(o.period.last_day() + 1, absl::UTCTimeZone()))}) {
      if (!written.ok()) return FailStatus(written);
    }
    std::cout << "report " << made->report.file_stem << (made->locked ? " (locked period)" : "") << "\n"
              << "  point:   " << made->point_text << "\n"
              << "  figures: sha256 " << made->figures_sha256 << "\n"
              << "  files:   " << stem << ".xlsx, " << stem << ".json, " << stem << "/*.csv\n";
    if (made->revisions > 0) {
      std::cout << "  revisions of " << o.period.Previous().id() << " (locked): " << made->revisions << "\n";
    }
    return 0;
  }

  int SignOff(bool lock) {
    report::ReportOptions o;
    auth::Caller caller;
    if (lock && scope_ == "county") scope_ = "city";
    if (!Prepare("", o, caller)) return rc;
    report::ReportJob job = Job();
    absl::StatusOr<std::string> point =
        lock ? job.Lock(caller, o, note_, absl::Now()) : job.SignOff(caller, o, note_, absl::Now());
    std::cerr << std::endl;
    if (!point.ok()) return FailStatus(point.status());
    std::cout << (lock ? "locked " : "signed off ") << o.period.id()
              << (lock ? "" : absl::StrCat(" for county ", o.scope.code)) << " at point " << *point << "\n";
    return 0;
  }

  std::string period_, scope_ = "city", city_, county_, school_, point_, note_;
  std::string kafka_ = "127.0.0.1:9092", kafka_config_, public_key_, targets_, rules_, out_ = ".";
  bool english_ = false;
  int64_t clock_offset_hours_ = 0;
};

}  // namespace

std::unique_ptr<CommandGroup> MakeReportCommands(Cli& cli) { return std::make_unique<ReportCommands>(cli); }

}  // namespace zizhu::cli
