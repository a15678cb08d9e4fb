// Agency rosters end to end against the real broker and registry process:
// the generated sample in tests/data/rosters (GBK CSV, XLSX, planted cases)
// imports, every planted case lands in its category with the exact count,
// re-imports change nothing, and new evidence moves people at once.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/student_importer.h"
#include "services/common/kafka/kafka_event_log.h"
#include "tests/support/kafka_broker.h"
#include "tests/support/registry_process.h"
#include "tests/support/test_security.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu {
namespace {

namespace v1 = registry::v1;
using testing_support::GlobalBroker;
using testing_support::RegistryProcess;
using testing_support::RegistryProcessOptions;

const std::string kData = std::string(ZIZHU_SOURCE_DIR) + "/tests/data/rosters";

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) rows.push_back(absl::StrSplit(line, ','));
  }
  return rows;
}

class RosterSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = absl::StrCat(::testing::TempDir(), "/zizhu-roster-", name_);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    RegistryProcessOptions options;
    options.bootstrap = GlobalBroker().bootstrap();
    options.topic = absl::StrCat("zizhu.registry.events.test.", name_);
    options.instance_id = absl::StrCat("registry-", name_);
    options.data_dir = dir_ + "/projection";
    options.key_file = dir_ + "/key";
    topic_ = options.topic;
    process_ = std::make_unique<RegistryProcess>(options);
    ASSERT_TRUE(process_->Start());
    channel_ = testing_support::TestSecurity::Get().Channel(
        process_->address(), {"roster-test", auth::Role::kCityAdmin, "2101", "t-roster"});
    rosters_ = v1::RosterService::NewStub(channel_);
    registry_ = v1::RegistryService::NewStub(channel_);
  }
  void TearDown() override {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }

  common::v1::CommandMeta Meta(const std::string& id) {
    common::v1::CommandMeta m;
    m.set_request_id(id);
    m.set_actor("roster-test");
    return m;
  }

  // The registry's own register: schools, households, students.
  void LoadRegistry() {
    for (const auto& row : ReadCsv(kData + "/schools.csv")) {
      v1::RegisterSchoolRequest r;
      *r.mutable_meta() = Meta("school-" + row[0]);
      r.set_school_code(row[0]);
      r.set_name(row[1]);
      r.set_county_code(row[2]);
      r.set_county_name(row[3]);
      r.add_stages(row[4] == "初中" ? v1::EDUCATION_STAGE_JUNIOR_MIDDLE : v1::EDUCATION_STAGE_PRIMARY);
      v1::RegisterSchoolResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(registry_->RegisterSchool(&ctx, r, &resp).ok());
    }
    for (const auto& row : ReadCsv(kData + "/registry_households.csv")) {
      v1::RegisterHouseholdRequest r;
      *r.mutable_meta() = Meta("household-" + row[0]);
      r.set_household_number(row[0]);
      r.set_head_name(row[1]);
      r.set_household_type(v1::HOUSEHOLD_TYPE_GENERAL);
      v1::RegisterHouseholdResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(registry_->RegisterHousehold(&ctx, r, &resp).ok());
    }
    auto students = tools::ImportStudentsFile(registry_.get(), kData + "/registry_students.csv", "auto",
                                              tools::HeaderMapping::Default(), tools::ImportOptions());
    ASSERT_TRUE(students.ok()) << students.status();
    ASSERT_EQ(students->failed, 0) << (students->failures.empty() ? "" : students->failures[0].reason);
    ASSERT_EQ(students->imported, 10);
  }

  tools::RosterImportSummary Import(v1::RosterSource source, const std::string& file) {
    auto summary = tools::ImportRosterFile(rosters_.get(), source, kData + "/" + file,
                                           tools::RosterHeaderMapping(source), tools::RosterImportOptions());
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? *summary : tools::RosterImportSummary();
  }

  void RunMatch(int exit_transition_years = -1) {
    v1::RunCrossMatchRequest r;
    if (exit_transition_years >= 0) r.set_exit_transition_years(exit_transition_years);
    *r.mutable_meta() = Meta(absl::StrCat("match-", ++match_runs_));
    r.mutable_as_of()->set_year(2026);
    r.mutable_as_of()->set_month(9);
    r.mutable_as_of()->set_day(1);
    v1::RunCrossMatchResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(rosters_->RunCrossMatch(&ctx, r, &resp).ok());
  }

  std::map<std::string, int64_t> Totals() {
    v1::GetMatchSummaryResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(rosters_->GetMatchSummary(&ctx, {}, &resp).ok());
    std::map<std::string, int64_t> out;
    for (const auto& t : resp.totals()) {
      std::string name = v1::MatchCategory_Name(t.category()).substr(strlen("MATCH_CATEGORY_"));
      out[absl::AsciiStrToLower(name)] = t.count();
    }
    return out;
  }

  std::vector<v1::MatchResult> Queue(v1::MatchCategory category) {
    v1::ListMatchResultsRequest r;
    r.set_category(category);
    r.set_page_size(1000);
    v1::ListMatchResultsResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(rosters_->ListMatchResults(&ctx, r, &resp).ok());
    return {resp.results().begin(), resp.results().end()};
  }

  size_t TopicSize() {
    kafka::KafkaEventLogOptions o;
    o.bootstrap_servers = GlobalBroker().bootstrap();
    o.topic = topic_;
    o.client_settings = testing_support::KafkaSettings("zizhu-test");
    o.read_only = true;
    auto log = kafka::KafkaEventLog::Open(o).value();
    auto reader = log->NewReader().value();
    EXPECT_TRUE(reader->Seek({}).ok());
    size_t n = 0;
    while (true) {
      auto read = reader->Read(1000, absl::Seconds(1)).value();
      n += read.records.size();
      if (read.at_end) return n;
    }
  }

  std::string name_, dir_, topic_;
  int match_runs_ = 0;
  std::unique_ptr<RegistryProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RosterService::Stub> rosters_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
};

TEST_F(RosterSystemTest, PlantedCasesLandInTheirCategoriesWithExactCounts) {
  LoadRegistry();
  auto poverty = Import(v1::ROSTER_SOURCE_POVERTY_OFFICE, "poverty.gbk.csv");
  EXPECT_EQ(poverty.format, "csv gb18030");
  EXPECT_EQ(poverty.rows, 80);
  EXPECT_EQ(poverty.applied, 70);
  EXPECT_EQ(poverty.rejected, 10);  // wrong check digits
  auto civil = Import(v1::ROSTER_SOURCE_CIVIL_AFFAIRS, "civil.gbk.csv");
  EXPECT_EQ(civil.applied, 10);
  EXPECT_EQ(civil.rejected, 10);  // IDs Excel turned into numbers
  auto status = Import(v1::ROSTER_SOURCE_STUDENT_STATUS, "status.xlsx");
  EXPECT_EQ(status.format, "xlsx");
  EXPECT_EQ(status.rows, 100);
  EXPECT_EQ(status.applied, 80);
  EXPECT_EQ(status.rejected, 20);  // 10 duplicates, 10 bad grades
  int bad_values = 0;
  for (const auto& e : status.errors) {
    if (e.kind == "bad_value") {
      ++bad_values;
      EXPECT_EQ(e.column, "grade");
      EXPECT_NE(e.reason.find("十二年级"), std::string::npos);
    }
  }
  EXPECT_EQ(bad_values, 10);

  RunMatch();
  std::map<std::string, int64_t> expected = {{"matched", 10},
                                             {"not_enrolled", 20},
                                             {"poor_in_one_source_only", 20},
                                             {"attribute_conflict", 10},
                                             {"invalid_id", 20},
                                             {"duplicate_in_source", 10},
                                             {"no_finding", 40}};
  EXPECT_EQ(Totals(), expected);

  // Each entry says why it is there.
  for (const auto& r : Queue(v1::MATCH_CATEGORY_NOT_ENROLLED)) {
    ASSERT_FALSE(r.reasons().empty());
    EXPECT_NE(r.reasons(0).find("poor per poverty office"), std::string::npos) << r.reasons(0);
  }
  for (const auto& r : Queue(v1::MATCH_CATEGORY_ATTRIBUTE_CONFLICT)) {
    ASSERT_EQ(r.conflicts_size(), 1);
    EXPECT_EQ(r.conflicts(0).field(), "name");
    EXPECT_NE(r.conflicts(0).first_value(), r.conflicts(0).second_value());  // both shown
  }
  for (const auto& r : Queue(v1::MATCH_CATEGORY_DUPLICATE_IN_SOURCE)) {
    EXPECT_NE(r.reasons(0).find("same national ID as row"), std::string::npos);
  }

  // The cross-match is a projection like any other: replaying the topic from
  // offset 0 gives the same bytes, whatever order the partitions interleave in.
  common::v1::GetProjectionChecksumResponse before;
  grpc::ClientContext c1;
  ASSERT_TRUE(process_->admin().GetProjectionChecksum(&c1, {}, &before).ok());
  common::v1::RebuildProjectionResponse rebuilt;
  grpc::ClientContext c2;
  ASSERT_TRUE(process_->admin().RebuildProjection(&c2, {}, &rebuilt).ok());
  EXPECT_EQ(rebuilt.checksum(), before.checksum());
  EXPECT_EQ(Totals(), expected);

  // The generator's own manifest agrees with the numbers above.
  std::ifstream manifest(kData + "/expected.txt");
  std::string line;
  while (std::getline(manifest, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    if (parts.size() == 2 && expected.count(parts[0])) {
      EXPECT_EQ(std::to_string(expected[parts[0]]), parts[1]);
    }
  }
}

TEST_F(RosterSystemTest, ReimportingTheSameFilesChangesNothing) {
  LoadRegistry();
  Import(v1::ROSTER_SOURCE_POVERTY_OFFICE, "poverty.gbk.csv");
  Import(v1::ROSTER_SOURCE_STUDENT_STATUS, "status.xlsx");
  RunMatch();
  auto before = Totals();
  size_t events = TopicSize();
  auto again = Import(v1::ROSTER_SOURCE_POVERTY_OFFICE, "poverty.gbk.csv");
  EXPECT_TRUE(again.already_imported);
  EXPECT_EQ(again.applied, 70);
  EXPECT_EQ(again.rejected, 10);
  EXPECT_TRUE(Import(v1::ROSTER_SOURCE_STUDENT_STATUS, "status.xlsx").already_imported);
  EXPECT_EQ(TopicSize(), events);
  EXPECT_EQ(Totals(), before);
}

TEST_F(RosterSystemTest, NewPoorChildrenAppearAtOnceAndExitsStayInScopeForTheTransitionPeriod) {
  LoadRegistry();
  Import(v1::ROSTER_SOURCE_POVERTY_OFFICE, "poverty.gbk.csv");
  Import(v1::ROSTER_SOURCE_STUDENT_STATUS, "status.xlsx");
  RunMatch();
  const int64_t not_enrolled = Totals()["not_enrolled"];

  // A newly found household, pushed as a small roster file of its own.
  std::string file = dir_ + "/new-household.csv";
  {
    std::ofstream out(file);
    out << "户编号,户主姓名,姓名,公民身份号码,与户主关系,县,脱贫状态,脱贫年度\n";
    out << "210109999991,赵大山,赵小花,210102201505050029,之女,和平区,未脱贫,\n";
    // A household of the sample exits poverty: its matched child stays on file with the year.
  }
  auto summary = tools::ImportRosterFile(rosters_.get(), v1::ROSTER_SOURCE_POVERTY_OFFICE, file,
                                         tools::RosterHeaderMapping(v1::ROSTER_SOURCE_POVERTY_OFFICE),
                                         tools::RosterImportOptions());
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(summary->applied, 1) << (summary->errors.empty() ? "" : summary->errors[0].reason);
  EXPECT_EQ(Totals()["not_enrolled"], not_enrolled + 1);  // no match run needed

  // Exit: the same child's household left poverty in 2024.
  std::string exit_file = dir_ + "/exit.csv";
  {
    std::ofstream out(exit_file);
    out << "户编号,户主姓名,姓名,公民身份号码,与户主关系,县,脱贫状态,脱贫年度\n";
    out << "210109999991,赵大山,赵小花,210102201505050029,之女,和平区,已脱贫,2024\n";
  }
  summary = tools::ImportRosterFile(rosters_.get(), v1::ROSTER_SOURCE_POVERTY_OFFICE, exit_file,
                                    tools::RosterHeaderMapping(v1::ROSTER_SOURCE_POVERTY_OFFICE),
                                    tools::RosterImportOptions());
  ASSERT_TRUE(summary.ok());
  // Within the transition period (5 years by default) the child stays in the gap list,
  // shown with the exit year.
  EXPECT_EQ(Totals()["not_enrolled"], not_enrolled + 1);
  auto reasons_in = [&](v1::MatchCategory category, const std::string& text) {
    bool found = false;
    for (const auto& r : Queue(category)) {
      for (const auto& reason : r.reasons()) found |= reason.find(text) != std::string::npos;
    }
    return found;
  };
  EXPECT_TRUE(reasons_in(v1::MATCH_CATEGORY_NOT_ENROLLED, "exited poverty in 2024: within the 5-year transition"));
  // The window is policy data: with one year, the 2024 exit is out of scope in 2026; the
  // child is kept on file with the year.
  RunMatch(/*exit_transition_years=*/1);
  EXPECT_EQ(Totals()["not_enrolled"], not_enrolled);
  EXPECT_TRUE(reasons_in(v1::MATCH_CATEGORY_NO_FINDING, "exited poverty in 2024: beyond the 1-year transition"));
}

TEST_F(RosterSystemTest, SchoolNamesThatMatchNoSchoolAreAppliedAndReportedNotRejected) {
  LoadRegistry();
  std::string file = dir_ + "/status-names.csv";
  {
    std::ofstream out(file);
    out << "姓名,身份证号码,学校名称,学段,年级\n";
    out << "钱小芳,210102201505050045,无此小学,小学,3\n";
  }
  auto summary = tools::ImportRosterFile(rosters_.get(), v1::ROSTER_SOURCE_STUDENT_STATUS, file,
                                         tools::RosterHeaderMapping(v1::ROSTER_SOURCE_STUDENT_STATUS),
                                         tools::RosterImportOptions());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->applied, 1);
  EXPECT_EQ(summary->rejected, 0);
  EXPECT_EQ(summary->warnings, 1);
  ASSERT_EQ(summary->errors.size(), 1u);
  EXPECT_EQ(summary->errors[0].kind, "school_unresolved");
}

}  // namespace
}  // namespace zizhu
