// Who may call what: every RPC of the dropout service with no, expired and
// forged tokens, and as each role from another scope (another school's
// operator and reviewer, another county's officer and auditor, another
// city's administrator): refused, or an empty answer of their own scope —
// never school 210102000001's cases, names or phones.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "services/common/testing/access_table.h"
#include "services/dropout/tests/dropout_harness.h"

namespace zizhu::dropout {
namespace {

using auth::Caller;
using auth::Role;
using namespace testing;  // NOLINT: the harness's helpers

class DropoutAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<DropoutUnderTest>(::testing::UnitTest::GetInstance()->current_test_info()->name());
    env_->School("210102000001", "210102");
    student_ = env_->Student("210102000001", "21010220130301101", rv1::EDUCATION_STAGE_JUNIOR_MIDDLE,
                             {rv1::POVERTY_CATEGORY_LEFT_BEHIND});
    ASSERT_TRUE(env_->ChangeStatus("drop", student_, rv1::ENROLMENT_STATUS_DROPPED_OUT).ok());
    auto stub = v1::DropoutService::NewStub(env_->harness_->channel());
    ASSERT_TRUE(Eventually([&] {
      v1::GetCaseRequest get;
      get.set_case_id(student_ + "#1");
      v1::GetCaseResponse got;
      return Invoke(stub.get(), &Stub::GetCase, get, &got).ok();
    })) << Subscriptions();
    v1::RecordLeftBehindCardRequest card;
    *card.mutable_meta() = Meta("seed-card");
    card.set_student_id(student_);
    auto* parent = card.add_parents();
    parent->set_relation("母亲");
    parent->set_work_place("秘密工厂");
    parent->set_phone("13812345678");
    v1::RecordLeftBehindCardResponse recorded;
    ASSERT_TRUE(Invoke(stub.get(), &Stub::RecordLeftBehindCard, card, &recorded).ok());
  }

  std::string Subscriptions() {
    auto admin = common::v1::ProjectionAdminService::NewStub(env_->harness_->channel());
    common::v1::ListSubscriptionsResponse subscriptions;
    Invoke(admin.get(), &common::v1::ProjectionAdminService::Stub::ListSubscriptions,
           common::v1::ListSubscriptionsRequest(), &subscriptions);
    return subscriptions.DebugString();
  }

  std::map<std::string, std::string> Requests() const {
    const std::string s = "/zizhu.dropout.v1.DropoutService/";
    const std::string case_id = student_ + "#1";
    std::map<std::string, std::string> r;
    {
      v1::OpenCaseRequest q;
      *q.mutable_meta() = Meta("a-open");
      q.set_student_id(student_);
      q.set_reason("x");
      r[s + "OpenCase"] = q.SerializeAsString();
    }
    {
      v1::AssignTeamRequest q;
      *q.mutable_meta() = Meta("a-team");
      q.set_case_id(case_id);
      q.add_team()->set_role(v1::TEAM_ROLE_TEACHER);
      q.mutable_team(0)->set_name("x");
      r[s + "AssignTeam"] = q.SerializeAsString();
    }
    {
      v1::RecordVisitRequest q;
      *q.mutable_meta() = Meta("a-visit");
      q.set_case_id(case_id);
      r[s + "RecordVisit"] = q.SerializeAsString();
    }
    {
      v1::RecordExemptionRequest q;
      *q.mutable_meta() = Meta("a-exempt");
      q.set_case_id(case_id);
      q.set_reason("x");
      r[s + "RecordExemption"] = q.SerializeAsString();
    }
    {
      v1::CrossOffCaseRequest q;
      *q.mutable_meta() = Meta("a-cross");
      q.set_case_id(case_id);
      r[s + "CrossOffCase"] = q.SerializeAsString();
    }
    {
      v1::ReopenCaseRequest q;
      *q.mutable_meta() = Meta("a-reopen");
      q.set_case_id(case_id);
      q.set_reason("x");
      r[s + "ReopenCase"] = q.SerializeAsString();
    }
    {
      v1::GetCaseRequest q;
      q.set_case_id(case_id);
      r[s + "GetCase"] = q.SerializeAsString();
    }
    {
      v1::ListCasesRequest q;
      r[s + "ListCases"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListCases#county"] = q.SerializeAsString();
    }
    {
      v1::GetRatesRequest q;
      r[s + "GetRates"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "GetRates#county"] = q.SerializeAsString();
    }
    {
      v1::RecordLeftBehindCardRequest q;
      *q.mutable_meta() = Meta("a-card");
      q.set_student_id(student_);
      q.set_school_contact_name("x");
      r[s + "RecordLeftBehindCard"] = q.SerializeAsString();
    }
    {
      v1::ListLeftBehindChildrenRequest q;
      r[s + "ListLeftBehindChildren"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListLeftBehindChildren#county"] = q.SerializeAsString();
    }
    testing_kit::AddProjectionAdminRows(r);
    return r;
  }

  std::unique_ptr<DropoutUnderTest> env_;
  std::string student_;
};

TEST_F(DropoutAccessTest, TheTableNamesEveryMethod) {
  testing_kit::ExpectEveryMethodHasARow(Requests(),
                                        {"zizhu.dropout.v1.DropoutService", "zizhu.common.v1.ProjectionAdminService"});
}

TEST_F(DropoutAccessTest, NoExpiredOrForgedTokenIsUnauthenticatedEverywhere) {
  testing_kit::ExpectUnauthenticatedEverywhere(*env_->harness_, env_->env_->clock_, Requests());
}

TEST_F(DropoutAccessTest, EveryRoleFromAnotherScopeGetsNothingOfTheSchool) {
  const std::string s = "/zizhu.dropout.v1.DropoutService/";
  const std::set<std::string> may_succeed = {s + "ListCases", s + "GetRates", s + "ListLeftBehindChildren"};
  const std::vector<Caller> callers = {
      {"op-b", Role::kSchoolOperator, "210103000002", "t1"}, {"rev-b", Role::kReviewer, "210103000002", "t2"},
      {"officer-c", Role::kCountyOfficer, "210103", "t3"},   {"auditor-c", Role::kAuditor, "210103", "t4"},
      {"admin-x", Role::kCityAdmin, "2201", "t5"},
  };
  testing_kit::ExpectNothingOfTheScope(*env_->harness_, callers, Requests(), may_succeed,
                                       {student_, "张*明", "秘密工厂", "1234", "5678"});
}

}  // namespace
}  // namespace zizhu::dropout
