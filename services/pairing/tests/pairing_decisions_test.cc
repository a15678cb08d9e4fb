// The pairing decisions: every refusal the issue names, and progress,
// missed activities and rotation against counts made here.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/pairing/tests/memory_pairing.h"

namespace zizhu::pairing {
namespace {

using ::testing::HasSubstr;
using testing::MemoryPairing;

Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

class PairingTest : public ::testing::Test {
 protected:
  PairingTest() {
    for (const auto& [code, rural] : {std::pair{"210102000001", false}, std::pair{"210102000002", true},
                                      std::pair{"210102000003", true}, std::pair{"210102000004", false}}) {
      v1::UpstreamSchool s;
      s.set_school_code(code);
      s.set_name(std::string("学校") + code);
      s.set_county_code("210102");
      s.set_rural(rural);
      state_.schools[code] = s;
    }
    rules_ = ParseRulesFile("rules.yaml",
                            "version: t\njoint_research_per_semester: 1\n"
                            "manager_exchanges_each_way_per_year: 1\nrotation_min_percent: 20\n")
                 .value();
  }
  void Apply(const absl::StatusOr<Events>& events) {
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_TRUE(state_.Apply(*events).ok());
  }
  std::string Msg(const absl::StatusOr<Events>& e) { return std::string(e.status().message()); }
  std::string Form(const char* urban, const char* rural, Date start, v1::PairKind kind = v1::PAIR_KIND_SCHOOL) {
    v1::PairFormed p;
    p.set_kind(kind);
    p.set_urban_school(urban);
    p.set_rural_school(rural);
    if (kind == v1::PAIR_KIND_TEACHER) {
      p.set_urban_teacher("T-U1");
      p.set_rural_teacher("T-R1");
    }
    *p.mutable_start() = start;
    Apply(DecideFormPair(state_, p, today_));
    p.set_county_code("210102");
    return PairId(p);
  }
  v1::Activity Lesson(Date date, const char* school) {
    v1::Activity a;
    a.set_kind(v1::ACTIVITY_KIND_DEMONSTRATION_LESSON);
    *a.mutable_date() = date;
    a.set_person("名师李某");
    a.set_school_code(school);
    a.set_subject("数学");
    return a;
  }

  MemoryPairing state_;
  v1::PairingRules rules_;
  const Date today_ = D(2027, 6, 30);
};

TEST_F(PairingTest, APairJoinsAnUrbanAndARuralSchool) {
  v1::PairFormed p;
  p.set_kind(v1::PAIR_KIND_SCHOOL);
  p.set_urban_school("210102000002");
  p.set_rural_school("210102000003");
  EXPECT_THAT(Msg(DecideFormPair(state_, p, today_)),
              HasSubstr("urban_school 210102000002 (学校210102000002) is a rural school"));
  p.set_urban_school("210102000001");
  p.set_rural_school("210102000004");
  EXPECT_THAT(Msg(DecideFormPair(state_, p, today_)), HasSubstr("is not a rural school in the registry"));
  p.set_rural_school("210199999999");
  EXPECT_EQ(DecideFormPair(state_, p, today_).status().code(), absl::StatusCode::kNotFound);
  const std::string id = Form("210102000001", "210102000002", D(2027, 2, 1));
  EXPECT_EQ(id, "school-210102000001-210102000002-20270201");
  p.set_rural_school("210102000002");
  *p.mutable_start() = D(2027, 2, 1);
  EXPECT_EQ(DecideFormPair(state_, p, today_).status().code(), absl::StatusCode::kAlreadyExists);
  p.set_kind(v1::PAIR_KIND_TEACHER);
  EXPECT_THAT(Msg(DecideFormPair(state_, p, today_)), HasSubstr("urban_teacher is required"));
  p.set_urban_teacher("T/1");
  p.set_rural_teacher("R1");
  EXPECT_THAT(Msg(DecideFormPair(state_, p, today_)), HasSubstr("urban_teacher 'T/1' must be a teacher id"));
}

TEST_F(PairingTest, AnEndedPairTakesNoActivity) {
  const std::string id = Form("210102000001", "210102000002", D(2027, 2, 1));
  Apply(DecideEndPair(state_, id, D(2027, 4, 30), "结对期满"));
  v1::Activity research;
  research.set_kind(v1::ACTIVITY_KIND_JOINT_RESEARCH);
  research.set_description("联合教研：初中数学单元设计");
  *research.mutable_date() = D(2027, 5, 10);
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, research, today_)),
              HasSubstr("ended on 2027-04-30; it takes no activity of 2027-05-10"));
  *research.mutable_date() = D(2027, 1, 10);
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, research, today_)), HasSubstr("is before pair"));
  *research.mutable_date() = D(2027, 3, 10);
  Apply(DecideRecordActivity(state_, id, research, today_));
  EXPECT_EQ(state_.pairs[id].activities(0).activity_id(), id + "/1");
  v1::Activity donation;
  donation.set_kind(v1::ACTIVITY_KIND_DONATION);
  *donation.mutable_date() = D(2027, 3, 12);
  donation.set_item("实验仪器");
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, donation, today_)),
              HasSubstr("activity.quantity '0' must be more than 0"));
  v1::Activity exchange;
  exchange.set_kind(v1::ACTIVITY_KIND_MANAGER_EXCHANGE);
  *exchange.mutable_date() = D(2027, 3, 12);
  exchange.set_person("副校长王某");
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, exchange, today_)), HasSubstr("activity.direction is required"));
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, Lesson(D(2027, 3, 1), "210102000009"), today_)),
              HasSubstr("is neither school of pair"));
  EXPECT_THAT(Msg(DecideRecordActivity(state_, id, Lesson(D(2027, 7, 1), "210102000002"), today_)),
              HasSubstr("is after today"));
}

TEST_F(PairingTest, OnlyBackboneTeachersRotateToRuralSchools) {
  v1::Rotation rotation;
  rotation.set_teacher_id("T1");
  rotation.set_to_school("210102000002");
  EXPECT_THAT(Msg(DecideRotateTeacher(state_, "210102", 2027, rotation, today_)),
              HasSubstr("has declared no teachers"));
  std::vector<v1::Teacher> teachers;
  for (int i = 1; i <= 10; ++i) {
    v1::Teacher t;
    t.set_teacher_id(absl::StrCat("T", i));
    t.set_name(absl::StrCat("教师", i));
    t.set_school_code("210102000001");
    t.set_backbone(i <= 5);  // five backbone teachers
    teachers.push_back(t);
  }
  Apply(DecideDeclareTeachers(state_, "210102", 2027, teachers));
  rotation.set_teacher_id("T7");
  EXPECT_THAT(Msg(DecideRotateTeacher(state_, "210102", 2027, rotation, today_)),
              HasSubstr("teacher T7 (教师7) is not a backbone teacher"));
  rotation.set_teacher_id("T1");
  rotation.set_to_school("210102000004");
  EXPECT_THAT(Msg(DecideRotateTeacher(state_, "210102", 2027, rotation, today_)), HasSubstr("is not a rural"));
  rotation.set_to_school("210102000002");
  Apply(DecideRotateTeacher(state_, "210102", 2027, rotation, today_));
  EXPECT_EQ(DecideRotateTeacher(state_, "210102", 2027, rotation, today_).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::RotationProgress progress = RotationProgressOf(state_.rotations["210102/2027"], rules_);
  EXPECT_EQ(progress.backbone_teachers(), 5);
  EXPECT_EQ(progress.rate_bp(), 2000);  // 1 of 5 = 20 %: meets the target
  EXPECT_TRUE(progress.meets_target());
  teachers[5].set_backbone(true);  // six backbone teachers: 16.67 %
  Apply(DecideDeclareTeachers(state_, "210102", 2027, teachers));
  progress = RotationProgressOf(state_.rotations["210102/2027"], rules_);
  EXPECT_EQ(progress.rate_bp(), 1667);
  EXPECT_FALSE(progress.meets_target());
  teachers.erase(teachers.begin());  // T1 rotated: stays on the list
  EXPECT_THAT(Msg(DecideDeclareTeachers(state_, "210102", 2027, teachers)), HasSubstr("T1 has rotated this year"));
}

TEST_F(PairingTest, ProgressAndMissedActivitiesMatchACountMadeHere) {
  const std::string a = Form("210102000001", "210102000002", D(2027, 2, 1));
  const std::string b = Form("210102000004", "210102000003", D(2027, 3, 1));
  const std::string old = Form("210102000001", "210102000003", D(2025, 3, 1));  // before the plan
  Form("210102000001", "210102000002", D(2027, 2, 1), v1::PAIR_KIND_TEACHER);
  Apply(DecideRecordActivity(state_, a, Lesson(D(2027, 3, 5), "210102000002"), today_));
  Apply(DecideRecordActivity(state_, a, Lesson(D(2027, 4, 5), "210102000001"), today_));
  Apply(DecideRecordActivity(state_, old, Lesson(D(2026, 4, 5), "210102000003"), today_));  // before the plan
  v1::Activity research;
  research.set_kind(v1::ACTIVITY_KIND_JOINT_RESEARCH);
  research.set_description("联合教研");
  *research.mutable_date() = D(2027, 4, 1);
  Apply(DecideRecordActivity(state_, a, research, today_));
  v1::PlanRecord plan;
  plan.set_scope("2101");
  plan.set_name("2027");
  *plan.mutable_from() = D(2027, 1, 1);
  *plan.mutable_to() = D(2027, 12, 31);
  plan.set_school_pairs(30);
  plan.set_teacher_pairs(50);
  plan.set_demonstration_lessons(100);
  Apply(DecideSetPlan(state_, plan));
  std::vector<v1::PairRecord> pairs;
  for (const auto& [id, p] : state_.pairs) pairs.push_back(p);
  v1::GetProgressResponse progress = ProgressOf(state_.plans["2101/2027"], pairs);
  EXPECT_EQ(progress.school_pairs(), 2);  // a and b; not the 2025 pair
  EXPECT_EQ(progress.teacher_pairs(), 1);
  EXPECT_EQ(progress.demonstration_lessons(), 2);
  EXPECT_EQ(progress.plan().demonstration_lessons(), 100);
  absl::StatusOr<std::vector<v1::MissedActivity>> missed = MissedActivities(pairs, "2027-spring", rules_);
  ASSERT_TRUE(missed.ok());
  std::set<std::string> ids;
  for (const auto& m : *missed) ids.insert(m.pair().pair_id());
  EXPECT_EQ(ids, (std::set<std::string>{b, old}));  // a had its joint research
  EXPECT_THAT((*missed)[0].missing(), HasSubstr("joint teaching research: 0 of 1 this semester"));
  EXPECT_THAT(std::string(MissedActivities(pairs, "2027-summer", rules_).status().message()),
              HasSubstr("must be <year>-spring or <year>-autumn"));
  plan.set_school_pairs(-1);
  EXPECT_THAT(Msg(DecideSetPlan(state_, plan)), HasSubstr("school_pairs -1 must be 0 to 100000"));
}

}  // namespace
}  // namespace zizhu::pairing
