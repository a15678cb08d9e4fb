#include "gtest/gtest.h"
#include "libs/files/import/csv_reader.h"
#include "libs/files/import/student_row_parser.h"
#include "libs/files/import/text_encoding.h"

namespace zizhu::tools {
using namespace zizhu::rules;  // NOLINT: value parsers under test
namespace {

namespace v1 = zizhu::registry::v1;

TEST(TextEncodingTest, DetectsUtf8BomAndGbk) {
  TextEncoding detected;
  EXPECT_EQ(ToUtf8("\xEF\xBB\xBF姓名", TextEncoding::kAuto, &detected).value(), "姓名");
  EXPECT_EQ(detected, TextEncoding::kUtf8);
  std::string gbk = Utf8ToGb18030("姓名,公民身份号码\n张三,1\n").value();
  EXPECT_FALSE(IsValidUtf8(gbk));
  EXPECT_EQ(ToUtf8(gbk, TextEncoding::kAuto, &detected).value(), "姓名,公民身份号码\n张三,1\n");
  EXPECT_EQ(detected, TextEncoding::kGb18030);
  EXPECT_FALSE(ToUtf8(gbk, TextEncoding::kUtf8).ok());
  EXPECT_FALSE(ParseEncodingName("latin1").ok());
}

TEST(CsvTest, QuotesNewlinesAndCrlf) {
  auto rows = ParseCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"multi\nline\"\r\n\r\nlast,,\n").value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "multi\nline"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 5);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"last", "", ""}));
  EXPECT_EQ(ParseCsv("a,\"open\n").status().message(), "line 1: quoted field is never closed");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
}

TEST(HeaderMappingTest, AcceptsVariantsAndReportsMissingColumns) {
  HeaderMapping m = HeaderMapping::Default();
  auto cols =
      m.Resolve({" 姓名 ", "身份证号码", "学校标识码", "学段", "年级（必填）", "班级", "一卡通账号", "备注"}).value();
  EXPECT_EQ(cols["name"], 0);
  EXPECT_EQ(cols["national_id"], 1);
  EXPECT_EQ(cols["grade"], 4);
  EXPECT_EQ(cols["bank_card"], 6);
  auto missing = m.Resolve({"姓名", "学段"});
  EXPECT_EQ(missing.status().message(),
            "header row lacks required column(s): national_id, school_code, grade (add them or give a mapping file)");
  ASSERT_TRUE(m.AddFromText("# county 3 exports\nnational_id = 证件号\n").ok());
  EXPECT_EQ(m.Resolve({"姓名", "证件号", "学校标识码", "学段", "年级"}).value()["national_id"], 1);
  EXPECT_FALSE(m.AddFromText("nonsense = x").ok());
  EXPECT_FALSE(m.Resolve({"姓名", "身份证号", "公民身份号码", "学校标识码", "学段", "年级"}).ok());
}

TEST(ValueParsingTest, DatesInTheFormatsOfficesUse) {
  for (const char* text : {"2010-03-07", "2010/3/7", "2010.03.07", "2010年3月7日", "20100307", "２０１０-０３-０７"}) {
    auto d = ParseDate(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(d->year(), 2010);
    EXPECT_EQ(d->month(), 3);
    EXPECT_EQ(d->day(), 7);
  }
  EXPECT_FALSE(ParseDate("2010-02-30").ok());
  EXPECT_FALSE(ParseDate("March 7").ok());
}

TEST(ValueParsingTest, StagesGradesStatusesCategories) {
  EXPECT_EQ(ParseStage("小学").value(), v1::EDUCATION_STAGE_PRIMARY);
  EXPECT_EQ(ParseStage(" 中职 ").value(), v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL);
  EXPECT_FALSE(ParseStage("夜校").ok());
  EXPECT_EQ(ParseGrade("3").value(), 3);
  EXPECT_EQ(ParseGrade("三年级").value(), 3);
  EXPECT_EQ(ParseGrade("初二").value(), 2);
  EXPECT_EQ(ParseGrade("５").value(), 5);
  EXPECT_EQ(ParseStatus("辍学").value(), v1::ENROLMENT_STATUS_DROPPED_OUT);
  EXPECT_EQ(ParseStatus("").value(), v1::ENROLMENT_STATUS_ENROLLED);
  EXPECT_TRUE(ParseYesNo("是").value());
  EXPECT_FALSE(ParseYesNo("否").value());
  auto cats = ParseCategories("建档立卡、低保；留守儿童").value();
  EXPECT_EQ(cats, (std::vector<v1::PovertyCategory>{v1::POVERTY_CATEGORY_REGISTERED_POOR,
                                                    v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE,
                                                    v1::POVERTY_CATEGORY_LEFT_BEHIND}));
}

TEST(RowParsingTest, ExcelMangledIdIsReportedWithColumn) {
  HeaderMapping m = HeaderMapping::Default();
  auto cols = m.Resolve({"姓名", "身份证号", "学校标识码", "学段", "年级"}).value();
  RowError error;
  auto row = ParseStudentRow({"张三", "2.10102E+17", "3121000001", "小学", "3"}, cols, &error);
  EXPECT_FALSE(row.ok());
  EXPECT_EQ(error.column, "national_id");
  EXPECT_NE(error.reason.find("Excel"), std::string::npos);
  auto good =
      ParseStudentRow({" 张三 ", "１１０１０５１９４９１２３１００２ｘ", "3121000001", "小学", "三年级"}, cols, &error);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->national_id(), "11010519491231002X");
  EXPECT_EQ(good->name(), "张三");
  EXPECT_EQ(good->grade(), 3);
  auto bad_grade = ParseStudentRow({"张三", "11010519491231002X", "3121000001", "小学", "abc"}, cols, &error);
  EXPECT_FALSE(bad_grade.ok());
  EXPECT_EQ(error.column, "grade");
}

}  // namespace
}  // namespace zizhu::tools
