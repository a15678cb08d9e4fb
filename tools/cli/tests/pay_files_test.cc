// Bank and disclosure files of `zizhu pay`: what is written reads back.
#include "libs/files/pay_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "libs/files/import/row_reader.h"

namespace zizhu::cli {
namespace {

std::vector<std::vector<std::string>> ReadBack(const std::string& path) {
  auto file = tools::InspectTableFile(path, "auto");
  EXPECT_TRUE(file.ok()) << file.status();
  auto reader = tools::OpenRows(*file).value();
  std::vector<std::vector<std::string>> rows;
  tools::CsvRow row;
  while (reader->Next(&row).value()) rows.push_back(row.fields);
  return rows;
}

TEST(PayFilesTest, DisclosureListIsMaskedWithSubtotalsInCsvAndXlsx) {
  const std::string dir = ::testing::TempDir() + "/pay_files";
  std::filesystem::create_directories(dir);
  std::vector<DisclosureRow> rows = {
      {"S2", "stu_b", "李*红", 50000}, {"S1", "stu_a", "张*明", 112500}, {"S1", "stu_c", "王*", 100000}};
  for (const std::string ext : {".csv", ".xlsx"}) {
    const std::string path = dir + "/disclosure" + ext;
    ASSERT_TRUE(WriteDisclosure(path, "2027-spring 学生资助发放公示", rows).ok());
    auto read = ReadBack(path);
    ASSERT_GE(read.size(), 8u) << ext;
    // Title, header, S1 x2 + subtotal, S2 x1 + subtotal, total.
    EXPECT_EQ(read[1][0], "学校") << ext;
    EXPECT_EQ(read[2][2], "张*明") << ext;
    EXPECT_EQ(read[4][1], "小计") << ext;
    EXPECT_EQ(read[4][3], "2125.00") << ext;
    EXPECT_EQ(read[7][0], "合计") << ext;
    EXPECT_EQ(read[7][3], "2625.00") << ext;
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find("stu_"), std::string::npos) << "student ids stay out of the public file";
  }
  EXPECT_FALSE(WriteDisclosure(dir + "/d.txt", "t", rows).ok());
}

TEST(PayFilesTest, BankFileInGbkHasAHeaderLinesAndAControlLine) {
  disbursement::v1::ExportBankFileResponse file;
  auto* line = file.add_lines();
  line->set_reference("210102000001/2027-spring/stu_a/central/1#1");
  line->set_name("张小明");
  line->set_bank_card("6217000010001234567");
  line->set_fen(50000);
  line->set_school_code("210102000001");
  file.set_total_fen(50000);
  const std::string path = ::testing::TempDir() + "/bank.csv";
  ASSERT_TRUE(WriteBankFile(path, "gbk", file).ok());
  auto inspected = tools::InspectTableFile(path, "auto");
  ASSERT_TRUE(inspected.ok());
  EXPECT_EQ(inspected->format, "csv gb18030");
  auto read = ReadBack(path);
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0][1], "户名");
  EXPECT_EQ(read[1][1], "张小明");
  EXPECT_EQ(read[1][2], "6217000010001234567");
  EXPECT_EQ(read[2][0], "合计");
  EXPECT_EQ(read[2][1], "1");
  EXPECT_EQ(read[2][3], "500.00");
  EXPECT_FALSE(WriteBankFile(path, "latin1", file).ok());

  // In XLSX the amounts are numbers a bank's spreadsheet adds up (read back
  // as the number, not the text "500.00"); the card number stays text.
  const std::string xlsx = ::testing::TempDir() + "/bank.xlsx";
  ASSERT_TRUE(WriteBankFile(xlsx, "utf-8", file).ok());
  auto cells = ReadBack(xlsx);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[1][2], "6217000010001234567");
  EXPECT_EQ(cells[1][3], "500");
  EXPECT_EQ(cells[2][1], "1");
  EXPECT_EQ(cells[2][3], "500");
}

TEST(PayFilesTest, ReturnFileReadsLinesAndTheControlLine) {
  const std::string path = ::testing::TempDir() + "/return.csv";
  std::ofstream(path) << "参考号,结果,金额,原因\nR1#1,成功,500.00,\nR2#1,失败,625.00,账户已销户\n合计,2,1125.00\n";
  disbursement::v1::RecordBankReturnRequest request;
  ASSERT_TRUE(ReadReturnFile(path, &request).ok());
  ASSERT_EQ(request.lines_size(), 2);
  EXPECT_EQ(request.lines(1).outcome(), disbursement::v1::RETURN_OUTCOME_FAILED);
  EXPECT_EQ(request.lines(1).reason(), "账户已销户");
  EXPECT_EQ(request.control_count(), 2);
  EXPECT_EQ(request.control_fen(), 112500);
  std::ofstream(path) << "参考号,结果,金额,原因\nR1#1,也许,500.00,\n合计,1,500.00\n";
  disbursement::v1::RecordBankReturnRequest bad;
  absl::Status status = ReadReturnFile(path, &bad);
  EXPECT_NE(status.message().find(":2: result: '也许' is not 成功/paid or 失败/failed"), std::string::npos)
      << status.message();
  std::ofstream(path) << "参考号,结果,金额,原因\nR1#1,成功,500.00,\n";
  EXPECT_NE(ReadReturnFile(path, &bad).message().find("no control line"), std::string::npos);
}

}  // namespace
}  // namespace zizhu::cli
