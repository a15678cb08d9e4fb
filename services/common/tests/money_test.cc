#include "services/common/core/money.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zizhu {
namespace {

TEST(FenTest, ParsesYuanExactly) {
  EXPECT_EQ(Fen::ParseYuan("1000").value(), Fen::FromFen(100000));
  EXPECT_EQ(Fen::ParseYuan("12.5").value(), Fen::FromFen(1250));
  EXPECT_EQ(Fen::ParseYuan("0.07").value(), Fen::FromFen(7));
  EXPECT_EQ(Fen::ParseYuan("-3.00").value(), Fen::FromFen(-300));
}

TEST(FenTest, RejectsWhatIsNotAnAmountAndNamesIt) {
  for (const char* bad : {"", "1.234", "1e3", "abc", ".5", "1.", "12,50"}) {
    auto parsed = Fen::ParseYuan(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(std::string("'") + bad + "'"), std::string::npos);
  }
}

TEST(FenTest, ReadsAnAmountAsAnOfficeTypesIt) {
  EXPECT_EQ(Fen::ParseTypedYuan("20,000")->fen(), 2000000);
  EXPECT_EQ(Fen::ParseTypedYuan(" 1,234,567.5 ")->fen(), 123456750);
  EXPECT_EQ(Fen::ParseTypedYuan("20，000元")->fen(), 2000000);
  EXPECT_EQ(Fen::ParseTypedYuan("￥ 300")->fen(), 30000);
  EXPECT_EQ(Fen::ParseTypedYuan("12500.50")->fen(), 1250050);
  for (const char* bad : {"20,00", "2,0000", ",000", "20,000.5.1", "1e5", "", "元"}) {
    absl::StatusOr<Fen> fen = Fen::ParseTypedYuan(bad);
    EXPECT_FALSE(fen.ok()) << bad;
    if (!fen.ok()) {
      EXPECT_THAT(std::string(fen.status().message()), testing::HasSubstr(absl::StrCat("'", bad, "'")));
    }
  }
}

TEST(FenTest, FormatsAsYuan) {
  EXPECT_EQ(Fen::FromFen(220000).ToYuanString(), "2200.00");
  EXPECT_EQ(Fen::FromFen(-5).ToYuanString(), "-0.05");
  EXPECT_EQ(Fen::FromFen(std::numeric_limits<int64_t>::min()).ToYuanString(), "-92233720368547758.08");
}

TEST(FenTest, CheckedArithmeticDetectsOverflow) {
  Fen max = Fen::FromFen(std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(max.CheckedAdd(Fen::FromFen(1)).has_value());
  EXPECT_EQ(Fen::FromFen(5).CheckedSub(Fen::FromFen(7)).value(), Fen::FromFen(-2));
  EXPECT_FALSE(max.CheckedMul(2).has_value());
}

TEST(FenTest, SplitAddsUpExactly) {
  // A yearly grant paid in two semesters: the halves must add up to the year.
  Fen year = Fen::FromFen(100001);
  EXPECT_EQ(year.PartOfSplit(2, 0), Fen::FromFen(50001));
  EXPECT_EQ(year.PartOfSplit(2, 1), Fen::FromFen(50000));
  Fen negative = Fen::FromFen(-7);
  EXPECT_EQ(negative.PartOfSplit(3, 0).fen() + negative.PartOfSplit(3, 1).fen() + negative.PartOfSplit(3, 2).fen(), -7);
}

}  // namespace
}  // namespace zizhu
