#include "libs/rules/national_id.h"

#include "gtest/gtest.h"
#include "libs/rules/dates.h"

namespace zizhu::rules {
namespace {

std::string WithCheck(const std::string& first17) { return first17 + NationalIdCheckCharacter(first17); }

TEST(NationalIdTest, KnownValidIdPasses) {
  // GB 11643 worked example: 11010519491231002X.
  auto info = ValidateNationalId("11010519491231002X");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->birth_date.year(), 1949);
  EXPECT_EQ(info->birth_date.month(), 12);
  EXPECT_EQ(info->birth_date.day(), 31);
  EXPECT_EQ(info->gender, v1::GENDER_FEMALE);  // 17th digit 2 is even
  EXPECT_EQ(info->region_code, "110105");
}

// Probe finding 11: the reasons printed the whole invalid ID — often a real
// one with a typo — while the column beside it was masked.
TEST(NationalIdTest, WrongCheckDigitNamesTheFieldAndTheValueMasked) {
  auto info = ValidateNationalId("110105194912310021");
  ASSERT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(info.status().message()),
            "national_id '1101************21' is not a valid national ID: its check digit does not match the other 17 "
            "characters (a typo?)");
  EXPECT_EQ(info.status().message().find("194912"), std::string::npos);
}

TEST(NationalIdTest, RejectsBadLengthCharactersProvinceAndDate) {
  EXPECT_NE(ValidateNationalId("1101051949123100").status().message().find("must be 18 characters, got 16"),
            std::string::npos);
  EXPECT_NE(ValidateNationalId("110105491231002").status().message().find("15-digit"), std::string::npos);
  EXPECT_NE(ValidateNationalId("11010519491231A02X").status().message().find("character 15 must be a digit"),
            std::string::npos);
  EXPECT_NE(ValidateNationalId(WithCheck("99010519491231002")).status().message().find("unknown province 99"),
            std::string::npos);
  EXPECT_NE(
      ValidateNationalId(WithCheck("21010220100230002")).status().message().find("2010-02-30 is not a valid date"),
      std::string::npos);
  EXPECT_TRUE(ValidateNationalId(WithCheck("21010220120229001")).ok());   // leap day
  EXPECT_FALSE(ValidateNationalId(WithCheck("21010219000229001")).ok());  // 1900 is not leap
}

TEST(NationalIdTest, NormalizesWhatSpreadsheetsDo) {
  EXPECT_EQ(NormalizeNationalId(" 11010519491231002x "), "11010519491231002X");
  EXPECT_EQ(NormalizeNationalId("'11010519491231002X"), "11010519491231002X");
  EXPECT_EQ(NormalizeNationalId("１１０１０５１９４９１２３１００２Ｘ"), "11010519491231002X");
  EXPECT_EQ(NormalizeNationalId("110105\xE3\x80\x80"
                                "19491231002X"),
            "11010519491231002X");
  EXPECT_EQ(NormalizeNationalId("1101051949\xC2\xA0"
                                "1231002X"),
            "11010519491231002X");
}

TEST(NationalIdTest, OddSequenceDigitIsMale) {
  auto info = ValidateNationalId(WithCheck("21010220100101001"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->gender, v1::GENDER_MALE);
}

TEST(DatesTest, Validity) {
  EXPECT_TRUE(IsValidDate(2000, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 13, 1));
  EXPECT_FALSE(IsValidDate(2023, 4, 31));
}

}  // namespace
}  // namespace zizhu::rules
