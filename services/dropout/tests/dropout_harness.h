// The registry and the dropout service under test on one set of in-memory
// topics (the registry part of subsidy's harness), with helpers to register
// a school and its students.
#pragma once

#include "services/common/core/text_file.h"
#include "services/dropout/domain/rates.h"
#include "services/dropout/dropout.h"
#include "services/subsidy/tests/subsidy_harness.h"
#include "zizhu/dropout/v1/dropout_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::dropout::testing {

using subsidy::testing::Eventually;
using subsidy::testing::Invoke;
using subsidy::testing::Meta;
using Stub = v1::DropoutService::Stub;
using RegistryStub = registry::v1::RegistryService::Stub;
namespace rv1 = zizhu::registry::v1;

inline v1::Targets DefaultTargets() {
  return ParseTargetsFile(ZIZHU_DROPOUT_TARGETS, ReadTextFile(ZIZHU_DROPOUT_TARGETS).value()).value();
}

class DropoutUnderTest {
 public:
  explicit DropoutUnderTest(const std::string& name)
      : env_(std::make_unique<subsidy::testing::SubsidyUnderTest>("dropout_" + name,
                                                                  subsidy::testing::ChinaTime(2027, 3, 1))) {
    service_ =
        std::make_unique<Dropout>(DropoutOptions{"zizhu.registry.events.v1", DefaultTargets()}, env_->vault_.get());
    service::ServiceHostOptions host;
    host.city = "2101";
    harness_ = testing_kit::ServiceHarness::Start(service_.get(), env_->topics_, "zizhu.dropout.events.v1",
                                                  &env_->clock_, env_->dir_ + "/dropout", host)
                   .value();
  }
  ~DropoutUnderTest() {
    harness_.reset();
    env_.reset();
  }
  std::unique_ptr<Stub> As(const auth::Caller& caller) {
    return v1::DropoutService::NewStub(harness_->ChannelAs(caller));
  }
  RegistryStub* registry() { return env_->registry_stub_.get(); }
  // Waits until the service has applied `events` of the registry's topic.
  bool WaitApplied(int64_t events) {
    auto admin = common::v1::ProjectionAdminService::NewStub(harness_->channel());
    return Eventually([&] {
      common::v1::ListSubscriptionsResponse subscriptions;
      Invoke(admin.get(), &common::v1::ProjectionAdminService::Stub::ListSubscriptions,
             common::v1::ListSubscriptionsRequest(), &subscriptions);
      return subscriptions.subscriptions_size() == 1 && subscriptions.subscriptions(0).applied_events() >= events;
    });
  }

  void School(const std::string& code, const std::string& county) {
    rv1::RegisterSchoolRequest school;
    *school.mutable_meta() = Meta("school-" + code);
    school.set_school_code(code);
    school.set_name("学校" + code);
    school.set_county_code(county);
    school.add_stages(rv1::EDUCATION_STAGE_PRIMARY);
    school.add_stages(rv1::EDUCATION_STAGE_JUNIOR_MIDDLE);
    rv1::RegisterSchoolResponse response;
    ASSERT_TRUE(Invoke(registry(), &RegistryStub::RegisterSchool, school, &response).ok());
  }
  // A student enrolled at `school`; returns the student id.
  std::string Student(const std::string& school, const std::string& id17, rv1::EducationStage stage,
                      std::vector<rv1::PovertyCategory> categories = {}) {
    rv1::RegisterStudentRequest student;
    *student.mutable_meta() = Meta("student-" + id17);
    student.set_name("张小明");
    student.set_national_id(subsidy::testing::ValidNationalId(id17));
    student.set_stage(stage);
    student.set_school_code(school);
    student.set_grade(2);
    for (auto c : categories) student.add_categories(c);
    student.mutable_guardian()->set_name("张大山");
    student.mutable_guardian()->set_relation("祖父");
    student.mutable_guardian()->set_phone("13900001111");
    rv1::RegisterStudentResponse response;
    grpc::Status status = Invoke(registry(), &RegistryStub::RegisterStudent, student, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.student().student_id();
  }
  grpc::Status ChangeStatus(const std::string& request_id, const std::string& student, rv1::EnrolmentStatus status,
                            const std::string& school = "") {
    rv1::ChangeEnrolmentStatusRequest change;
    *change.mutable_meta() = Meta(request_id);
    change.set_student_id(student);
    change.set_status(status);
    change.set_reason(status == rv1::ENROLMENT_STATUS_DROPPED_OUT ? "外出务工" : "返校");
    change.set_school_code(school);
    const absl::CivilDay today = CivilDayInChina(env_->clock_.Now());
    change.mutable_effective_date()->set_year(static_cast<int>(today.year()));
    change.mutable_effective_date()->set_month(today.month());
    change.mutable_effective_date()->set_day(today.day());
    rv1::ChangeEnrolmentStatusResponse response;
    return Invoke(registry(), &RegistryStub::ChangeEnrolmentStatus, change, &response);
  }

  std::unique_ptr<subsidy::testing::SubsidyUnderTest> env_;
  std::unique_ptr<Dropout> service_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
};

}  // namespace zizhu::dropout::testing
