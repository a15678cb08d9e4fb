// A refusal made by the kit travels as google.rpc.ErrorInfo through the gRPC
// status details and is said in the operator's language.
#include "libs/reasons/reasons.h"

#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "libs/rules/text.h"
#include "services/common/auth/access.h"
#include "services/common/grpc/status_convert.h"

namespace zizhu::reasons {
namespace {

// Every language a refusal is said in: the words, no placeholder left, no
// English letters in the Chinese but the values quoted from the input.
void ExpectSaid(const absl::Status& refused, const std::string& zh, const std::string& en) {
  const grpc::Status on_the_wire = ToGrpcStatus(refused);
  std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(on_the_wire);
  ASSERT_TRUE(info.has_value()) << refused;
  EXPECT_EQ(info->domain(), "zizhu");
  EXPECT_EQ(on_the_wire.error_message(), std::string(refused.message()));  // English stays the message
  std::optional<std::string> chinese = Render(*info, true), english = Render(*info, false);
  ASSERT_TRUE(chinese.has_value()) << info->reason() << " is not in reasons.tsv";
  EXPECT_EQ(*chinese, zh);
  EXPECT_EQ(*english, en);
}

TEST(ReasonsTest, ARoleRefusedIsSaidWithTheRolesAndTheActionsWords) {
  auth::Caller reviewer;
  reviewer.role = auth::Role::kReviewer;
  reviewer.scope = "3121000001";
  ExpectSaid(auth::Require(reviewer, auth::kReadAudit), "评审小组无权查阅审计记录",
             "the role reviewer may not read the audit");
}

TEST(ReasonsTest, OutOfScopeNamesWhatInTheOperatorsWords) {
  ExpectSaid(auth::OutOfScope("case", "nid-14bd#1"), "案件「nid-14bd#1」不存在，或不在您的管辖范围内",
             "case 'nid-14bd#1' not found");
}

TEST(ReasonsTest, FieldRefusalsNameTheField) {
  ExpectSaid(rules::CheckText("reason", "", 100, true), "请填写原因", "reason is required");
  ExpectSaid(rules::CheckText("note", std::string(120, 'x'), 100, false), "备注过长：120 字节，至多 100 字节",
             "note is 120 bytes; at most 100");
}

TEST(ReasonsTest, ABadNationalIdSaysWhatIsWrongMasked) {
  absl::Status refused = rules::ValidateNationalId("210102201503011235", "national_id").status();
  std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "NATIONAL_ID_CHECK_DIGIT");
  const std::string zh = *Render(*info, true);
  EXPECT_TRUE(absl::StartsWith(zh, "身份证号「")) << zh;
  EXPECT_NE(zh.find("校验位不符"), std::string::npos) << zh;
  EXPECT_EQ(zh.find("201503011235"), std::string::npos) << "the ID is masked: " << zh;
}

TEST(ReasonsTest, EveryReasonHasBothLanguagesAndKnownPlaceholders) {
  for (const auto& [key, words] : Catalogue()) {
    EXPECT_FALSE(words.zh.empty()) << key;
    EXPECT_FALSE(words.en.empty()) << key;
    // The same placeholders in both languages (a parameter given in each
    // language, X_zh and X_en or X, counts as one).
    auto names = [](const std::string& s, const std::string& suffix) {
      std::set<std::string> out;
      for (size_t i = s.find('{'); i != std::string::npos; i = s.find('{', i + 1)) {
        std::string name = s.substr(i + 1, s.find('}', i) - i - 1);
        if (absl::EndsWith(name, suffix)) name.resize(name.size() - suffix.size());
        out.insert(name);
      }
      return out;
    };
    EXPECT_EQ(names(words.zh, "_zh"), names(words.en, "_en")) << key;
  }
}

TEST(ReasonsTest, EveryLineOfTheCatalogueIsACommentOrAReason) {
  EXPECT_THAT(CatalogueProblems(), ::testing::IsEmpty());
}

TEST(ReasonsTest, AnUnknownReasonIsLeftToTheMessage) {
  common::v1::ErrorInfo info;
  info.set_reason("NO_SUCH_REASON");
  EXPECT_FALSE(Render(info, true).has_value());
}

}  // namespace
}  // namespace zizhu::reasons
