// The offline hand-off lists from the offices' files: who is on the
// university-grant list for civil affairs and the credit-loan list, by the
// same registered-poor rule as the subsidy service, and what is written.
#include "tools/cli/handoff_lists.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/files/import/row_reader.h"
#include "libs/rules/national_id.h"

namespace zizhu::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Id(const std::string& first17) { return first17 + rules::NationalIdCheckCharacter(first17); }

class HandOffListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("handoff_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    in_.students = Write("学籍.csv",
                         "姓名,身份证号,学校代码,学段,年级,学籍状态,贫困类别,银行卡号\n"
                         // registered-poor by the student file's category
                         "张一," +
                             Id("21010220050301101") +
                             ",210102900001,大学,1,在籍,建档立卡,6217000010000000001\n"
                             // on the poverty roster, exited 2024: inside a five-year window in 2027
                             "李二," +
                             Id("21010220050301202") +
                             ",210102900001,大学,2,在籍,,6217000010000000002\n"
                             // exited 2019: outside the window, but civil affairs names the child
                             "王三," +
                             Id("21010320050301303") +
                             ",210103900002,大学,1,在籍,,6217000010000000003\n"
                             // exited 2019, no civil affairs: not registered-poor any more
                             "赵四," +
                             Id("21010220050301404") +
                             ",210102900001,大学,3,在籍,,6217000010000000004\n"
                             // not poor at all
                             "钱五," +
                             Id("21010220050301505") +
                             ",210102900001,大学,1,在籍,,6217000010000000005\n"
                             // registered-poor, but senior high: not on a university list
                             "孙六," +
                             Id("21010220080301606") +
                             ",210102000001,高中,2,在籍,建档立卡,\n"
                             // a row that does not parse: reported, not listed
                             "周七," +
                             Id("21010220050301707") + ",210102900001,大学,x,在籍,建档立卡,\n");
    in_.poverty = Write("建档立卡.csv",
                        "姓名,身份证号,户编号,脱贫状态,脱贫年度\n"
                        "李二," +
                            Id("21010220050301202") +
                            ",H2,已脱贫,2024\n"
                            "王三," +
                            Id("21010320050301303") +
                            ",H3,已脱贫,2019\n"
                            "赵四," +
                            Id("21010220050301404") + ",H4,已脱贫,2019\n");
    in_.civil = Write("民政.csv", "姓名,身份证号,救助类型\n王三," + Id("21010320050301303") + ",低保\n");
    in_.policy = ZIZHU_DEFAULT_POLICY;
    in_.year = 2027;
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::vector<std::string> Names(const HandOffList& list) {
    std::vector<std::string> names;
    for (const auto& row : list.rows) names.push_back(row.name);
    return names;
  }

  std::filesystem::path dir_;
  HandOffInputs in_;
};

TEST_F(HandOffListsTest, TheUniversityGrantListHasTheRegisteredPoorAtUniversityWithThePolicysAmount) {
  absl::StatusOr<HandOffList> list = BuildHandOffList(HandOffKind::kUniversityGrant, in_);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(Names(*list), ElementsAre("张一", "李二", "王三"));
  for (const auto& row : list->rows) EXPECT_EQ(row.fen_per_year, 100000);  // 1000 yuan a year, civil affairs
  EXPECT_EQ(list->rows[0].basis, "建档立卡");
  EXPECT_EQ(list->rows[1].basis, "已脱贫 2024（过渡期内）");
  EXPECT_EQ(list->rows[2].basis, "民政认定");
  EXPECT_EQ(list->rows[0].bank_card, "6217000010000000001");
  EXPECT_EQ(list->rows_refused, 1);
  ASSERT_EQ(list->notes.size(), 1u);
  EXPECT_THAT(list->notes[0], HasSubstr("学籍.csv:8: grade"));
  EXPECT_EQ(list->policy_version, "2026-v1");

  in_.county = "210103";  // one county's schools
  EXPECT_THAT(Names(*BuildHandOffList(HandOffKind::kUniversityGrant, in_)), ElementsAre("王三"));
  in_.county.clear();
  in_.exit_transition_years = 2;  // a two-year window: the 2024 exit (three years back) no longer counts
  EXPECT_THAT(Names(*BuildHandOffList(HandOffKind::kUniversityGrant, in_)), ElementsAre("张一", "王三"));
}

TEST_F(HandOffListsTest, TheLoanListCarriesThePolicysCap) {
  absl::StatusOr<HandOffList> list = BuildHandOffList(HandOffKind::kCreditLoan, in_);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(Names(*list), ElementsAre("张一", "李二", "王三"));
  EXPECT_EQ(list->rows[0].fen_per_year, 800000);  // 8000 yuan a year
  EXPECT_TRUE(list->rows[0].bank_card.empty());   // the bank needs no card from us

  const std::string csv = (dir_ / "贷款.csv").string();
  ASSERT_TRUE(WriteHandOffList(HandOffKind::kCreditLoan, csv, "信用助学贷款 资格名单", *list).ok());
  std::stringstream text;
  text << std::ifstream(csv).rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("序号,姓名,身份证号,学校代码,年级,依据,贷款上限(元/年)\r\n1,张一,"));
  EXPECT_THAT(text.str(), HasSubstr("合计,3人,,,,,24000.00\r\n"));
  const std::string xlsx = (dir_ / "民政.xlsx").string();
  ASSERT_TRUE(WriteHandOffList(HandOffKind::kUniversityGrant, xlsx, "民政发放名单",
                               *BuildHandOffList(HandOffKind::kUniversityGrant, in_))
                  .ok());
  // The workbook reads back (with the importer's XLSX reader): title, header, 3 rows, total.
  absl::StatusOr<tools::TableFile> table = tools::InspectTableFile(xlsx, "auto");
  ASSERT_TRUE(table.ok()) << table.status();
  auto rows = tools::OpenRows(*table);
  ASSERT_TRUE(rows.ok());
  std::vector<std::vector<std::string>> read;
  tools::CsvRow row;
  while (*(*rows)->Next(&row)) read.push_back(row.fields);
  ASSERT_EQ(read.size(), 6u);
  EXPECT_EQ(read[1][2], "身份证号");
  EXPECT_THAT(read[5], ElementsAre("合计", "3人", "", "", "", "", "3000.00"));
}

TEST_F(HandOffListsTest, BadInputsAreNamed) {
  in_.policy = Write("bad.yaml", "version: x\n");
  EXPECT_THAT(std::string(BuildHandOffList(HandOffKind::kCreditLoan, in_).status().message()), HasSubstr("bad.yaml"));
  in_.policy = ZIZHU_DEFAULT_POLICY;
  in_.poverty = (dir_ / "missing.csv").string();
  EXPECT_THAT(std::string(BuildHandOffList(HandOffKind::kCreditLoan, in_).status().message()),
              HasSubstr("missing.csv"));
  in_.poverty = in_.civil;  // civil affairs' file has no household numbers: not a poverty roster
  EXPECT_THAT(std::string(BuildHandOffList(HandOffKind::kCreditLoan, in_).status().message()),
              HasSubstr("民政.csv: header row lacks required column(s): household_number"));
  in_.year = 27;
  EXPECT_THAT(std::string(BuildHandOffList(HandOffKind::kCreditLoan, in_).status().message()),
              HasSubstr("--year 27 is not a year"));
}

}  // namespace
}  // namespace zizhu::cli
