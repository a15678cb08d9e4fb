#include "tools/report/report_job.h"

#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "services/common/auth/access.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/core/text_file.h"
#include "services/common/es/event_dispatcher.h"
#include "services/dropout/domain/rates.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/subsidy/domain/semester.h"
#include "tools/report/report_actions.h"
#include "tools/report/report_facts.h"
#include "tools/report/report_revisions.h"
#include "tools/report/report_sections.h"
#include "tools/report/report_signoff.h"
#include "tools/report/report_writers.h"

namespace zizhu::report {
namespace {

using Envelope = common::v1::EventEnvelope;

std::string DayText(absl::CivilDay d) { return subsidy::FormatDate(subsidy::ToDate(d)); }

std::string KindLabel(ReportKind kind, Language l) {
  switch (kind) {
    case ReportKind::kMonthly:
      return Say(l, "月调度", "monthly dispatch");
    case ReportKind::kQuarterly:
      return Say(l, "季汇总", "quarterly summary");
    case ReportKind::kHalfYear:
      return Say(l, "半年通报", "half-year bulletin");
  }
  return "?";
}

std::string ScopeLabel(const ReportFacts& facts, const ReportScope& scope, Language l) {
  switch (scope.kind) {
    case ReportScope::Kind::kCity:
      return scope.code.empty() ? Say(l, "全市", "the city") : absl::StrCat(Say(l, "全市 ", "city "), scope.code);
    case ReportScope::Kind::kCounty:
      return CountyLabel(facts, scope.code);
    case ReportScope::Kind::kSchool:
      return SchoolLabel(facts, scope.code);
  }
  return "?";
}

// The sign-off state of every period, folded from the sign-off topic.
absl::Status FoldSignOffs(const std::vector<Envelope>& events, std::map<std::string, v1::PeriodSignOff>& out) {
  using States = std::map<std::string, v1::PeriodSignOff>;
  es::EventDispatcher<States&> on;
  auto day = [](const Envelope& e) {
    return DayText(CivilDayInChina(absl::FromUnixSeconds(e.occurred_at().seconds())));
  };
  on.On<v1::CountySignedOff>([&day](const v1::CountySignedOff& event, const Envelope& e, States& states) {
    EvolveSignOff(states[e.aggregate_id()], event, e.actor(), day(e), e.aggregate_version());
    return absl::OkStatus();
  });
  on.On<v1::PeriodLocked>([&day](const v1::PeriodLocked& event, const Envelope& e, States& states) {
    EvolveSignOff(states[e.aggregate_id()], event, e.actor(), day(e), e.aggregate_version());
    return absl::OkStatus();
  });
  for (const Envelope& e : events) RETURN_IF_ERROR(on.Dispatch(e, out));
  return absl::OkStatus();
}

}  // namespace

struct ReportJob::Read {
  std::map<std::string, v1::PeriodSignOff> signoffs;
  std::vector<std::pair<std::string, PointRead>> topics;  // (service, events)
  ReportPoint point;
  std::string point_text;
  int64_t records = 0;
};

const std::vector<std::string>& ReportedServices() {
  static const std::vector<std::string> kServices = {"registry", "subsidy", "disbursement", "dropout", "pairing"};
  return kServices;
}

std::string TopicOf(const std::string& service) { return absl::StrCat("zizhu.", service, ".events.v1"); }

absl::Status LoadPolicyFiles(const std::string& targets_file, const std::string& rules_file, ReportOptions& options) {
  ASSIGN_OR_RETURN(std::string targets, ReadTextFile(targets_file, "targets file (--targets)"));
  ASSIGN_OR_RETURN(options.targets, dropout::ParseTargetsFile(targets_file, targets));
  ASSIGN_OR_RETURN(std::string rules, ReadTextFile(rules_file, "pairing rules (--pairing-rules)"));
  ASSIGN_OR_RETURN(options.rules, pairing::ParseRulesFile(rules_file, rules));
  return absl::OkStatus();
}

namespace {

// A school's roles read their school's report only (not the county's nor the
// city's); the refusal says which command does.
absl::Status SchoolReadsItsOwn(const auth::Caller& caller, const std::string& asked) {
  const std::string own = absl::StrCat("--scope school --school ", caller.scope);
  return Refusal(absl::StatusCode::kPermissionDenied, "REPORT_SCHOOL_READS_OWN",
                 {{"role", auth::RoleEnumName(caller.role)}, {"scope", caller.scope}, {"own", own}},
                 absl::StrCat("the role ", auth::RoleName(caller.role), " of school ", caller.scope,
                              " reads its own school's report, not a ", asked, " report: ", own));
}

}  // namespace

absl::Status ReportJob::CheckReader(const auth::Caller& caller, const ReportScope& scope,
                                    const std::string& school_county) {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  switch (scope.kind) {
    case ReportScope::Kind::kCity: {
      // The city's own offices only: an auditor of a county (a 6-digit
      // scope) reads its county's report, never the city's (probe finding 7).
      const bool city_role =
          caller.role == auth::Role::kService ||
          ((caller.role == auth::Role::kCityAdmin || caller.role == auth::Role::kAuditor) && caller.scope.size() == 4);
      const bool covers = caller.role == auth::Role::kService || scope.code.empty() || scope.code == caller.scope;
      if (!city_role || !covers) {
        // Say which report the caller does read (a school's roles read their
        // school's, never their county's).
        if (auth::IsSchoolRole(caller)) return SchoolReadsItsOwn(caller, "city");
        const std::string own = caller.scope.size() == 6 ? absl::StrCat("--scope county --county ", caller.scope) : "";
        return Refusal(
            absl::StatusCode::kPermissionDenied,
            own.empty() ? "CITY_REPORT_OTHER_CITY" : "CITY_REPORT_COUNTY_READS_OWN",
            {{"role", auth::RoleEnumName(caller.role)}, {"scope", caller.scope}, {"own", own}},
            absl::StrCat("a city report is for the city's offices; the role ", auth::RoleName(caller.role), " of ",
                         caller.scope,
                         own.empty() ? " reads the report of its own city" : absl::StrCat(" reads its own: ", own)));
      }
      return absl::OkStatus();
    }
    case ReportScope::Kind::kCounty:
      if (auth::IsSchoolRole(caller)) return SchoolReadsItsOwn(caller, "county");
      if (!auth::CoversCounty(caller, scope.code)) return auth::OutOfScope("county", scope.code);
      return absl::OkStatus();
    case ReportScope::Kind::kSchool: {
      if (school_county.empty()) {  // only the school's own roles can be told apart before reading
        if (auth::IsSchoolRole(caller) && caller.scope != scope.code) return auth::OutOfScope("school", scope.code);
        return absl::OkStatus();
      }
      if (!auth::CoversSchool(caller, school_county, scope.code)) return auth::OutOfScope("school", scope.code);
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ReportJob::Read>> ReportJob::ReadTopics(const ReportOptions& options,
                                                                       const std::string& explicit_point) {
  auto read = std::make_unique<Read>();
  ASSIGN_OR_RETURN(std::shared_ptr<es::EventLog> signoff_log, open_log_(kSignOffTopic, false));
  ASSIGN_OR_RETURN(PointRead signoffs, ReadToPoint(*signoff_log, nullptr));
  RETURN_IF_ERROR(FoldSignOffs(signoffs.events, read->signoffs));

  std::string point_text = explicit_point;
  auto state = read->signoffs.find(options.period.id());
  if (state != read->signoffs.end() && state->second.has_lock()) {
    const std::string& locked = state->second.lock().point();
    if (!point_text.empty() && point_text != locked) {
      return absl::FailedPreconditionError(absl::StrCat("period ", options.period.id(), " is locked at point '", locked,
                                                        "'; its figures are made only there (--point left out)"));
    }
    point_text = locked;
  }
  std::map<std::string, es::OffsetMap> wanted;
  if (!point_text.empty()) {
    ASSIGN_OR_RETURN(ReportPoint point, ParsePoint(point_text));
    for (TopicPoint& t : point) wanted[t.topic] = t.next;
    for (const std::string& service : ReportedServices()) {
      if (!wanted.count(TopicOf(service))) {
        return absl::InvalidArgumentError(absl::StrCat("point: names no offsets of ", TopicOf(service)));
      }
    }
  }
  // The topics are read at once, a thread each: most of a small topic's time
  // is the consumer's start and the wait for every partition's end.
  const std::vector<std::string>& services = ReportedServices();
  std::vector<absl::StatusOr<PointRead>> results(services.size(), absl::UnknownError("not read"));
  absl::Mutex progress_mu;
  {
    std::vector<std::thread> readers;
    for (size_t i = 0; i < services.size(); ++i) {
      readers.emplace_back([&, i] {
        const std::string topic = TopicOf(services[i]);
        absl::StatusOr<std::shared_ptr<es::EventLog>> log = open_log_(topic, false);
        if (!log.ok()) {
          results[i] = log.status();
          return;
        }
        auto progress = [&](int64_t n) {
          absl::MutexLock lock(&progress_mu);
          if (options.progress) options.progress(topic, n);
        };
        auto limit = wanted.find(topic);
        results[i] = ReadToPoint(**log, limit == wanted.end() ? nullptr : &limit->second, progress);
      });
    }
    for (std::thread& t : readers) t.join();
  }
  for (size_t i = 0; i < services.size(); ++i) {
    if (!results[i].ok()) return results[i].status();
    PointRead& events = *results[i];
    read->records += static_cast<int64_t>(events.events.size());
    read->point.push_back(TopicPoint{TopicOf(services[i]), events.reached});
    read->topics.emplace_back(services[i], std::move(events));
  }
  read->point_text = FormatPoint(read->point);
  return read;
}

namespace {

// Folds the events of `read` below `point` (all when null) for `period`;
// the topics at once, a thread each (each touches its own facts).
absl::StatusOr<std::unique_ptr<ReportFacts>> FoldFacts(const std::vector<std::pair<std::string, PointRead>>& topics,
                                                       const Period& period, const ReportPoint* point) {
  auto facts = std::make_unique<ReportFacts>();
  std::vector<absl::Status> results(topics.size());
  std::vector<std::unique_ptr<FactsFolder>> folders(topics.size());
  {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < topics.size(); ++t) {
      folders[t] = std::make_unique<FactsFolder>(period.last_day());
      threads.emplace_back([&, t] {
        const auto& [service, read] = topics[t];
        const es::OffsetMap* limit = nullptr;
        if (point != nullptr) {
          for (const TopicPoint& p : *point) {
            if (p.topic == TopicOf(service)) limit = &p.next;
          }
        }
        for (size_t i = 0; i < read.events.size(); ++i) {
          if (limit != nullptr) {
            auto next = limit->find(read.positions[i].partition);
            if (next == limit->end() || read.positions[i].offset.value() >= next->second.value()) continue;
          }
          results[t] = folders[t]->Fold(service, read.events[i], *facts);
          if (!results[t].ok()) return;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (size_t t = 0; t < topics.size(); ++t) {
    RETURN_IF_ERROR(results[t]);
    facts->events_folded += folders[t]->folded();
    facts->events_after_period += folders[t]->after_period();
  }
  return facts;
}

Table AboutTable(const ReportFacts& facts, const ReportOptions& o, const std::string& point_text, int64_t records,
                 const v1::PeriodSignOff* signoff) {
  const Language l = o.language;
  Table t;
  t.name = "about";
  t.title = absl::StrCat(Say(l, "学生资助", "Student aid "), KindLabel(o.period.kind, l), " ", o.period.id());
  t.columns = {{"item", Say(l, "项目", "item"), CellKind::kText}, {"value", Say(l, "内容", "value"), CellKind::kText}};
  auto add = [&](const std::string& zh, const std::string& en, const std::string& value) {
    t.rows.push_back({Cell::Text(Say(l, zh, en)), Cell::Text(value)});
  };
  add("报告", "report",
      l == Language::kChinese ? KindLabel(o.period.kind, l)
                              : absl::StrCat(KindLabel(o.period.kind, l), " (", KindName(o.period.kind), ")"));
  add("期间", "period",
      absl::StrCat(o.period.id(), Say(l, "（", " ("), DayText(o.period.first_day()), Say(l, " 至 ", " to "),
                   DayText(o.period.last_day()), Say(l, "）", ")")));
  add("范围", "scope", ScopeLabel(facts, o.scope, l));
  add("资助学期", "aid semester", o.period.semester());
  add("读取点（各主题分区的下一偏移量）", "point read (next offset per topic partition)", point_text);
  add("读取记录", "records read", absl::StrCat(records));
  add("计入本期的记录", "records counted for the period", absl::StrCat(facts.events_folded));
  add("期末之后的记录（计入下期）", "records after the period's end (next period)",
      absl::StrCat(facts.events_after_period));
  add("签核状态", "sign-off",
      signoff == nullptr ? Say(l, "未签核", "not signed off") : DescribeSignOff(*signoff, l == Language::kChinese));
  add("辍学与入学目标", "dropout and enrolment targets", o.targets.version());
  add("结对帮扶规则", "pairing rules", o.rules.version());
  add("脱贫过渡期（年）", "exit transition window (years)", absl::StrCat(facts.exit_transition_years));
  add("口径", "definitions",
      Say(l,
          "资助、资金和学籍按事件发生时间计入期末前；控辍和结对按立案、销号、活动日期计入；同一读取点总是得出同样的数"
          "字",
          "aid, funds and enrolment as of the period's last day (by when events occurred); dropout cases and pairing "
          "activities by their own dates; the same point always gives the same figures"));
  return t;
}

std::string FileStem(const ReportOptions& o) {
  return absl::StrCat(KindName(o.period.kind), "-", o.period.id(), "-", o.scope.id(),
                      o.language == Language::kEnglish ? "-en" : "");
}

// The SHA-256 of the figures of the report `o` asks for, from facts already
// folded (what a sign-off fingerprints: the sections, as FiguresSha256 of
// the whole report, which leaves out the about and revisions tables).
absl::StatusOr<std::string> FiguresOf(const ReportFacts& facts, const ReportOptions& o) {
  ASSIGN_OR_RETURN(std::vector<Table> sections,
                   BuildSections(facts, SectionInput{o.period, o.scope, o.language, o.targets, o.rules}));
  Report report;
  report.file_stem = FileStem(o);
  report.language = o.language;
  report.tables = std::move(sections);
  return FiguresSha256(report);
}

}  // namespace

absl::StatusOr<MadeReport> ReportJob::MakeFrom(const Read& read, const ReportOptions& options) {
  MadeReport made;
  absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(std::unique_ptr<ReportFacts> facts, FoldFacts(read.topics, options.period, nullptr));
  made.fold_time = absl::Now() - start;
  if (options.reader) {
    const std::string county =
        options.scope.kind == ReportScope::Kind::kSchool ? facts->CountyOf(options.scope.code) : "";
    if (options.scope.kind == ReportScope::Kind::kSchool && county.empty()) {
      return absl::NotFoundError(absl::StrCat("school '", options.scope.code, "' not found"));
    }
    RETURN_IF_ERROR(CheckReader(*options.reader, options.scope, county));
  }
  start = absl::Now();
  SectionInput in{options.period, options.scope, options.language, options.targets, options.rules};
  ASSIGN_OR_RETURN(std::vector<Table> sections, BuildSections(*facts, in));
  made.sections_time = absl::Now() - start;
  auto signoff = read.signoffs.find(options.period.id());
  made.point = read.point;
  made.point_text = read.point_text;
  made.locked = signoff != read.signoffs.end() && signoff->second.has_lock();
  made.report.file_stem = FileStem(options);
  made.report.language = options.language;
  made.report.tables.push_back(AboutTable(*facts, options, read.point_text, read.records,
                                          signoff == read.signoffs.end() ? nullptr : &signoff->second));
  for (Table& t : sections) made.report.tables.push_back(std::move(t));
  // Revisions: the previous period, when locked, as it stands now against
  // its locked figures.
  const Period previous = options.period.Previous();
  auto locked = read.signoffs.find(previous.id());
  if (locked != read.signoffs.end() && locked->second.has_lock()) {
    ASSIGN_OR_RETURN(ReportPoint lock_point, ParsePoint(locked->second.lock().point()));
    ASSIGN_OR_RETURN(std::unique_ptr<ReportFacts> then, FoldFacts(read.topics, previous, &lock_point));
    ASSIGN_OR_RETURN(std::unique_ptr<ReportFacts> now, FoldFacts(read.topics, previous, nullptr));
    SectionInput prev{previous, options.scope, options.language, options.targets, options.rules};
    ASSIGN_OR_RETURN(std::vector<Table> before, BuildSections(*then, prev));
    ASSIGN_OR_RETURN(std::vector<Table> after, BuildSections(*now, prev));
    Table revisions = RevisionsTable(previous.id(), locked->second.lock(), before, after, options.language);
    made.revisions = static_cast<int64_t>(revisions.rows.size());
    made.report.tables.push_back(std::move(revisions));
  }
  made.figures_sha256 = FiguresSha256(made.report);
  return made;
}

absl::StatusOr<MadeReport> ReportJob::Make(const ReportOptions& options) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(std::unique_ptr<Read> read, ReadTopics(options, options.point));
  const absl::Duration read_time = absl::Now() - start;
  ASSIGN_OR_RETURN(MadeReport made, MakeFrom(*read, options));
  made.read_time = read_time;
  return made;
}

absl::Status ReportJob::Append(const auth::Caller& caller, const std::string& period, int64_t version,
                               const google::protobuf::Message& event, absl::Time now) {
  Envelope e;
  e.set_event_id(NewRandomHexId());
  e.set_aggregate_type("report.Period");
  e.set_aggregate_id(period);
  e.set_aggregate_version(version);
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now));
  e.set_actor(caller.actor());
  e.set_org_scope(caller.org_scope());
  e.set_request_id(e.event_id());
  e.set_events_in_command(1);
  e.set_envelope_version(1);
  e.mutable_payload()->PackFrom(event);
  ASSIGN_OR_RETURN(std::shared_ptr<es::EventLog> log, open_log_(kSignOffTopic, true));
  return log->AppendAtomically({es::AppendRecord{period, SerializeDeterministic(e)}}).status();
}

absl::StatusOr<std::string> ReportJob::SignOff(const auth::Caller& caller, const ReportOptions& options,
                                               const std::string& note, absl::Time now) {
  RETURN_IF_ERROR(auth::Require(caller, kSignOffReport));
  if (options.scope.kind != ReportScope::Kind::kCounty) {
    return absl::InvalidArgumentError("a self-inspection is a county's: --scope county --county <code>");
  }
  if (!auth::CoversCounty(caller, options.scope.code)) return auth::OutOfScope("county", options.scope.code);
  if (options.point.empty()) {
    return absl::InvalidArgumentError("--point: give the point printed on the report the county checked");
  }
  ReportOptions fingerprinted = options;
  fingerprinted.language = Language::kChinese;
  ASSIGN_OR_RETURN(std::unique_ptr<Read> read, ReadTopics(fingerprinted, options.point));
  ASSIGN_OR_RETURN(std::unique_ptr<ReportFacts> facts, FoldFacts(read->topics, options.period, nullptr));
  ASSIGN_OR_RETURN(std::string figures, FiguresOf(*facts, fingerprinted));
  const v1::PeriodSignOff state = read->signoffs[options.period.id()];
  ASSIGN_OR_RETURN(v1::CountySignedOff event, DecideCountySignOff(state, options.period.id(), options.scope.code,
                                                                  read->point_text, figures, note));
  RETURN_IF_ERROR(Append(caller, options.period.id(), state.version() + 1, event, now));
  return read->point_text;
}

absl::StatusOr<std::string> ReportJob::Lock(const auth::Caller& caller, const ReportOptions& options,
                                            const std::string& note, absl::Time now) {
  RETURN_IF_ERROR(auth::Require(caller, kLockReport));
  if (caller.role != auth::Role::kCityAdmin) {
    return absl::PermissionDeniedError("the city's re-inspection is a city administrator's");
  }
  if (options.point.empty()) return absl::InvalidArgumentError("--point: give the point of the re-inspected report");
  ReportOptions city = options;
  city.language = Language::kChinese;
  city.scope = ReportScope{ReportScope::Kind::kCity, caller.scope};
  ASSIGN_OR_RETURN(std::unique_ptr<Read> read, ReadTopics(city, options.point));
  // One fold for the city's figures and every county's.
  ASSIGN_OR_RETURN(std::unique_ptr<ReportFacts> facts, FoldFacts(read->topics, options.period, nullptr));
  ASSIGN_OR_RETURN(std::string city_figures, FiguresOf(*facts, city));
  std::set<std::string> counties;
  for (const auto& [code, school] : facts->schools) {
    if (city.scope.CoversCounty(school.county_code)) counties.insert(school.county_code);
  }
  std::map<std::string, std::string> county_figures;
  for (const std::string& county : counties) {
    ReportOptions one = city;
    one.scope = ReportScope{ReportScope::Kind::kCounty, county};
    ASSIGN_OR_RETURN(county_figures[county], FiguresOf(*facts, one));
  }
  const v1::PeriodSignOff state = read->signoffs[options.period.id()];
  ASSIGN_OR_RETURN(v1::PeriodLocked event,
                   DecideLock(state, options.period.id(), read->point_text, city_figures, county_figures, note));
  RETURN_IF_ERROR(Append(caller, options.period.id(), state.version() + 1, event, now));
  return read->point_text;
}

}  // namespace zizhu::report
