// Streaming reads of table files: pieces of any size give the same rows as a
// whole-file parse, and a broken file fails in the first pass.
#include "libs/files/import/row_reader.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "libs/files/import/csv_reader.h"
#include "libs/files/import/text_encoding.h"
#include "libs/files/import/xlsx_reader.h"
#include "services/common/crypto/sha256.h"

namespace zizhu::tools {
namespace {

const char kTricky[] = "姓名,备注\r\n\"张三\",\"说 \"\"好\"\"\"\r\n李四,\"两\n行\"\n\n王五,a\rb\n赵六,末行";

std::vector<CsvRow> Drain(std::deque<CsvRow> rows) { return {rows.begin(), rows.end()}; }

void ExpectSameRows(const std::vector<CsvRow>& a, const std::vector<CsvRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].line, b[i].line) << "row " << i;
    EXPECT_EQ(a[i].fields, b[i].fields) << "row " << i;
  }
}

TEST(CsvParserTest, AnySplitOfTheTextGivesTheSameRows) {
  const std::string text = kTricky;
  const auto whole = ParseCsv(text).value();
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[1].fields[1], "说 \"好\"");
  EXPECT_EQ(whole[3].fields[1], "a\rb");
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    CsvParser parser;
    std::deque<CsvRow> rows;
    parser.Feed(absl::string_view(text).substr(0, cut), &rows);
    parser.Feed(absl::string_view(text).substr(cut), &rows);
    ASSERT_TRUE(parser.Finish(&rows).ok());
    ExpectSameRows(Drain(rows), whole);
  }
  CsvParser byte_by_byte;
  std::deque<CsvRow> rows;
  for (char c : text) byte_by_byte.Feed(absl::string_view(&c, 1), &rows);
  ASSERT_TRUE(byte_by_byte.Finish(&rows).ok());
  ExpectSameRows(Drain(rows), whole);
}

TEST(TextDecoderTest, Gb18030SplitInsideACharacter) {
  const std::string utf8 = "姓名,公民身份号码\n张三,110101\n𠀀,x\n";  // 𠀀 is a four-byte GB18030 character
  const std::string gbk = Utf8ToGb18030(utf8).value();
  for (size_t cut = 0; cut <= gbk.size(); ++cut) {
    TextDecoder decoder(TextEncoding::kGb18030);
    std::string out;
    ASSERT_TRUE(decoder.Decode(gbk.substr(0, cut), &out).ok());
    ASSERT_TRUE(decoder.Decode(gbk.substr(cut), &out).ok());
    ASSERT_TRUE(decoder.Finish(&out).ok());
    EXPECT_EQ(out, utf8) << "cut at " << cut;
  }
  TextDecoder truncated(TextEncoding::kGb18030);
  std::string out;
  ASSERT_TRUE(truncated.Decode(gbk.substr(0, 1), &out).ok());
  EXPECT_FALSE(truncated.Finish(&out).ok());
}

TEST(TextDecoderTest, Utf8BomSplitAndBadBytesNamed) {
  const std::string text = "\xEF\xBB\xBF姓名\n";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    TextDecoder decoder(TextEncoding::kUtf8);
    std::string out;
    ASSERT_TRUE(decoder.Decode(text.substr(0, cut), &out).ok());
    ASSERT_TRUE(decoder.Decode(text.substr(cut), &out).ok());
    ASSERT_TRUE(decoder.Finish(&out).ok());
    EXPECT_EQ(out, "姓名\n") << "cut at " << cut;
  }
  TextDecoder decoder(TextEncoding::kUtf8);
  std::string out;
  auto bad = decoder.Decode("abc\xFF", &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("not valid UTF-8"), std::string::npos) << bad;

  Utf8Validator validator;
  for (char c : text) validator.Feed(absl::string_view(&c, 1));
  EXPECT_TRUE(validator.Finish());
  Utf8Validator gbk;
  gbk.Feed(Utf8ToGb18030("姓名").value());
  EXPECT_FALSE(gbk.Finish());
}

class TableFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::vector<CsvRow> ReadAll(const TableFile& file) {
    auto reader = OpenRows(file).value();
    std::vector<CsvRow> rows;
    CsvRow row;
    while (reader->Next(&row).value()) rows.push_back(row);
    return rows;
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("row_reader_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(TableFileTest, GbkCsvLargerThanOnePieceIsReadInFull) {
  std::string utf8 = "姓名,公民身份号码\n";
  const int kRows = 60000;  // ~1.5 MB: more than one read piece
  for (int i = 0; i < kRows; ++i) utf8 += "张三" + std::to_string(i) + ",\"11010" + std::to_string(i) + "\"\n";
  const std::string bytes = Utf8ToGb18030(utf8).value();
  const std::string path = Write("roster.csv", bytes);
  TableFile file = InspectTableFile(path, "auto").value();
  EXPECT_EQ(file.format, "csv gb18030");
  EXPECT_EQ(file.sha256, Sha256Hex(bytes));
  EXPECT_EQ(file.header, (std::vector<std::string>{"姓名", "公民身份号码"}));
  EXPECT_EQ(file.data_rows, kRows);
  ExpectSameRows(ReadAll(file), ParseCsv(utf8).value());
}

TEST_F(TableFileTest, BrokenFilesFailInTheFirstPassNamingTheFile) {
  const std::string open_quote = Write("open.csv", "a,b\n1,2\n3,\"never closed\n");
  auto inspected = InspectTableFile(open_quote, "auto");
  EXPECT_EQ(inspected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(inspected.status().message().find("open.csv"), std::string::npos) << inspected.status();
  EXPECT_NE(inspected.status().message().find("line 3"), std::string::npos) << inspected.status();

  const std::string not_utf8 = Write("bad.csv", "a,b\n1,\xFF\xFF\xFF\n");
  EXPECT_EQ(InspectTableFile(not_utf8, "utf-8").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InspectTableFile(Write("empty.csv", ""), "auto").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InspectTableFile((dir_ / "missing.csv").string(), "auto").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(InspectTableFile(Write("x.csv", "a\n"), "latin1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TableFileTest, XlsxRowsStreamWithSheetRowNumbers) {
  const std::string path = (dir_ / "roster.xlsx").string();
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "名单");
  worksheet_write_string(ws, 0, 0, "姓名", nullptr);
  worksheet_write_string(ws, 0, 1, "公民身份号码", nullptr);
  for (int r = 1; r <= 3000; ++r) {
    if (r == 5) continue;  // a blank row is skipped
    worksheet_write_string(ws, r, 0, ("学生" + std::to_string(r)).c_str(), nullptr);
    worksheet_write_number(ws, r, 1, r, nullptr);
  }
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  TableFile file = InspectTableFile(path, "auto").value();
  EXPECT_EQ(file.format, "xlsx");
  EXPECT_EQ(file.header, (std::vector<std::string>{"姓名", "公民身份号码"}));
  EXPECT_EQ(file.data_rows, 2999);
  auto rows = ReadAll(file);
  ASSERT_EQ(rows.size(), 3000u);
  EXPECT_EQ(rows[4].line, 5);
  EXPECT_EQ(rows[5].line, 7);  // sheet row 6 was blank
  EXPECT_EQ(rows[5].fields[0], "学生6");
  EXPECT_EQ(rows.back().fields[0], "学生3000");
}

// An Excel 97-2003 workbook (issue 24: an .xls upload was read as broken
// GBK): its rows as text, numbers and dates as an office sees them.
TEST(XlsReaderTest, AnExcel97WorkbookIsReadAsItsRows) {
  const std::string path = std::string(ZIZHU_SOURCE_DIR) + "/tests/data/xls/students-excel97.xls";
  auto file = InspectTableFile(path, "auto");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->format, "xls");
  EXPECT_EQ(file->header.at(1), "公民身份号码");
  EXPECT_EQ(file->data_rows, 3);
  auto reader = OpenRows(*file);
  ASSERT_TRUE(reader.ok());
  CsvRow row;
  std::vector<CsvRow> rows;
  while ((*reader)->Next(&row).value()) rows.push_back(row);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].fields[0], "张三");
  EXPECT_EQ(rows[1].fields[1], "11010519491231002X");
  EXPECT_EQ(rows[1].fields[3], "2018-03-05");           // a date cell
  EXPECT_EQ(rows[1].fields[7], "2");                    // a number cell
  EXPECT_EQ(rows[3].fields[1], "1.1010520180305e+17");  // an ID Excel made a number: shown as Excel shows it
  // Not a workbook: said so, not read as text.
  const std::string fake = ::testing::TempDir() + "/fake.xls";
  std::ofstream(fake, std::ios::binary) << std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) << "not really";
  auto broken = InspectTableFile(fake, "auto");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("not a readable Excel 97-2003 workbook"), std::string::npos)
      << broken.status();
}

}  // namespace
}  // namespace zizhu::tools
