// The report job over generated history (in memory): every figure checked
// against a count made here from the raw events, the same point giving the
// same bytes, the XLSX read back by a real spreadsheet reader (xlsx2csv) with
// its charts, and the sign-off: self-inspection, lock, revisions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/common/core/basis_points.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/es/record_codec.h"
#include "tools/report/report_gen.h"
#include "tools/report/report_job.h"
#include "tools/report/report_writers.h"
#include "zizhu/disbursement/v1/events.pb.h"
#include "zizhu/dropout/v1/events.pb.h"
#include "zizhu/pairing/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu::report {
namespace {

using ::testing::HasSubstr;
namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;
namespace dv1 = disbursement::v1;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& service : ReportedServices()) {
      logs_[TopicOf(service)] = std::make_shared<es::MemoryEventLog>(TopicOf(service), 3);
    }
    logs_[kSignOffTopic] = std::make_shared<es::MemoryEventLog>(kSignOffTopic, 1);
    std::map<std::string, es::EventLog*> by_service;
    for (const std::string& service : ReportedServices()) by_service[service] = logs_[TopicOf(service)].get();
    gen::Shape shape;
    shape.records_per_append = 7;  // many small transactions
    ASSERT_TRUE(gen::Generate(shape, by_service).ok());
    options_.period = *ParsePeriod(ReportKind::kQuarterly, "2026-Q4");
    options_.scope = ReportScope{ReportScope::Kind::kCity, "2101"};
    ASSERT_TRUE(LoadPolicyFiles(ZIZHU_TARGETS_FILE, ZIZHU_RULES_FILE, options_).ok());  // the shipped policy
  }

  ReportJob Job() {
    return ReportJob([this](const std::string& topic, bool) -> absl::StatusOr<std::shared_ptr<es::EventLog>> {
      return logs_.at(topic);
    });
  }

  // Every envelope of a service's topic, decoded.
  std::vector<common::v1::EventEnvelope> Raw(const std::string& service) {
    std::vector<common::v1::EventEnvelope> out;
    auto reader = *logs_.at(TopicOf(service))->NewReader();
    EXPECT_TRUE(reader->Seek({}).ok());
    for (;;) {
      es::ReadResult r = *reader->Read(100000, absl::Milliseconds(10));
      for (const es::LoggedRecord& record : r.records) {
        EXPECT_TRUE(es::DecodeRecord(TopicOf(service), record, out).ok());
      }
      if (r.at_end) break;
    }
    return out;
  }

  static bool InQ4(const rv1::Date& d) { return d.year() == 2026 && d.month() >= 10; }
  static bool ByEndOfQ4(const google::protobuf::Timestamp& at) {
    return CivilDayInChina(absl::FromUnixSeconds(at.seconds())) <= absl::CivilDay(2026, 12, 31);
  }

  std::map<std::string, std::shared_ptr<es::MemoryEventLog>> logs_;
  ReportOptions options_;
};

const Table& TableOf(const Report& report, const std::string& name) {
  for (const Table& t : report.tables) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no table " << name;
  static Table none;
  return none;
}

// The number in column `key` of the row whose first cell starts with `label`.
int64_t Figure(const Table& t, const std::string& label, const std::string& key) {
  for (const auto& row : t.rows) {
    if (row[0].text.rfind(label, 0) != 0) continue;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (t.columns[c].key == key) return row[c].number;
    }
  }
  ADD_FAILURE() << t.name << ": no row " << label << " with " << key;
  return -1;
}

TEST_F(ReportTest, EveryFigureMatchesACountOfTheRawEvents) {
  absl::StatusOr<MadeReport> made = Job().Make(options_);
  ASSERT_TRUE(made.ok()) << made.status();
  const Report& r = made->report;

  // Counted here from the raw events.
  int64_t aided = 0, aided_poor = 0, approved_fen = 0, refused = 0;
  std::set<std::string> with_entitlement, stopped;
  for (const auto& e : Raw("subsidy")) {
    sv1::EntitlementsFixed fixed;
    if (e.payload().UnpackTo(&fixed) && e.payload().Is<sv1::EntitlementsFixed>() && ByEndOfQ4(e.occurred_at())) {
      for (const auto& x : fixed.entitlements()) {
        ++aided;
        aided_poor += x.facts().registered_poor() ? 1 : 0;
        approved_fen += x.payable_fen();
        with_entitlement.insert(x.student_id());
      }
    }
    sv1::EntitlementAdjusted adjusted;
    if (e.payload().Is<sv1::EntitlementAdjusted>() && e.payload().UnpackTo(&adjusted) && ByEndOfQ4(e.occurred_at())) {
      approved_fen += adjusted.adjustment().payable_after_fen() - adjusted.adjustment().payable_before_fen();
      if (adjusted.adjustment().kind() == sv1::ADJUSTMENT_KIND_STOPPED) stopped.insert(adjusted.student_id());
    }
    sv1::ApplicationsReviewed reviewed;
    if (e.payload().Is<sv1::ApplicationsReviewed>() && e.payload().UnpackTo(&reviewed)) {
      for (const auto& x : reviewed.reviews()) refused += x.decision() == sv1::REVIEW_DECISION_REJECTED ? 1 : 0;
    }
  }
  int64_t allocated = 0, paid = 0, failed = 0;
  for (const auto& e : Raw("disbursement")) {
    dv1::FundsAllocated a;
    if (e.payload().Is<dv1::FundsAllocated>() && e.payload().UnpackTo(&a)) allocated += a.fen();
    dv1::BankReturnRecorded b;
    if (e.payload().Is<dv1::BankReturnRecorded>() && e.payload().UnpackTo(&b)) {
      for (const auto& line : b.lines()) (line.outcome() == dv1::RETURN_OUTCOME_PAID ? paid : failed) += line.fen();
    }
  }
  std::map<std::string, std::string> stage_of, status_of;
  std::set<std::string> poor_enrolled, poor, disabled, back_in_school;
  int64_t enrolled_primary = 0, dropped_primary = 0;
  for (const auto& e : Raw("registry")) {
    if (!ByEndOfQ4(e.occurred_at())) continue;
    rv1::StudentRegistered s;
    if (e.payload().Is<rv1::StudentRegistered>() && e.payload().UnpackTo(&s)) {
      stage_of[s.student_id()] = rv1::EducationStage_Name(s.stage());
      status_of[s.student_id()] = "enrolled";
      for (int c : s.categories()) {
        if (c == rv1::POVERTY_CATEGORY_REGISTERED_POOR) poor_enrolled.insert(s.student_id());
        if (c == rv1::POVERTY_CATEGORY_REGISTERED_POOR) poor.insert(s.student_id());
        if (c == rv1::POVERTY_CATEGORY_DISABLED) disabled.insert(s.student_id());
      }
    }
    rv1::EnrolmentStatusChanged c;
    if (e.payload().Is<rv1::EnrolmentStatusChanged>() && e.payload().UnpackTo(&c)) {
      const bool in_school = c.to_status() == rv1::ENROLMENT_STATUS_ENROLLED;
      status_of[c.student_id()] = in_school ? "enrolled" : "dropped";
      poor_enrolled.erase(c.student_id());
      if (in_school && poor.count(c.student_id())) poor_enrolled.insert(c.student_id());
      if (in_school) back_in_school.insert(c.student_id());
    }
  }
  for (const auto& [id, stage] : stage_of) {
    if (stage != "EDUCATION_STAGE_PRIMARY") continue;
    (status_of[id] == "enrolled" ? enrolled_primary : dropped_primary) += 1;
  }
  int64_t disabled_enrolled = 0;
  for (const std::string& id : disabled) disabled_enrolled += status_of[id] == "enrolled" ? 1 : 0;
  int64_t without_aid = 0;
  for (const std::string& id : poor_enrolled) without_aid += with_entitlement.count(id) ? 0 : 1;
  int64_t opened = 0, crossed = 0;
  for (const auto& e : Raw("dropout")) {
    dropout::v1::CaseOpened o;
    if (e.payload().Is<dropout::v1::CaseOpened>() && e.payload().UnpackTo(&o) && InQ4(o.opened_on())) ++opened;
    dropout::v1::CaseCrossedOff x;
    if (e.payload().Is<dropout::v1::CaseCrossedOff>() && e.payload().UnpackTo(&x) && InQ4(x.date())) ++crossed;
  }
  int64_t lessons_in_q4 = 0, lessons_to_date = 0;
  for (const auto& e : Raw("pairing")) {
    pairing::v1::ActivityRecorded a;
    if (e.payload().Is<pairing::v1::ActivityRecorded>() && e.payload().UnpackTo(&a) &&
        a.activity().kind() == pairing::v1::ACTIVITY_KIND_DEMONSTRATION_LESSON) {
      lessons_in_q4 += InQ4(a.activity().date()) ? 1 : 0;
      lessons_to_date += a.activity().date().year() == 2026 ? 1 : 0;
    }
  }
  ASSERT_GT(aided, 0);
  ASSERT_GT(failed, 0);
  ASSERT_GT(without_aid, 0);
  // Underpaid: stopped by the subsidy, back in school, never resumed.
  int64_t underpaid = 0;
  for (const std::string& id : stopped) underpaid += back_in_school.count(id) && status_of[id] == "enrolled" ? 1 : 0;
  ASSERT_GT(underpaid, 0);

  const std::string total = "合计";
  EXPECT_EQ(Figure(TableOf(r, "aided"), total, "students"), aided);
  EXPECT_EQ(Figure(TableOf(r, "aided"), total, "registered_poor"), aided_poor);
  EXPECT_EQ(Figure(TableOf(r, "aided"), total, "amount_fen"), approved_fen);
  EXPECT_EQ(Figure(TableOf(r, "amounts_by_county"), total, "allocated_fen"), allocated);
  EXPECT_EQ(Figure(TableOf(r, "amounts_by_county"), total, "approved_fen"), approved_fen);
  EXPECT_EQ(Figure(TableOf(r, "amounts_by_county"), total, "paid_fen"), paid);
  EXPECT_EQ(Figure(TableOf(r, "amounts_by_county"), total, "failed_fen"), failed);
  EXPECT_EQ(Figure(TableOf(r, "amounts_by_county"), total, "outstanding_fen"), approved_fen - paid);
  EXPECT_EQ(static_cast<int64_t>(TableOf(r, "without_aid").rows.size()), without_aid);
  EXPECT_EQ(static_cast<int64_t>(TableOf(r, "refused").rows.size()), refused);
  const Table& short_paid = TableOf(r, "underpaid");
  EXPECT_EQ(static_cast<int64_t>(short_paid.rows.size()), underpaid);
  for (const auto& row : short_paid.rows) {
    // Back on 8 November: 92 of 184 days before the stop, 85 after the return.
    EXPECT_EQ(row[4].number, 92 + 85);
    EXPECT_EQ(row[5].number, 92);
    EXPECT_EQ(row[8].number, row[6].number - row[7].number);
    EXPECT_GT(row[8].number, 0);
    EXPECT_EQ(row[9].text, "2026-11-01");
    EXPECT_NE(row[10].text.find("停发后在校未恢复"), std::string::npos) << row[10].text;
  }
  EXPECT_EQ(Figure(TableOf(r, "performance"), total, "registered_poor"), static_cast<int64_t>(poor_enrolled.size()));
  EXPECT_EQ(Figure(TableOf(r, "performance"), total, "aided"),
            static_cast<int64_t>(poor_enrolled.size()) - without_aid);
  EXPECT_EQ(Figure(TableOf(r, "performance"), total, "disbursed_bp"), BasisPoints(paid, approved_fen));
  EXPECT_EQ(Figure(TableOf(r, "disabled"), total, "children"), static_cast<int64_t>(disabled.size()));
  EXPECT_EQ(Figure(TableOf(r, "disabled"), total, "enrolled"), disabled_enrolled);
  const Table& dropout = TableOf(r, "dropout");
  int64_t enrolled = 0, dropped = 0, cases_opened = 0, cases_crossed = 0, cases_open = 0;
  for (const auto& row : dropout.rows) {
    if (row[1].text == "小学") {
      enrolled += row[2].number;
      dropped += row[3].number;
    }
    cases_opened += row[7].number;
    cases_crossed += row[8].number;
    cases_open += row[9].number;
  }
  EXPECT_EQ(enrolled, enrolled_primary);
  EXPECT_EQ(dropped, dropped_primary);
  EXPECT_EQ(cases_opened, opened);
  EXPECT_EQ(cases_crossed, crossed);
  EXPECT_EQ(cases_open, opened - crossed);
  EXPECT_EQ(Figure(TableOf(r, "pairing"), total, "lessons"), lessons_in_q4);
  EXPECT_EQ(TableOf(r, "plans").rows.at(0)[7].number, lessons_to_date);
  EXPECT_EQ(Figure(TableOf(r, "rotation"), "县1", "rate_bp"), 2000);  // 1 of 5 backbone teachers
  // The registration after the period is the next period's: read, not counted.
  bool after_period_listed = false;
  for (const auto& row : TableOf(r, "about").rows) {
    int64_t n = 0;
    if (row[0].text == "期末之后的记录（计入下期）") after_period_listed = absl::SimpleAtoi(row[1].text, &n) && n == 1;
  }
  EXPECT_TRUE(after_period_listed);
}

TEST_F(ReportTest, TheSamePointGivesTheSameBytes) {
  const std::string dir = ::testing::TempDir() + "/same-point";
  std::filesystem::remove_all(dir);
  absl::StatusOr<MadeReport> first = Job().Make(options_);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(WriteXlsx(first->report, dir + "-1.xlsx", absl::FromUnixSeconds(1798761600)).ok());
  // More history arrives; the report made at the first point is the same.
  std::map<std::string, es::EventLog*> by_service;
  for (const std::string& service : ReportedServices()) by_service[service] = logs_[TopicOf(service)].get();
  gen::Shape more;
  more.counties = 1;
  more.year = 2027;
  ASSERT_TRUE(gen::Generate(more, by_service).ok());
  ReportOptions at = options_;
  at.point = first->point_text;
  absl::StatusOr<MadeReport> second = Job().Make(at);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(WriteXlsx(second->report, dir + "-2.xlsx", absl::FromUnixSeconds(1798761600)).ok());
  EXPECT_EQ(JsonOf(first->report), JsonOf(second->report));
  for (size_t i = 0; i < first->report.tables.size(); ++i) {
    EXPECT_EQ(CsvOf(first->report.tables[i]), CsvOf(second->report.tables[i]));
  }
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_FALSE(bytes(dir + "-1.xlsx").empty());
  EXPECT_EQ(bytes(dir + "-1.xlsx"), bytes(dir + "-2.xlsx"));
  // Without the point: the new history counts (a new semester's round opened in 2027 is not Q4's, but
  // the point moved).
  absl::StatusOr<MadeReport> now = Job().Make(options_);
  ASSERT_TRUE(now.ok());
  EXPECT_NE(now->point_text, first->point_text);
  // A point the log does not reach is refused.
  ReportOptions beyond = options_;
  beyond.point = absl::StrCat(TopicOf("registry"), " 0:999999; ", TopicOf("subsidy"), " 0:0; ", TopicOf("disbursement"),
                              " 0:0; ", TopicOf("dropout"), " 0:0; ", TopicOf("pairing"), " 0:0");
  EXPECT_EQ(Job().Make(beyond).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReportTest, TheXlsxReadsBackInASpreadsheetReaderWithItsCharts) {
  absl::StatusOr<MadeReport> made = Job().Make(options_);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string dir = ::testing::TempDir() + "/xlsx-read";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string xlsx = dir + "/report.xlsx";
  ASSERT_TRUE(WriteXlsx(made->report, xlsx, absl::FromUnixSeconds(1798761600)).ok());
  // xlsx2csv (Debian's package, installed by deploy/install-deps.sh) writes every sheet.
  ASSERT_EQ(std::system(("xlsx2csv --all --delimiter , '" + xlsx + "' '" + dir + "/sheets' >/dev/null").c_str()), 0)
      << "xlsx2csv failed (is it installed? deploy/install-deps.sh installs it)";
  for (const Table& t : made->report.tables) {
    std::ifstream in(dir + "/sheets/" + SheetName(t, Language::kChinese) + ".csv");
    ASSERT_TRUE(in.good()) << "sheet " << t.name << " missing";
    std::vector<std::vector<std::string>> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(absl::StrSplit(line, ','));
    ASSERT_GE(lines.size(), 4 + t.rows.size()) << t.name;
    EXPECT_EQ(lines[0][0], t.title);
    EXPECT_EQ(lines[3][0], t.columns[0].heading);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Cell& cell = t.rows[r][c];
        const std::string& got = lines[4 + r].size() > c ? lines[4 + r][c] : "";
        if (cell.kind == CellKind::kText) {
          if (cell.text.find(',') == std::string::npos) {
            EXPECT_EQ(got, cell.text) << t.name << " " << r << "," << c;
          }
          continue;
        }
        // Numbers as the reader shows them: counts, yuan, percents.
        std::string digits;
        for (char ch : got) {
          if (ch != ',' && ch != '%' && ch != '"') digits += ch;
        }
        double value = 0;
        ASSERT_TRUE(absl::SimpleAtod(digits, &value)) << t.name << " " << r << "," << c << " '" << got << "'";
        // A reader may show a rate formatted ("20.00%") or as its value (0.2).
        const bool percent = got.find('%') != std::string::npos;
        const double expected = cell.kind == CellKind::kCount ? cell.number
                                : cell.kind == CellKind::kFen ? cell.number / 100.0
                                                              : cell.number / (percent ? 100.0 : 10000.0);
        EXPECT_NEAR(value, expected, 0.006) << t.name << " row " << r << " column " << t.columns[c].key;
      }
    }
  }
  // Native charts: the package holds chart parts for the rates and amounts.
  std::ifstream in(xlsx, std::ios::binary);
  const std::string bytes(std::istreambuf_iterator<char>(in), {});
  EXPECT_THAT(bytes, HasSubstr("xl/charts/chart1.xml"));
  EXPECT_THAT(bytes, HasSubstr("xl/charts/chart5.xml"));
}

auth::Caller Officer(const std::string& county) {
  return auth::Caller{"li.county", auth::Role::kCountyOfficer, county, "t1"};
}
auth::Caller CityAdmin() { return auth::Caller{"wang.city", auth::Role::kCityAdmin, "2101", "t2"}; }

TEST_F(ReportTest, CountiesSignOffTheCityLocksAndLaterEventsAreRevisions) {
  absl::StatusOr<MadeReport> city = Job().Make(options_);
  ASSERT_TRUE(city.ok());
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2027, 1, 5, 9, 0, 0), ChinaTimeZone());
  ReportOptions county = options_;
  county.point = city->point_text;
  county.scope = ReportScope{ReportScope::Kind::kCounty, "210102"};
  ReportOptions lock = options_;
  lock.point = city->point_text;
  // Only people sign; a county signs only its own.
  EXPECT_EQ(Job().SignOff(auth::Caller{"job", auth::Role::kService, "*", "t"}, county, "", now).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Job().SignOff(Officer("210103"), county, "", now).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Job().SignOff(Officer("210102"), county, "自查无误", now).ok());
  // The city locks only when every county has signed.
  absl::StatusOr<std::string> refused = Job().Lock(CityAdmin(), lock, "", now);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("210103"));
  EXPECT_EQ(Job().Lock(Officer("210102"), lock, "", now).status().code(), absl::StatusCode::kPermissionDenied);
  ReportOptions other = county;
  other.scope.code = "210103";
  ASSERT_TRUE(Job().SignOff(Officer("210103"), other, "", now).ok());
  ASSERT_TRUE(Job().Lock(CityAdmin(), lock, "复查通过", now).ok());
  EXPECT_EQ(Job().Lock(CityAdmin(), lock, "", now).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Job().SignOff(Officer("210102"), county, "", now).status().code(), absl::StatusCode::kFailedPrecondition);

  // A cross-off dated in December is recorded in January, after the lock.
  std::string case_id;
  std::set<std::string> crossed;
  for (const auto& e : Raw("dropout")) {
    dropout::v1::CaseCrossedOff x;
    if (e.payload().Is<dropout::v1::CaseCrossedOff>() && e.payload().UnpackTo(&x)) crossed.insert(x.case_id());
  }
  for (const auto& e : Raw("dropout")) {
    dropout::v1::CaseOpened o;
    if (e.payload().Is<dropout::v1::CaseOpened>() && e.payload().UnpackTo(&o) && o.county_code() == "210102" &&
        !crossed.count(o.case_id())) {
      case_id = o.case_id();  // a case still open
    }
  }
  ASSERT_FALSE(case_id.empty());
  dropout::v1::CaseCrossedOff late;
  late.set_case_id(case_id);
  late.mutable_date()->set_year(2026);
  late.mutable_date()->set_month(12);
  late.mutable_date()->set_day(28);
  common::v1::EventEnvelope e;
  e.set_event_id("late-cross-off");
  e.set_aggregate_id(case_id.substr(0, case_id.find('#')));
  e.set_aggregate_version(99);
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now));
  e.mutable_payload()->PackFrom(late);
  ASSERT_TRUE(logs_[TopicOf("dropout")]->AppendAtomically({{e.aggregate_id(), e.SerializeAsString()}}).ok());

  // The locked period is made at its lock whatever is asked: same figures.
  absl::StatusOr<MadeReport> again = Job().Make(options_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->locked);
  EXPECT_EQ(again->figures_sha256, city->figures_sha256);
  ReportOptions elsewhere = options_;
  elsewhere.point = absl::StrCat(city->point_text, " 2:0");  // another point than the lock's
  EXPECT_EQ(Job().Make(elsewhere).status().code(), absl::StatusCode::kFailedPrecondition);
  // The next quarter lists the revision.
  ReportOptions next = options_;
  next.period = *ParsePeriod(ReportKind::kQuarterly, "2027-Q1");
  absl::StatusOr<MadeReport> q1 = Job().Make(next);
  ASSERT_TRUE(q1.ok()) << q1.status();
  const Table& revisions = TableOf(q1->report, "revisions");
  ASSERT_FALSE(revisions.rows.empty());
  bool crossed_off = false;
  for (const auto& row : revisions.rows) crossed_off = crossed_off || row[2].text == "本期销号";
  EXPECT_TRUE(crossed_off);
}

TEST_F(ReportTest, ReadersSeeOnlyTheirScope) {
  const ReportScope city{ReportScope::Kind::kCity, "2101"};
  const ReportScope county{ReportScope::Kind::kCounty, "210102"};
  const ReportScope school{ReportScope::Kind::kSchool, "2101020001"};
  EXPECT_TRUE(ReportJob::CheckReader(CityAdmin(), city).ok());
  EXPECT_TRUE(ReportJob::CheckReader(CityAdmin(), school, "210102").ok());
  EXPECT_TRUE(ReportJob::CheckReader(Officer("210102"), county).ok());
  EXPECT_EQ(ReportJob::CheckReader(Officer("210102"), city).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReportJob::CheckReader(Officer("210103"), county).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReportJob::CheckReader(Officer("210103"), school, "210102").code(), absl::StatusCode::kNotFound);
  const auth::Caller op{"zhao", auth::Role::kSchoolOperator, "2101020001", "t"};
  EXPECT_TRUE(ReportJob::CheckReader(op, school).ok());
  EXPECT_TRUE(ReportJob::CheckReader(op, school, "210102").ok());
  // A school's operator asking for its county's or the city's report is told
  // which report it reads (issue 24: it was told "county not found").
  for (const ReportScope& wider : {county, city}) {
    absl::Status refused = ReportJob::CheckReader(op, wider);
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(refused.message()), HasSubstr("--scope school --school 2101020001"));
    ASSERT_TRUE(ErrorInfoOf(refused).has_value());
    EXPECT_EQ(ErrorInfoOf(refused)->reason(), "REPORT_SCHOOL_READS_OWN");
  }
  EXPECT_THAT(std::string(ReportJob::CheckReader(Officer("210102"), city).message()),
              HasSubstr("--scope county --county 210102"));
  EXPECT_EQ(ReportJob::CheckReader(op, ReportScope{ReportScope::Kind::kSchool, "2101020002"}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReportJob::CheckReader(auth::Caller{"a", auth::Role::kAgency, "POVERTY", "t"}, county).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReportTest, APeriodNotBegunIsRefused) {
  const absl::CivilDay today(2026, 12, 7);
  EXPECT_TRUE(CheckPeriodHasBegun(*ParsePeriod(ReportKind::kMonthly, "2026-12"), today).ok());
  EXPECT_TRUE(CheckPeriodHasBegun(*ParsePeriod(ReportKind::kHalfYear, "2026-H2"), today).ok());
  absl::Status next = CheckPeriodHasBegun(*ParsePeriod(ReportKind::kMonthly, "2027-01"), today);
  EXPECT_EQ(next.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(next.message()), HasSubstr("period 2027-01 begins on 2027-01-01; today is 2026-12-07"));
  EXPECT_EQ(ErrorInfoOf(next)->reason(), "PERIOD_NOT_BEGUN");
  EXPECT_FALSE(CheckPeriodHasBegun(*ParsePeriod(ReportKind::kQuarterly, "2027-Q1"), today).ok());
}

// Probe finding 7: a county auditor got the city report with `--scope city`
// and no city. An auditor of the city reads it; one of a county does not.
TEST_F(ReportTest, OnlyTheCitysOwnAuditorReadsTheCityReport) {
  const auth::Caller city_auditor{"shen", auth::Role::kAuditor, "2101", "t"};
  const auth::Caller county_auditor{"qian", auth::Role::kAuditor, "210105", "t"};
  for (const std::string code : {"", "2101"}) {
    const ReportScope city{ReportScope::Kind::kCity, code};
    EXPECT_TRUE(ReportJob::CheckReader(city_auditor, city).ok()) << code;
    EXPECT_EQ(ReportJob::CheckReader(county_auditor, city).code(), absl::StatusCode::kPermissionDenied) << code;
  }
  EXPECT_TRUE(ReportJob::CheckReader(county_auditor, ReportScope{ReportScope::Kind::kCounty, "210105"}).ok());
  EXPECT_EQ(ReportJob::CheckReader(county_auditor, ReportScope{ReportScope::Kind::kCounty, "210104"}).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ReportTest, ASchoolReportIsCheckedAgainstTheRegistrysCounty) {
  ReportOptions o = options_;
  o.scope = ReportScope{ReportScope::Kind::kSchool, "2101020001"};
  o.reader = Officer("210103");
  EXPECT_EQ(Job().Make(o).status().code(), absl::StatusCode::kNotFound);
  o.reader = Officer("210102");
  absl::StatusOr<MadeReport> made = Job().Make(o);
  ASSERT_TRUE(made.ok()) << made.status();
  // Only the school's rows: every aided row names it.
  for (const auto& row : TableOf(made->report, "aided").rows) {
    if (row[0].text != "合计") {
      EXPECT_THAT(row[1].text, HasSubstr("2101020001"));
    }
  }
  o.scope.code = "2101029999";
  EXPECT_EQ(Job().Make(o).status().code(), absl::StatusCode::kNotFound);
}

TEST(ReportPeriodTest, PeriodsParseAndBound) {
  EXPECT_EQ(ParsePeriod(ReportKind::kMonthly, "2026-11")->last_day(), absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(ParsePeriod(ReportKind::kQuarterly, "2026-Q1")->Previous().id(), "2025-Q4");
  EXPECT_EQ(ParsePeriod(ReportKind::kHalfYear, "2027-H1")->semester(), "2027-spring");
  EXPECT_EQ(ParsePeriod(ReportKind::kMonthly, "2027-01")->semester(), "2026-autumn");
  EXPECT_EQ(ParsePeriod(ReportKind::kHalfYear, "2026-H2")->first_day(), absl::CivilDay(2026, 7, 1));
  absl::Status bad = ParsePeriod(ReportKind::kQuarterly, "2026-11").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("'2026-11' is not a quarterly period (YYYY-Qn"));
  EXPECT_FALSE(ParsePeriod(ReportKind::kMonthly, "2026-13").ok());
  EXPECT_FALSE(ParseScope("county", "21").ok());
  EXPECT_FALSE(ParseScope("province", "").ok());
}

}  // namespace
}  // namespace zizhu::report
