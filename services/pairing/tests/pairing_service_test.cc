// The pairing service over the registry (in-memory topics): pairs of the
// registry's urban and rural schools, activities, a plan's progress, missed
// activities, rotation; a rebuild gives the same bytes; and the access table
// (every RPC with no, expired and forged tokens and as roles from another scope).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "services/common/core/text_file.h"
#include "services/common/testing/access_table.h"
#include "services/common/testing/projection_checks.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/pairing/pairing.h"
#include "services/subsidy/tests/subsidy_harness.h"
#include "zizhu/pairing/v1/pairing_service.grpc.pb.h"

namespace zizhu::pairing {
namespace {

using subsidy::testing::Eventually;
using subsidy::testing::Invoke;
using subsidy::testing::Meta;
using ::testing::HasSubstr;
using Stub = v1::PairingService::Stub;
namespace rv1 = zizhu::registry::v1;

Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

class PairingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<subsidy::testing::SubsidyUnderTest>(
        absl::StrCat("pairing_", ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        subsidy::testing::ChinaTime(2027, 6, 30));
    service_ = std::make_unique<Pairing>(
        PairingOptions{"zizhu.registry.events.v1",
                       ParseRulesFile(ZIZHU_PAIRING_RULES, ReadTextFile(ZIZHU_PAIRING_RULES).value()).value()});
    service::ServiceHostOptions host;
    host.city = "2101";
    harness_ = testing_kit::ServiceHarness::Start(service_.get(), env_->topics_, "zizhu.pairing.events.v1",
                                                  &env_->clock_, env_->dir_ + "/pairing", host)
                   .value();
    for (const auto& [code, rural] : {std::pair{"210102000001", false}, std::pair{"210102000002", true}}) {
      rv1::RegisterSchoolRequest school;
      *school.mutable_meta() = Meta(std::string("school-") + code);
      school.set_school_code(code);
      school.set_name(rural ? "红旗村小学" : "城关第一小学");
      school.set_county_code("210102");
      school.add_stages(rv1::EDUCATION_STAGE_PRIMARY);
      school.set_rural(rural);
      rv1::RegisterSchoolResponse response;
      ASSERT_TRUE(
          Invoke(env_->registry_stub_.get(), &rv1::RegistryService::Stub::RegisterSchool, school, &response).ok());
    }
    auto stub = v1::PairingService::NewStub(harness_->channel());
    v1::FormPairRequest form;
    form.set_kind(v1::PAIR_KIND_SCHOOL);
    form.set_urban_school("210102000001");
    form.set_rural_school("210102000002");
    *form.mutable_start() = D(2027, 2, 1);
    v1::FormPairResponse formed;
    int attempt = 0;
    ASSERT_TRUE(Eventually([&] {  // the service follows the registry: wait for the schools
      *form.mutable_meta() = Meta(absl::StrCat("form-", attempt++));
      return Invoke(stub.get(), &Stub::FormPair, form, &formed).ok();
    }));
    pair_id_ = formed.pair().pair_id();
  }
  void TearDown() override {
    harness_.reset();
    env_.reset();
  }

  std::map<std::string, std::string> Requests() const {
    const std::string s = "/zizhu.pairing.v1.PairingService/";
    std::map<std::string, std::string> r;
    {
      v1::FormPairRequest q;
      *q.mutable_meta() = Meta("a-form");
      q.set_kind(v1::PAIR_KIND_SCHOOL);
      q.set_urban_school("210102000001");
      q.set_rural_school("210102000002");
      r[s + "FormPair"] = q.SerializeAsString();
    }
    {
      v1::EndPairRequest q;
      *q.mutable_meta() = Meta("a-end");
      q.set_pair_id(pair_id_);
      q.set_reason("x");
      r[s + "EndPair"] = q.SerializeAsString();
    }
    {
      v1::RecordActivityRequest q;
      *q.mutable_meta() = Meta("a-activity");
      q.set_pair_id(pair_id_);
      r[s + "RecordActivity"] = q.SerializeAsString();
    }
    {
      v1::SetPlanRequest q;
      *q.mutable_meta() = Meta("a-plan");
      q.mutable_plan()->set_scope("210102");
      q.mutable_plan()->set_name("x");
      r[s + "SetPlan"] = q.SerializeAsString();
    }
    {
      v1::DeclareTeachersRequest q;
      *q.mutable_meta() = Meta("a-teachers");
      q.set_county_code("210102");
      q.set_year(2027);
      r[s + "DeclareTeachers"] = q.SerializeAsString();
    }
    {
      v1::RotateTeacherRequest q;
      *q.mutable_meta() = Meta("a-rotate");
      q.set_county_code("210102");
      q.set_year(2027);
      q.set_teacher_id("T1");
      r[s + "RotateTeacher"] = q.SerializeAsString();
    }
    {
      v1::GetPairRequest q;
      q.set_pair_id(pair_id_);
      r[s + "GetPair"] = q.SerializeAsString();
    }
    {
      v1::ListPairsRequest q;
      r[s + "ListPairs"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListPairs#county"] = q.SerializeAsString();
    }
    {
      v1::GetProgressRequest q;
      q.set_plan_id("2101/2027");
      r[s + "GetProgress"] = q.SerializeAsString();
    }
    {
      v1::ListMissedActivitiesRequest q;
      q.set_semester("2027-spring");
      r[s + "ListMissedActivities"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListMissedActivities#county"] = q.SerializeAsString();
    }
    {
      v1::GetRotationRequest q;
      q.set_county_code("210102");
      q.set_year(2027);
      r[s + "GetRotation"] = q.SerializeAsString();
    }
    testing_kit::AddProjectionAdminRows(r);
    return r;
  }

  std::unique_ptr<subsidy::testing::SubsidyUnderTest> env_;
  std::unique_ptr<Pairing> service_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
  std::string pair_id_;
};

TEST_F(PairingServiceTest, APairsActivitiesPlanAndRotation) {
  auto county =
      v1::PairingService::NewStub(harness_->ChannelAs({"officer", auth::Role::kCountyOfficer, "210102", "t-county"}));
  auto city = v1::PairingService::NewStub(harness_->ChannelAs({"admin", auth::Role::kCityAdmin, "2101", "t-city"}));
  // A school operator may not form pairs.
  auto school =
      v1::PairingService::NewStub(harness_->ChannelAs({"op", auth::Role::kSchoolOperator, "210102000002", "t-op"}));
  v1::FormPairRequest form;
  *form.mutable_meta() = Meta("op-form");
  form.set_kind(v1::PAIR_KIND_TEACHER);
  form.set_urban_school("210102000001");
  form.set_rural_school("210102000002");
  v1::FormPairResponse formed;
  EXPECT_EQ(Invoke(school.get(), &Stub::FormPair, form, &formed).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  form.set_urban_teacher("U-01");
  form.set_rural_teacher("R-01");
  *form.mutable_start() = D(2027, 3, 1);
  ASSERT_TRUE(Invoke(county.get(), &Stub::FormPair, form, &formed).ok());

  v1::RecordActivityRequest lesson;
  *lesson.mutable_meta() = Meta("lesson-1");
  lesson.set_pair_id(pair_id_);
  lesson.mutable_activity()->set_kind(v1::ACTIVITY_KIND_DEMONSTRATION_LESSON);
  *lesson.mutable_activity()->mutable_date() = D(2027, 4, 10);
  lesson.mutable_activity()->set_person("特级教师王某");
  lesson.mutable_activity()->set_school_code("210102000002");
  lesson.mutable_activity()->set_subject("语文");
  v1::RecordActivityResponse recorded;
  ASSERT_TRUE(Invoke(county.get(), &Stub::RecordActivity, lesson, &recorded).ok());
  v1::RecordActivityRequest donation;
  *donation.mutable_meta() = Meta("donation-1");
  donation.set_pair_id(pair_id_);
  donation.mutable_activity()->set_kind(v1::ACTIVITY_KIND_DONATION);
  *donation.mutable_activity()->mutable_date() = D(2027, 5, 1);
  donation.mutable_activity()->set_item("图书");
  donation.mutable_activity()->set_quantity(500);
  donation.mutable_activity()->set_value_fen(1500000);
  ASSERT_TRUE(Invoke(county.get(), &Stub::RecordActivity, donation, &recorded).ok());
  EXPECT_EQ(recorded.pair().activities_size(), 2);

  // The spring semester: no joint research yet — listed.
  v1::ListMissedActivitiesRequest missed_request;
  missed_request.set_semester("2027-spring");
  v1::ListMissedActivitiesResponse missed;
  ASSERT_TRUE(Invoke(county.get(), &Stub::ListMissedActivities, missed_request, &missed).ok());
  ASSERT_EQ(missed.missed_size(), 1);
  EXPECT_THAT(missed.missed(0).missing(), HasSubstr("joint teaching research: 0 of 1"));

  v1::SetPlanRequest plan;
  *plan.mutable_meta() = Meta("plan");
  plan.mutable_plan()->set_scope("2101");
  plan.mutable_plan()->set_name("2027");
  *plan.mutable_plan()->mutable_from() = D(2027, 1, 1);
  *plan.mutable_plan()->mutable_to() = D(2027, 12, 31);
  plan.mutable_plan()->set_school_pairs(30);
  plan.mutable_plan()->set_teacher_pairs(50);
  plan.mutable_plan()->set_demonstration_lessons(100);
  v1::SetPlanResponse set;
  EXPECT_EQ(Invoke(county.get(), &Stub::SetPlan, plan, &set).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Invoke(city.get(), &Stub::SetPlan, plan, &set).ok());
  v1::GetProgressRequest progress_request;
  progress_request.set_plan_id("2101/2027");
  v1::GetProgressResponse progress;
  ASSERT_TRUE(Invoke(city.get(), &Stub::GetProgress, progress_request, &progress).ok());
  EXPECT_EQ(progress.school_pairs(), 1);
  EXPECT_EQ(progress.teacher_pairs(), 1);
  EXPECT_EQ(progress.demonstration_lessons(), 1);

  v1::DeclareTeachersRequest declare;
  *declare.mutable_meta() = Meta("teachers");
  declare.set_county_code("210102");
  declare.set_year(2027);
  for (int i = 1; i <= 5; ++i) {
    v1::Teacher* t = declare.add_teachers();
    t->set_teacher_id(absl::StrCat("T", i));
    t->set_name(absl::StrCat("教师", i));
    t->set_school_code("210102000001");
    t->set_backbone(i != 5);
  }
  v1::DeclareTeachersResponse declared;
  ASSERT_TRUE(Invoke(county.get(), &Stub::DeclareTeachers, declare, &declared).ok());
  v1::RotateTeacherRequest rotate;
  *rotate.mutable_meta() = Meta("rotate-5");
  rotate.set_county_code("210102");
  rotate.set_year(2027);
  rotate.set_teacher_id("T5");
  rotate.set_to_school("210102000002");
  v1::RotateTeacherResponse rotated;
  grpc::Status refused = Invoke(county.get(), &Stub::RotateTeacher, rotate, &rotated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("is not a backbone teacher"));
  *rotate.mutable_meta() = Meta("rotate-1");
  rotate.set_teacher_id("T1");
  ASSERT_TRUE(Invoke(county.get(), &Stub::RotateTeacher, rotate, &rotated).ok());
  EXPECT_EQ(rotated.rotation().rate_bp(), 2500);  // 1 of 4 backbone teachers
  EXPECT_TRUE(rotated.rotation().meets_target());

  // A rebuild gives the same bytes.
  EXPECT_TRUE(
      testing_kit::RebuildGivesTheLiveChecksum(harness_->ChannelAs(testing_kit::ServiceHarness::DefaultCaller())));
}

TEST_F(PairingServiceTest, TheTableNamesEveryMethod) {
  testing_kit::ExpectEveryMethodHasARow(Requests(),
                                        {"zizhu.pairing.v1.PairingService", "zizhu.common.v1.ProjectionAdminService"});
}

TEST_F(PairingServiceTest, NoExpiredOrForgedTokenIsUnauthenticatedEverywhere) {
  testing_kit::ExpectUnauthenticatedEverywhere(*harness_, env_->clock_, Requests());
}

TEST_F(PairingServiceTest, EveryRoleFromAnotherScopeGetsNothingOfTheCounty) {
  const std::string s = "/zizhu.pairing.v1.PairingService/";
  const std::set<std::string> may_succeed = {s + "ListPairs", s + "ListMissedActivities"};
  const std::vector<auth::Caller> callers = {
      {"op-b", auth::Role::kSchoolOperator, "210103000002", "t1"},
      {"rev-b", auth::Role::kReviewer, "210103000002", "t2"},
      {"officer-c", auth::Role::kCountyOfficer, "210103", "t3"},
      {"auditor-c", auth::Role::kAuditor, "210103", "t4"},
      {"admin-x", auth::Role::kCityAdmin, "2201", "t5"},
  };
  testing_kit::ExpectNothingOfTheScope(*harness_, callers, Requests(), may_succeed, {pair_id_, "红旗村小学"});
}

}  // namespace
}  // namespace zizhu::pairing
