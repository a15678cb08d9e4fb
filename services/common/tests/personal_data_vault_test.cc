#include "services/common/crypto/personal_data_vault.h"

#include <filesystem>

#include "gtest/gtest.h"

namespace zizhu {
namespace {

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(PersonalDataVaultTest, SealsAndOpens) {
  auto vault = PersonalDataVault::FromHexKey(kKey).value();
  auto sealed = vault->Seal("210102201001011234", "national_id").value();
  EXPECT_EQ(sealed.ciphertext().find("210102201001011234"), std::string::npos);
  EXPECT_EQ(vault->Open(sealed, "national_id").value(), "210102201001011234");
}

TEST(PersonalDataVaultTest, ContextIsBound) {
  auto vault = PersonalDataVault::FromHexKey(kKey).value();
  auto sealed = vault->Seal("13812345678", "phone").value();
  auto opened = vault->Open(sealed, "national_id");
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(PersonalDataVaultTest, TamperingIsDetected) {
  auto vault = PersonalDataVault::FromHexKey(kKey).value();
  auto sealed = vault->Seal("6217000010001234567", "bank_card").value();
  std::string ct = sealed.ciphertext();
  ct[0] ^= 1;
  sealed.set_ciphertext(ct);
  EXPECT_EQ(vault->Open(sealed, "bank_card").status().code(), absl::StatusCode::kDataLoss);
}

TEST(PersonalDataVaultTest, SealingIsRandomisedButHashIsStable) {
  auto vault = PersonalDataVault::FromHexKey(kKey).value();
  auto a = vault->Seal("x", "phone").value();
  auto b = vault->Seal("x", "phone").value();
  EXPECT_NE(a.ciphertext(), b.ciphertext());
  EXPECT_EQ(vault->LookupHash("210102201001011234", "national_id"),
            vault->LookupHash("210102201001011234", "national_id"));
  EXPECT_NE(vault->LookupHash("210102201001011234", "national_id"),
            vault->LookupHash("210102201001011235", "national_id"));
  EXPECT_EQ(vault->LookupHash("a", "b").size(), 32u);
}

TEST(PersonalDataVaultTest, OtherKeyCannotOpen) {
  auto vault = PersonalDataVault::FromHexKey(kKey).value();
  auto other =
      PersonalDataVault::FromHexKey("ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff").value();
  auto sealed = vault->Seal("x", "phone").value();
  EXPECT_EQ(other->Open(sealed, "phone").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(vault->LookupHash("x", "c"), other->LookupHash("x", "c"));
}

TEST(PersonalDataVaultTest, BadKeysAreRejectedWithTheReason) {
  auto short_key = PersonalDataVault::FromHexKey("abcd");
  EXPECT_EQ(short_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(short_key.status().message().find("got 4 characters"), std::string::npos);
  auto missing = PersonalDataVault::FromKeyFile("/nonexistent/key");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PersonalDataVaultTest, GeneratesKeyFileOnce) {
  std::string path = testing::TempDir() + "/vault_key_test";
  std::filesystem::remove(path);
  ASSERT_TRUE(PersonalDataVault::GenerateKeyFile(path).ok());
  EXPECT_TRUE(PersonalDataVault::FromKeyFile(path).ok());
  EXPECT_FALSE(PersonalDataVault::GenerateKeyFile(path).ok());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace zizhu
