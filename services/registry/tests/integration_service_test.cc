// The system-to-system API on the real gRPC server (port 0, in-memory log).
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rules/national_id.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/es/memory_event_log.h"
#include "services/registry/app/agency_directory.h"
#include "services/registry/tests/registry_harness.h"
#include "zizhu/integration/v1/integration_service.grpc.pb.h"

namespace zizhu::registry {
namespace {

namespace iv1 = integration::v1;

std::string ValidId(const std::string& first17) { return first17 + rules::NationalIdCheckCharacter(first17); }

class IntegrationServiceTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/integration_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/agencies") << "# agency source sha256(key)\n"
                                      << "fpb-210102 poverty " << Sha256Hex("poverty-secret") << " 210102\n"
                                      << "fpb-210105 poverty " << Sha256Hex("poverty-105") << " 210105\n"
                                      << "mz-210102 civil " << Sha256Hex("civil-secret") << " 210102\n"
                                      << "xj-210102 status " << Sha256Hex("status-secret") << "\n";
    vault_ = PersonalDataVault::FromHexKey(std::string(64, 'a')).value();
    RegistryOptions options;
    options.agencies_file = dir_ + "/agencies";
    server_ = RegistryUnderTest::Start(topics_, vault_.get(), &clock_, dir_ + "/projection", options);
    stub_ = iv1::AgencyIntegrationService::NewStub(server_->harness().ChannelWithToken(""));
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& agency, const std::string& key) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-zizhu-agency", agency);
    ctx->AddMetadata("x-zizhu-agency-key", key);
    return ctx;
  }

  iv1::PushRosterChangesRequest PovertyPush() {
    iv1::PushRosterChangesRequest push;
    push.set_request_id("batch-2026-11-30-001");
    auto* child = push.add_changes();
    (*child->mutable_fields())["national_id"] = ValidId("21010220160301001");
    (*child->mutable_fields())["name"] = "张小明";
    (*child->mutable_fields())["household_number"] = "H1";
    auto* bad = push.add_changes();
    (*bad->mutable_fields())["national_id"] = "210102201603010010";
    (*bad->mutable_fields())["name"] = "李四";
    (*bad->mutable_fields())["household_number"] = "H2";
    return push;
  }

  std::string dir_;
  testing_kit::MemoryTopics topics_;
  es::MemoryEventLog& log_ = *topics_.Get(kRegistryTopic);
  ManualClock clock_{absl::FromUnixSeconds(1788220800)};  // 2026-09-01
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<RegistryUnderTest> server_;
  std::unique_ptr<iv1::AgencyIntegrationService::Stub> stub_;
};

TEST_F(IntegrationServiceTest, UnknownAgencyOrWrongKeyIsUnauthenticated) {
  iv1::PushRosterChangesResponse resp;
  EXPECT_EQ(stub_->PushRosterChanges(As("fpb-210102", "guess").get(), PovertyPush(), &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->PushRosterChanges(As("nobody", "poverty-secret").get(), PovertyPush(), &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->PushRosterChanges(&anonymous, PovertyPush(), &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(log_.events(), 0u);
}

TEST_F(IntegrationServiceTest, PushAppliesGoodRowsReportsBadOnesAndIsIdempotent) {
  iv1::PushRosterChangesResponse first, second;
  ASSERT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), PovertyPush(), &first).ok());
  EXPECT_EQ(first.applied(), 1);
  ASSERT_EQ(first.rejected_size(), 1);
  EXPECT_EQ(first.rejected(0).row_number(), 2);
  EXPECT_EQ(first.rejected(0).kind(), v1::REJECTION_KIND_INVALID_ID);
  size_t events = log_.events();
  ASSERT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), PovertyPush(), &second).ok());
  // The same answer (its reasons' parameters are a map: compared in a fixed order).
  EXPECT_EQ(SerializeDeterministic(second), SerializeDeterministic(first));
  EXPECT_EQ(log_.events(), events);
}

TEST_F(IntegrationServiceTest, AnAgencySeesOnlyPeopleInItsOwnRoster) {
  iv1::PushRosterChangesResponse pushed;
  ASSERT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), PovertyPush(), &pushed).ok());
  iv1::PullMatchResultsRequest pull;
  pull.set_category(v1::MATCH_CATEGORY_NOT_ENROLLED);
  iv1::PullMatchResultsResponse poverty_view, status_view;
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210102", "poverty-secret").get(), pull, &poverty_view).ok());
  ASSERT_EQ(poverty_view.results_size(), 1);
  EXPECT_EQ(poverty_view.results(0).name(), "张小明");
  ASSERT_TRUE(stub_->PullMatchResults(As("xj-210102", "status-secret").get(), pull, &status_view).ok());
  EXPECT_EQ(status_view.results_size(), 0);

  // The school system reports the child enrolled: both views change at once.
  iv1::PushRosterChangesRequest enrol;
  enrol.set_request_id("xj-1");
  auto* row = enrol.add_changes();
  (*row->mutable_fields())["national_id"] = ValidId("21010220160301001");
  (*row->mutable_fields())["name"] = "张小明";
  (*row->mutable_fields())["school_code"] = "3121000101";
  (*row->mutable_fields())["stage"] = "小学";
  (*row->mutable_fields())["grade"] = "5";
  ASSERT_TRUE(stub_->PushRosterChanges(As("xj-210102", "status-secret").get(), enrol, &pushed).ok());
  EXPECT_EQ(pushed.applied(), 1);
  pull.set_category(v1::MATCH_CATEGORY_POOR_IN_ONE_SOURCE_ONLY);
  ASSERT_TRUE(stub_->PullMatchResults(As("xj-210102", "status-secret").get(), pull, &status_view).ok());
  EXPECT_EQ(status_view.results_size(), 1);
}

// Issue 22: an exit pushed as ROSTER_CHANGE_EXIT with its year and no
// exit_status column kept "exited in 0" and the child left the gap list.
TEST_F(IntegrationServiceTest, AnExitChangeKeepsItsYearAndTheChildInTheTransitionPeriod) {
  iv1::PushRosterChangesResponse pushed;
  ASSERT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), PovertyPush(), &pushed).ok());
  auto exit_push = [&](const std::string& request_id, const std::string& year) {
    iv1::PushRosterChangesRequest exit;
    exit.set_request_id(request_id);
    auto* row = exit.add_changes();
    row->set_change(v1::ROSTER_CHANGE_EXIT);
    (*row->mutable_fields())["national_id"] = ValidId("21010220160301001");
    (*row->mutable_fields())["name"] = "张小明";
    (*row->mutable_fields())["household_number"] = "H1";
    if (!year.empty()) (*row->mutable_fields())["year_exited"] = year;
    iv1::PushRosterChangesResponse response;
    EXPECT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), exit, &response).ok());
    return response;
  };
  // Without its year: refused, naming the field.
  iv1::PushRosterChangesResponse no_year = exit_push("exit-no-year", "");
  EXPECT_EQ(no_year.applied(), 0);
  ASSERT_EQ(no_year.rejected_size(), 1);
  EXPECT_EQ(no_year.rejected(0).column(), "year_exited");

  ASSERT_EQ(exit_push("exit-2023", "2023").applied(), 1);
  iv1::PullMatchResultsRequest pull;
  pull.set_category(v1::MATCH_CATEGORY_NOT_ENROLLED);
  iv1::PullMatchResultsResponse gap;
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210102", "poverty-secret").get(), pull, &gap).ok());
  // Still a not-enrolled child of a registered-poor household (exited
  // three years before the reference date, 2026): in the gap list.
  ASSERT_EQ(gap.results_size(), 1);
  EXPECT_TRUE(gap.results(0).age_sensitive());

  // Exited eight years before: beyond the window, out of the gap list.
  ASSERT_EQ(exit_push("exit-2018", "2018").applied(), 1);
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210102", "poverty-secret").get(), pull, &gap).ok());
  EXPECT_EQ(gap.results_size(), 0);
}

// Probe finding 9: a county's poverty office (key scoped to 210105) pulled
// another county's not-enrolled children, and civil affairs pushing an ID it
// knew got the poverty office's name for the child in the conflict.
TEST_F(IntegrationServiceTest, AnAgencySeesItsOwnAreaAndOfOthersOnlyThatTheyDiffer) {
  iv1::PushRosterChangesResponse pushed;
  ASSERT_TRUE(stub_->PushRosterChanges(As("fpb-210102", "poverty-secret").get(), PovertyPush(), &pushed).ok());
  iv1::PullMatchResultsRequest pull;
  pull.set_category(v1::MATCH_CATEGORY_NOT_ENROLLED);
  iv1::PullMatchResultsResponse own_county, other_county, other_county_asked;
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210102", "poverty-secret").get(), pull, &own_county).ok());
  EXPECT_EQ(own_county.results_size(), 1);
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210105", "poverty-105").get(), pull, &other_county).ok());
  EXPECT_EQ(other_county.results_size(), 0);
  pull.set_county("210102");
  ASSERT_TRUE(stub_->PullMatchResults(As("fpb-210105", "poverty-105").get(), pull, &other_county_asked).ok());
  EXPECT_EQ(other_county_asked.results_size(), 0);
  // Nor push people of another county: the whole push is refused.
  iv1::PushRosterChangesRequest foreign = PovertyPush();
  foreign.set_request_id("fpb-105-1");
  grpc::Status refused = stub_->PushRosterChanges(As("fpb-210105", "poverty-105").get(), foreign, &pushed);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_NE(refused.error_message().find("outside this agency's area 210105"), std::string::npos)
      << refused.error_message();

  // Civil affairs names the same child differently: it learns that its
  // value differs, not the poverty office's value, nor that the child is in
  // the poverty office's roster.
  iv1::PushRosterChangesRequest civil;
  civil.set_request_id("mz-1");
  auto* row = civil.add_changes();
  (*row->mutable_fields())["national_id"] = ValidId("21010220160301001");
  (*row->mutable_fields())["name"] = "张晓明";
  (*row->mutable_fields())["assistance_type"] = "低保";
  ASSERT_TRUE(stub_->PushRosterChanges(As("mz-210102", "civil-secret").get(), civil, &pushed).ok());
  ASSERT_EQ(pushed.applied(), 1);
  iv1::PullMatchResultsRequest conflicts;
  conflicts.set_category(v1::MATCH_CATEGORY_ATTRIBUTE_CONFLICT);
  iv1::PullMatchResultsResponse civil_view;
  ASSERT_TRUE(stub_->PullMatchResults(As("mz-210102", "civil-secret").get(), conflicts, &civil_view).ok());
  ASSERT_EQ(civil_view.results_size(), 1);
  const v1::MatchResult& r = civil_view.results(0);
  EXPECT_EQ(r.name(), "张晓明");
  const std::string everything = r.DebugString();
  EXPECT_EQ(everything.find("张小明"), std::string::npos) << everything;
  EXPECT_EQ(everything.find("poverty"), std::string::npos) << everything;
  ASSERT_EQ(r.sources_size(), 1);
  EXPECT_EQ(r.sources(0), v1::ROSTER_SOURCE_CIVIL_AFFAIRS);
  ASSERT_GE(r.conflicts_size(), 1);
  EXPECT_NE(everything.find("differs"), std::string::npos) << everything;
}

TEST(AgencyDirectoryTest, ParsesAndRejectsBadLines) {
  EXPECT_TRUE(AgencyDirectory::Parse("a poverty " + Sha256Hex("k") + "  # comment\n\n").ok());
  EXPECT_FALSE(AgencyDirectory::Parse("a police " + Sha256Hex("k")).ok());
  EXPECT_FALSE(AgencyDirectory::Parse("a poverty abc").ok());
  EXPECT_TRUE(AgencyDirectory::Parse("a poverty " + Sha256Hex("k") + " 210105").ok());
  EXPECT_FALSE(AgencyDirectory::Parse("a poverty " + Sha256Hex("k") + " 21010").ok());
  EXPECT_FALSE(AgencyDirectory::Parse("a poverty " + Sha256Hex("k") + " 2101x5").ok());
  EXPECT_FALSE(AgencyDirectory::Parse("a poverty " + Sha256Hex("k") + "\na civil " + Sha256Hex("j")).ok());
}

}  // namespace
}  // namespace zizhu::registry
