// Report runs from the console: the report CLI's argument list checked field
// by field, and a run of a stand-in CLI (a shell script) as the gateway runs
// it — the token in a private file, the report's stem and point read back,
// a sign-off of the figures made, a refusal's own words.
#include "services/gateway/app/report_runs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace zizhu::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ReportCommand Command(const std::string& program = "/usr/bin/zizhu") {
  return ReportCommand{program, {"--ca", "ca.pem"}, {"--kafka", "k:9092"}, "/reports", ""};
}

TEST(ReportRunsTest, TheArgumentsOfEachActionAreCheckedAndComplete) {
  ReportRunRequest make{"make", "monthly", "2026-11", "county", "210102", "", "", "zh"};
  EXPECT_THAT(
      *ReportRuns::Argv(Command(), make, ""),
      ElementsAre("/usr/bin/zizhu", "--ca", "ca.pem", "--lang", "zh", "report", "monthly", "--period", "2026-11",
                  "--scope", "county", "--county", "210102", "--out", "/reports", "--kafka", "k:9092"));
  ReportRunRequest sign{"sign-off", "", "2026-11", "county", "210102", "核对无误", "run-1", "en"};
  EXPECT_THAT(*ReportRuns::Argv(Command(), sign, "zizhu.registry.events.v1 0:3"),
              ElementsAre("/usr/bin/zizhu", "--ca", "ca.pem", "--lang", "en", "report", "sign-off", "--period",
                          "2026-11", "--scope", "county", "--county", "210102", "--point",
                          "zizhu.registry.events.v1 0:3", "--note", "核对无误", "--kafka", "k:9092"));
  // Each bad field named with its value; nothing reaches a shell.
  struct Bad {
    ReportRunRequest request;
    const char* says;
  };
  for (const Bad& bad : std::vector<Bad>{
           {{"drop", "monthly", "2026-11", "city", "", "", "", "zh"}, "action 'drop'"},
           {{"make", "weekly", "2026-11", "city", "", "", "", "zh"}, "kind 'weekly'"},
           {{"make", "monthly", "2026-11; rm -rf /", "city", "", "", "", "zh"}, "period '2026-11; rm -rf /'"},
           {{"make", "monthly", "2026-11", "county", "21010", "", "", "zh"}, "code '21010' is not a county code"},
           {{"make", "monthly", "2026-11", "province", "21", "", "", "zh"}, "scope 'province'"},
           {{"make", "monthly", "2026-11", "school", "--out=/etc", "", "", "zh"}, "code '--out=/etc'"},
           {{"make", "monthly", "2026-11", "city", "", "", "", "fr"}, "lang 'fr'"},
       }) {
    absl::StatusOr<std::vector<std::string>> argv = ReportRuns::Argv(Command(), bad.request, "");
    ASSERT_FALSE(argv.ok()) << bad.says;
    EXPECT_EQ(argv.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(argv.status().message()), HasSubstr(bad.says));
  }
  EXPECT_FALSE(ReportRuns::Argv(Command(), sign, "").ok());  // a sign-off without figures
}

// Waits for a run to leave "running".
ReportRun Finished(const ReportRuns& runs, const std::string& id, const std::string& owner) {
  for (int i = 0; i < 200; ++i) {
    std::optional<ReportRun> run = runs.Get(id, owner);
    if (run && run->state != "running") return *run;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ADD_FAILURE() << "run " << id << " did not finish";
  return {};
}

TEST(ReportRunsTest, ARunMakesTheReportAsTheOperatorAndItsFiguresAreSignedOff) {
  const std::string dir = ::testing::TempDir() + "/report-runs-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // A stand-in CLI: records its arguments and token, answers as `zizhu report` does.
  const std::string cli = dir + "/zizhu";
  {
    std::ofstream script(cli);
    script << "#!/bin/sh\n"
              "echo \"$@\" >> "
           << dir
           << "/calls\n"
              "cat \"$ZIZHU_TOKEN_FILE\" > "
           << dir
           << "/token-seen\n"
              "stat -c %a \"$ZIZHU_TOKEN_FILE\" > "
           << dir
           << "/token-mode\n"
              "case \"$*\" in\n"
              "  *sign-off*) echo 'signed off 2026-11 for county 210102 at point P-1'; exit 0;;\n"
              "  *210103*) echo 'zizhu: NOT_FOUND: 县（区）「210103」不存在，或不在您的管辖范围内' >&2; exit 2;;\n"
              "esac\n"
              "echo 'report monthly-2026-11-county-210102'\n"
              "echo '  point:   P-1'\n";
  }
  std::filesystem::permissions(cli, std::filesystem::perms::owner_all);
  ReportCommand command = Command(cli);
  command.work_dir = dir + "/work";
  ReportRuns runs(command);

  absl::StatusOr<std::string> made =
      runs.Start("e2e.county", "the-token", {"make", "monthly", "2026-11", "county", "210102", "", "", "zh"});
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_FALSE(runs.Get(*made, "someone.else").has_value());  // another account's run is not found
  ReportRun run = Finished(runs, *made, "e2e.county");
  EXPECT_EQ(run.state, "done") << run.error;
  EXPECT_EQ(run.report, "monthly-2026-11-county-210102");
  EXPECT_EQ(run.point, "P-1");
  std::ifstream seen(dir + "/token-seen"), mode(dir + "/token-mode");
  std::string token, perms;
  seen >> token;
  mode >> perms;
  EXPECT_EQ(token, "the-token");
  EXPECT_EQ(perms, "600");
  EXPECT_FALSE(std::filesystem::exists(command.work_dir + "/" + *made));  // the token file is gone

  // The county signs off the figures it made: the run's point, never typed.
  EXPECT_EQ(runs.Start("other.county", "t", {"sign-off", "", "2026-11", "county", "", "", *made, "zh"}).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> signed_off =
      runs.Start("e2e.county", "the-token", {"sign-off", "", "2026-11", "county", "", "核对无误", *made, "zh"});
  ASSERT_TRUE(signed_off.ok()) << signed_off.status();
  EXPECT_EQ(Finished(runs, *signed_off, "e2e.county").state, "done");

  // A refusal comes back in the job's own words.
  absl::StatusOr<std::string> refused =
      runs.Start("e2e.county", "the-token", {"make", "monthly", "2026-11", "county", "210103", "", "", "zh"});
  ASSERT_TRUE(refused.ok());
  ReportRun failed = Finished(runs, *refused, "e2e.county");
  EXPECT_EQ(failed.state, "failed");
  EXPECT_EQ(failed.error, "NOT_FOUND: 县（区）「210103」不存在，或不在您的管辖范围内");

  std::ifstream calls(dir + "/calls");
  std::string first;
  std::getline(calls, first);
  EXPECT_EQ(first,
            "--ca ca.pem --lang zh report monthly --period 2026-11 --scope county --county 210102 --out /reports "
            "--kafka k:9092");
}

}  // namespace
}  // namespace zizhu::gateway
