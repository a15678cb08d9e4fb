// Who may call what: every RPC of the subsidy service, called with no
// credentials, an expired or forged token, and as each role from another
// scope. The table must name every method (a new RPC without a row fails
// here), and no call from another scope may answer school A's data.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "services/common/testing/access_table.h"
#include "services/subsidy/tests/subsidy_harness.h"

namespace zizhu::subsidy {
namespace {

using auth::Caller;
using auth::Role;
using testing::Invoke;
using testing::Meta;

constexpr char kSchoolA[] = "210102000001";  // county 210102 of city 2101: the data
constexpr char kSchoolB[] = "210103000002";  // county 210103: the callers' school
constexpr char kRound[] = "210102000001/2026-spring";

class SubsidyAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<testing::SubsidyUnderTest>(
        absl::StrCat("access_", ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        testing::ChinaTime(2026, 2, 2));
    Seed();
  }

  // Schools A and B, a registered-poor student of A, a policy, A's round
  // with the student's application accepted.
  void Seed() {
    auto* registry = env_->registry_stub_.get();
    using RegistryStub = registry::v1::RegistryService::Stub;
    for (auto [code, county] : {std::pair{kSchoolA, "210102"}, std::pair{kSchoolB, "210103"}}) {
      registry::v1::RegisterSchoolRequest school;
      *school.mutable_meta() = Meta(absl::StrCat("school-", code));
      school.set_school_code(code);
      school.set_name(absl::StrCat("学校", code));
      school.set_county_code(county);
      school.add_stages(registry::v1::EDUCATION_STAGE_PRIMARY);
      registry::v1::RegisterSchoolResponse r;
      ASSERT_TRUE(Invoke(registry, &RegistryStub::RegisterSchool, school, &r).ok());
    }
    registry::v1::RegisterHouseholdRequest household;
    *household.mutable_meta() = Meta("household");
    household.set_household_number("H210102001");
    household.set_household_type(registry::v1::HOUSEHOLD_TYPE_GENERAL);
    household.set_head_name("张秘密");
    registry::v1::RegisterHouseholdResponse h;
    ASSERT_TRUE(Invoke(registry, &RegistryStub::RegisterHousehold, household, &h).ok());
    registry::v1::RegisterStudentRequest student;
    *student.mutable_meta() = Meta("student");
    student.set_name("张秘密");
    student.set_national_id(testing::ValidNationalId("21010220150301101"));
    student.set_stage(registry::v1::EDUCATION_STAGE_PRIMARY);
    student.set_school_code(kSchoolA);
    student.set_grade(3);
    student.set_boarding(true);
    student.add_categories(registry::v1::POVERTY_CATEGORY_REGISTERED_POOR);
    student.set_household_number("H210102001");
    registry::v1::RegisterStudentResponse s;
    grpc::Status registered = Invoke(registry, &RegistryStub::RegisterStudent, student, &s);
    ASSERT_TRUE(registered.ok()) << registered.error_message();
    student_id_ = s.student().student_id();

    auto* stub = env_->stub_.get();
    using Stub = v1::SubsidyService::Stub;
    v1::LoadPolicyRequest policy;
    *policy.mutable_meta() = Meta("policy");
    policy.set_content(testing::ReadDefaultPolicy());
    v1::LoadPolicyResponse p;
    ASSERT_TRUE(Invoke(stub, &Stub::LoadPolicy, policy, &p).ok());
    int attempt = 0;
    ASSERT_TRUE(testing::Eventually([&] {
      v1::OpenRoundRequest open;
      *open.mutable_meta() = Meta(absl::StrCat("open-", attempt++));
      open.set_school_code(kSchoolA);
      open.set_semester("2026-spring");
      open.set_quota(3);
      v1::OpenRoundResponse r;
      return Invoke(stub, &Stub::OpenRound, open, &r).ok();
    }));
    ASSERT_TRUE(testing::Eventually([&] {
      v1::SubmitApplicationsRequest apply;
      *apply.mutable_meta() = Meta(absl::StrCat("apply-", attempt++));
      apply.set_round_id(kRound);
      v1::ApplicationInput* input = apply.add_applications();
      input->set_student_id(student_id_);
      input->mutable_attestation()->set_stamped_by("村委会");
      input->mutable_attestation()->mutable_stamped_on()->set_year(2026);
      input->mutable_attestation()->mutable_stamped_on()->set_month(2);
      input->mutable_attestation()->mutable_stamped_on()->set_day(1);
      input->mutable_attestation()->set_scan_ref("scan/secret-form.pdf");
      v1::SubmitApplicationsResponse r;
      return Invoke(stub, &Stub::SubmitApplications, apply, &r).ok();
    }));
  }

  // One request per method (key "/pkg.Service/Method[#variant]").
  std::map<std::string, std::string> Requests() const {
    std::map<std::string, std::string> r;
    const std::string s = "/zizhu.subsidy.v1.SubsidyService/";
    auto meta = [](const std::string& id) { return Meta("acc-" + id); };
    {
      v1::LoadPolicyRequest q;
      *q.mutable_meta() = meta("load");
      q.set_content(testing::ReadDefaultPolicy());
      r[s + "LoadPolicy"] = q.SerializeAsString();
    }
    {
      v1::PublishPolicyVersionRequest q;
      *q.mutable_meta() = meta("publish");
      q.set_version("2026-v1");
      r[s + "PublishPolicyVersion"] = q.SerializeAsString();
    }
    {
      v1::GetPolicyRequest q;
      q.set_version("2026-v1");
      r[s + "GetPolicy"] = q.SerializeAsString();
    }
    r[s + "ListPolicies"] = "";
    {
      v1::OpenRoundRequest q;
      *q.mutable_meta() = meta("open");
      q.set_school_code(kSchoolA);
      q.set_semester("2026-autumn");
      q.set_quota(1);
      r[s + "OpenRound"] = q.SerializeAsString();
    }
    {
      v1::SubmitApplicationsRequest q;
      *q.mutable_meta() = meta("apply");
      q.set_round_id(kRound);
      q.add_applications()->set_student_id(student_id_);
      r[s + "SubmitApplications"] = q.SerializeAsString();
    }
    {
      v1::RecordCoverageReasonsRequest q;
      *q.mutable_meta() = meta("reason");
      q.set_round_id(kRound);
      q.add_reasons()->set_student_id(student_id_);
      r[s + "RecordCoverageReasons"] = q.SerializeAsString();
    }
    {
      v1::ReviewApplicationsRequest q;
      *q.mutable_meta() = meta("review");
      q.set_round_id(kRound);
      q.add_reviewers("x");
      q.add_reviews()->set_student_id(student_id_);
      r[s + "ReviewApplications"] = q.SerializeAsString();
    }
    for (const char* method : {"PublishNotice", "ApproveRound"}) {
      v1::PublishNoticeRequest q;  // same shape: meta = 1, round_id = 2
      *q.mutable_meta() = meta(method);
      q.set_round_id(kRound);
      r[s + method] = q.SerializeAsString();
    }
    {
      v1::RaiseObjectionRequest q;
      *q.mutable_meta() = meta("object");
      q.set_round_id(kRound);
      q.set_student_id(student_id_);
      q.set_reason("x");
      r[s + "RaiseObjection"] = q.SerializeAsString();
    }
    {
      v1::ResolveObjectionRequest q;
      *q.mutable_meta() = meta("resolve");
      q.set_round_id(kRound);
      q.set_objection_id("O1");
      r[s + "ResolveObjection"] = q.SerializeAsString();
    }
    {
      v1::DisqualifyStudentRequest q;
      *q.mutable_meta() = meta("disqualify");
      q.set_round_id(kRound);
      q.set_student_id(student_id_);
      r[s + "DisqualifyStudent"] = q.SerializeAsString();
    }
    {
      v1::ResumeEntitlementRequest q;
      *q.mutable_meta() = meta("resume");
      q.set_round_id(kRound);
      q.set_student_id(student_id_);
      q.mutable_effective_date()->set_year(2026);
      q.mutable_effective_date()->set_month(3);
      q.mutable_effective_date()->set_day(1);
      q.set_reason("x");
      r[s + "ResumeEntitlement"] = q.SerializeAsString();
    }
    for (const char* method : {"GetRound", "ListObjections"}) {
      v1::GetRoundRequest q;  // round_id = 1
      q.set_round_id(kRound);
      r[s + method] = q.SerializeAsString();
    }
    {
      v1::ListRoundsRequest q;
      q.set_semester("2026-spring");
      r[s + "ListRounds"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListRounds#county"] = q.SerializeAsString();
    }
    for (const char* method : {"ListApplications", "ListCoverageTodo", "GetNoticeList"}) {
      v1::ListApplicationsRequest q;  // round_id = 1
      q.set_round_id(kRound);
      r[s + method] = q.SerializeAsString();
    }
    {
      v1::ListEntitlementsRequest q;
      q.set_semester("2026-spring");
      q.set_student_id(student_id_);
      r[s + "ListEntitlements#student"] = q.SerializeAsString();
      q.clear_student_id();
      q.set_school_code(kSchoolA);
      r[s + "ListEntitlements#school"] = q.SerializeAsString();
      q.clear_school_code();
      q.set_county_code("210102");
      r[s + "ListEntitlements"] = q.SerializeAsString();
    }
    {
      v1::GetEntitlementTotalsRequest q;
      q.set_semester("2026-spring");
      q.set_county_code("210102");
      r[s + "GetEntitlementTotals"] = q.SerializeAsString();
      q.clear_county_code();
      q.set_school_code(kSchoolA);
      r[s + "GetEntitlementTotals#school"] = q.SerializeAsString();
    }
    {
      v1::ListUnderpaidRequest q;
      q.set_semester("2026-spring");
      q.set_county_code("210102");
      r[s + "ListUnderpaid"] = q.SerializeAsString();
      q.clear_county_code();
      q.set_school_code(kSchoolA);
      r[s + "ListUnderpaid#school"] = q.SerializeAsString();
    }
    {
      v1::WhatIfRequest q;
      q.set_semester("2026-spring");
      q.set_draft_version("2026-v1");
      q.set_county_code("210102");
      r[s + "WhatIf"] = q.SerializeAsString();
    }
    testing_kit::AddProjectionAdminRows(r);
    return r;
  }

  std::vector<std::string> Secrets() const {
    return {student_id_, "张秘密", "张*密", "scan/secret-form.pdf", "学校210102000001"};
  }

  std::unique_ptr<testing::SubsidyUnderTest> env_;
  std::string student_id_;
};

TEST_F(SubsidyAccessTest, TheTableNamesEveryMethod) {
  testing_kit::ExpectEveryMethodHasARow(Requests(),
                                        {"zizhu.subsidy.v1.SubsidyService", "zizhu.common.v1.ProjectionAdminService"});
}

TEST_F(SubsidyAccessTest, NoExpiredOrForgedTokenIsUnauthenticatedEverywhere) {
  testing_kit::ExpectUnauthenticatedEverywhere(*env_->harness_, env_->clock_, Requests());
}

TEST_F(SubsidyAccessTest, EveryRoleFromAnotherScopeGetsNothingOfSchoolA) {
  // OK only where the answer is public (policies) or listed within the
  // caller's own scope; it must then hold none of school A's data.
  const std::set<std::string> may_succeed = {
      "/zizhu.subsidy.v1.SubsidyService/GetPolicy", "/zizhu.subsidy.v1.SubsidyService/ListPolicies",
      "/zizhu.subsidy.v1.SubsidyService/ListRounds",
      "/zizhu.subsidy.v1.SubsidyService/ListRounds#county",  // a school role: its own rounds only
  };
  const std::vector<Caller> callers = {
      {"op-b", Role::kSchoolOperator, kSchoolB, "t1"},     {"rev-b", Role::kReviewer, kSchoolB, "t2"},
      {"officer-c", Role::kCountyOfficer, "210103", "t3"}, {"auditor-c", Role::kAuditor, "210103", "t4"},
      {"admin-x", Role::kCityAdmin, "2201", "t5"},
  };
  testing_kit::ExpectNothingOfTheScope(*env_->harness_, callers, Requests(), may_succeed, Secrets());
}

}  // namespace
}  // namespace zizhu::subsidy
