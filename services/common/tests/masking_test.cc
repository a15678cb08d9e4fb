#include "services/common/crypto/masking.h"

#include "gtest/gtest.h"

namespace zizhu {
namespace {

TEST(MaskingTest, MasksChineseNames) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("张小明"), "张*明");
  EXPECT_EQ(MaskName("欧阳小明"), "欧**明");
  EXPECT_EQ(MaskName("李"), "*");
  EXPECT_EQ(MaskName(""), "");
}

TEST(MaskingTest, MasksNumbers) {
  EXPECT_EQ(MaskNationalId("210102201001011234"), "2101************34");
  EXPECT_EQ(MaskBankCard("6217000010001234567"), "6217***********4567");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("123"), "***");
}

}  // namespace
}  // namespace zizhu
