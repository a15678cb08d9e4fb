// Terminal tables: padding by display width keeps Chinese columns aligned.
#include "tools/cli/table.h"

#include <sstream>

#include "gtest/gtest.h"

namespace zizhu::cli {
namespace {

TEST(TableTest, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("张小明"), 6);
  EXPECT_EQ(DisplayWidth("2班"), 3);
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);       // full-width Latin
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);  // e + combining acute
  EXPECT_EQ(DisplayWidth(""), 0);
}

TEST(TableTest, ColumnsAlignWhateverTheScript) {
  std::ostringstream out;
  TableWriter table(out, {{"name", 8}, {"class", 6}, {"school", 0}});
  table.Row({"张小明", "2班", "红星小学"});
  table.Row({"Li Si", "10", "x"});
  EXPECT_EQ(out.str(),
            "name     class  school\n"
            "张小明   2班    红星小学\n"
            "Li Si    10     x\n");
}

TEST(TableTest, HeaderOnceAndLongCellsPushOnlyTheirRow) {
  std::ostringstream out;
  TableWriter table(out, {{"a", 2}, {"b", 0}});
  table.Row({"很长的名字", "1"});
  table.Row({"x", "2"});
  EXPECT_EQ(out.str(), "a  b\n很长的名字 1\nx  2\n");
}

}  // namespace
}  // namespace zizhu::cli
