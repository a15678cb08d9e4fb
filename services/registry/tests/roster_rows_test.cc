// Roster row validation and the roster import decisions. No I/O.
#include "services/registry/domain/roster_rows.h"

#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"

namespace zizhu::registry {
namespace {

class FakeProtector final : public PersonalDataProtector {
 public:
  absl::StatusOr<v1::ProtectedValue> Protect(absl::string_view plain, PersonalField) override {
    v1::ProtectedValue v;
    v.mutable_sealed()->set_ciphertext("sealed");
    v.set_masked("masked:" + std::string(plain.substr(0, 4)));
    return v;
  }
  std::string NationalIdHash(absl::string_view id) override { return "hash:" + std::string(id); }
};

std::string ValidId(const std::string& first17) { return first17 + rules::NationalIdCheckCharacter(first17); }

v1::RosterRowInput Row(int number, std::map<std::string, std::string> fields) {
  v1::RosterRowInput row;
  row.set_row_number(number);
  for (auto& [k, v] : fields) (*row.mutable_fields())[k] = v;
  return row;
}

TEST(RosterRowsTest, PovertyRowBecomesAPersonWithSealedId) {
  FakeProtector protector;
  auto out = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE,
                               Row(2, {{"national_id", ValidId("21010220160301001")},
                                       {"name", "张三"},
                                       {"household_number", "２１０１０２"},
                                       {"county", "和平区"},
                                       {"household_type", "低保贫困户"},
                                       {"year_registered", "2016"}}),
                               protector);
  ASSERT_TRUE(out.ok) << out.rejected.reason();
  const auto& p = out.applied.person();
  EXPECT_EQ(p.national_id_hash(), "hash:" + ValidId("21010220160301001"));
  EXPECT_EQ(p.household_number(), "210102");  // full-width digits normalised
  EXPECT_EQ(p.household_type(), v1::HOUSEHOLD_TYPE_SUBSISTENCE_ALLOWANCE);
  EXPECT_EQ(p.birth_date().year(), 2016);
  EXPECT_EQ(out.applied.change(), v1::ROSTER_CHANGE_UPSERT);
}

TEST(RosterRowsTest, ExitedHouseholdNeedsItsYearAndIsAnExit) {
  FakeProtector protector;
  std::map<std::string, std::string> fields = {{"national_id", ValidId("21010220160301001")},
                                               {"name", "张三"},
                                               {"household_number", "H1"},
                                               {"exit_status", "已脱贫"}};
  auto missing = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE, Row(2, fields), protector);
  ASSERT_FALSE(missing.ok);
  EXPECT_EQ(missing.rejected.column(), "year_exited");
  fields["year_exited"] = "2021";
  auto exited = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE, Row(2, fields), protector);
  ASSERT_TRUE(exited.ok);
  EXPECT_EQ(exited.applied.change(), v1::ROSTER_CHANGE_EXIT);
  EXPECT_EQ(exited.applied.person().year_exited(), 2021);
}

// Issue 22: an exit said by the change (system to system), not by exit_status.
TEST(RosterRowsTest, AnExitChangeKeepsItsYearAndNeedsOne) {
  FakeProtector protector;
  std::map<std::string, std::string> fields = {
      {"national_id", ValidId("21010220160301001")}, {"name", "张三"}, {"household_number", "H1"}};
  v1::RosterRowInput row = Row(2, fields);
  row.set_change(v1::ROSTER_CHANGE_EXIT);
  auto missing = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE, row, protector);
  ASSERT_FALSE(missing.ok);
  EXPECT_EQ(missing.rejected.column(), "year_exited");
  (*row.mutable_fields())["year_exited"] = "2023";
  auto exited = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE, row, protector);
  ASSERT_TRUE(exited.ok) << exited.rejected.reason();
  EXPECT_EQ(exited.applied.change(), v1::ROSTER_CHANGE_EXIT);
  EXPECT_EQ(exited.applied.person().year_exited(), 2023);
}

TEST(RosterRowsTest, RejectionsSayKindColumnAndReason) {
  FakeProtector protector;
  auto bad_id = ValidateRosterRow(
      v1::ROSTER_SOURCE_CIVIL_AFFAIRS,
      Row(3, {{"national_id", "2.10102E+17"}, {"name", "李四"}, {"assistance_type", "低保"}}), protector);
  EXPECT_EQ(bad_id.rejected.kind(), v1::REJECTION_KIND_INVALID_ID);
  EXPECT_EQ(bad_id.rejected.row_number(), 3);
  auto bad_type = ValidateRosterRow(
      v1::ROSTER_SOURCE_CIVIL_AFFAIRS,
      Row(4, {{"national_id", ValidId("21010220160301001")}, {"name", "李四"}, {"assistance_type", "五保"}}),
      protector);
  EXPECT_EQ(bad_type.rejected.kind(), v1::REJECTION_KIND_BAD_VALUE);
  EXPECT_EQ(bad_type.rejected.column(), "assistance_type");
  EXPECT_EQ(bad_type.rejected.reason(), "'五保' is not 低保, 特困 or 孤儿");
  auto unknown = ValidateRosterRow(v1::ROSTER_SOURCE_STUDENT_STATUS,
                                   Row(5, {{"national_id", ValidId("21010220160301001")}, {"salary", "1"}}), protector);
  EXPECT_EQ(unknown.rejected.column(), "salary");
  auto missing =
      ValidateRosterRow(v1::ROSTER_SOURCE_STUDENT_STATUS,
                        Row(6, {{"national_id", ValidId("21010220160301001")}, {"name", "王五"}}), protector);
  EXPECT_EQ(missing.rejected.reason(), "school_code or school_name is required");
}

TEST(RosterRowsTest, RejectionReasonsNeverCarryTheIdOrPhoneInClear) {
  FakeProtector protector;
  // A wrong check digit: the reason is kept in the topic, the projection and
  // the work queue, so it names the ID masked.
  auto bad = ValidateRosterRow(
      v1::ROSTER_SOURCE_POVERTY_OFFICE,
      Row(7, {{"national_id", "210102201603010010"}, {"name", "李四"}, {"household_number", "H1"}}), protector);
  EXPECT_EQ(bad.rejected.kind(), v1::REJECTION_KIND_INVALID_ID);
  EXPECT_EQ(bad.rejected.reason().find("210102201603010010"), std::string::npos) << bad.rejected.reason();
  EXPECT_NE(bad.rejected.reason().find("2101************10"), std::string::npos) << bad.rejected.reason();
  auto phone = ValidateRosterRow(v1::ROSTER_SOURCE_POVERTY_OFFICE,
                                 Row(8, {{"national_id", ValidId("21010220160301001")},
                                         {"name", "李四"},
                                         {"household_number", "H1"},
                                         {"phone", "13812345678"},
                                         {"year_registered", "13812345678"}}),
                                 protector);
  ASSERT_FALSE(phone.ok);
  EXPECT_EQ(phone.rejected.column(), "year_registered");
  EXPECT_EQ(phone.rejected.reason().find("13812345678"), std::string::npos) << phone.rejected.reason();
}

TEST(RosterRowsTest, DisabilityCategoriesAndBirthDateConflictsAreKept) {
  FakeProtector protector;
  auto out = ValidateRosterRow(v1::ROSTER_SOURCE_CIVIL_AFFAIRS,
                               Row(2, {{"national_id", ValidId("21010220160301002")},
                                       {"name", "赵六"},
                                       {"disability_category", "听力残疾"},
                                       {"birth_date", "2016年3月2日"}}),
                               protector);
  ASSERT_TRUE(out.ok) << out.rejected.reason();
  EXPECT_EQ(out.applied.person().disability(), v1::DISABILITY_CATEGORY_HEARING);
  EXPECT_EQ(out.applied.person().birth_date().day(), 2);  // the source's value
  EXPECT_EQ(out.applied.note(), "birth_date column says 2016-03-02, the ID says 2016-03-01");
}

TEST(RosterRowsTest, SourceNames) {
  EXPECT_EQ(rules::ParseRosterSource("poverty").value(), v1::ROSTER_SOURCE_POVERTY_OFFICE);
  EXPECT_EQ(rules::ParseRosterSource("民政").value(), v1::ROSTER_SOURCE_CIVIL_AFFAIRS);
  EXPECT_FALSE(rules::ParseRosterSource("police").ok());
}

}  // namespace
}  // namespace zizhu::registry
