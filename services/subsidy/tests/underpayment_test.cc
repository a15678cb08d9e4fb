#include "services/subsidy/domain/underpayment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/subsidy/domain/semester.h"

namespace zizhu::subsidy {
namespace {

using ::testing::HasSubstr;
constexpr char kSchool[] = "210102000001";

registry::v1::Date D(int y, int m, int d) { return ToDate(absl::CivilDay(y, m, d)); }

v1::AccrualSpan Span(registry::v1::Date from, std::optional<registry::v1::Date> to = std::nullopt) {
  v1::AccrualSpan s;
  *s.mutable_from() = from;
  if (to) *s.mutable_to() = *to;
  return s;
}

// A spring entitlement (181 days) stopped on 2026-03-01 by a dropout.
v1::EntitlementRecord Stopped() {
  v1::EntitlementRecord r;
  v1::Entitlement& e = *r.mutable_entitlement();
  e.set_student_id("stu_r");
  e.set_round_id("210102000001/2026-spring");
  e.set_semester("2026-spring");
  e.set_school_code(kSchool);
  e.set_county_code("210102");
  e.set_base_fen(62500);
  e.set_top_up_fen(50000);
  e.set_amount_fen(112500);
  e.mutable_facts()->set_name_masked("张*明");
  *e.mutable_semester_start() = D(2026, 2, 1);
  *e.mutable_semester_end() = D(2026, 7, 31);
  *e.mutable_accrues_from() = D(2026, 2, 1);
  r.set_state(v1::ENTITLEMENT_STATE_STOPPED);
  *r.add_accrual() = Span(D(2026, 2, 1), D(2026, 3, 1));
  r.set_payable_fen(62500 * 28 / 181 + 50000 * 28 / 181);
  v1::Adjustment* stop = r.add_adjustments();
  stop->set_kind(v1::ADJUSTMENT_KIND_STOPPED);
  *stop->mutable_effective_date() = D(2026, 3, 1);
  stop->set_reason("registry: enrolled -> dropped out (辍学)");
  return r;
}

v1::UpstreamStudent ReturnedOn(registry::v1::Date back, const std::string& school) {
  v1::UpstreamStudent s;
  s.set_student_id("stu_r");
  s.set_school_code(school);
  s.set_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  AppendEnrolmentStep(s, registry::v1::Date(), registry::v1::ENROLMENT_STATUS_ENROLLED, kSchool);
  AppendEnrolmentStep(s, D(2026, 3, 1), registry::v1::ENROLMENT_STATUS_DROPPED_OUT, kSchool);
  AppendEnrolmentStep(s, back, registry::v1::ENROLMENT_STATUS_ENROLLED, school);
  return s;
}

TEST(UnderpaymentTest, AStopNeverUndoneAfterAReturnIsListedWithItsReason) {
  const auto u = UnderpaymentOf(Stopped(), ReturnedOn(D(2026, 3, 8), kSchool));
  ASSERT_TRUE(u.has_value());
  const int64_t days = 28 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 3, 8));
  EXPECT_EQ(u->enrolled_days(), days);
  EXPECT_EQ(u->accrued_days(), 28);
  EXPECT_EQ(u->entitled_fen(), 62500 * days / 181 + 50000 * days / 181);
  EXPECT_EQ(u->payable_fen(), Stopped().payable_fen());
  EXPECT_EQ(FormatDate(u->stopped_on()), "2026-03-01");
  EXPECT_THAT(u->reason(), HasSubstr("在校 174 天只计发 28 天"));
  EXPECT_THAT(u->reason(), HasSubstr("2026-03-01 停发（registry: enrolled -> dropped out (辍学)）后在校未恢复"));
  EXPECT_THAT(u->reason(), HasSubstr("/ enrolled 174 days, paid for 28"));
}

TEST(UnderpaymentTest, AResumedEntitlementOrAReturnElsewhereIsNotListed) {
  v1::EntitlementRecord resumed = Stopped();
  resumed.set_state(v1::ENTITLEMENT_STATE_ACCRUING);
  *resumed.add_accrual() = Span(D(2026, 3, 8));
  const int64_t days = 28 + (absl::CivilDay(2026, 8, 1) - absl::CivilDay(2026, 3, 8));
  resumed.set_payable_fen(62500 * days / 181 + 50000 * days / 181);
  EXPECT_FALSE(UnderpaymentOf(resumed, ReturnedOn(D(2026, 3, 8), kSchool)).has_value());
  // Back at another school: a new application there, not this entitlement's days.
  EXPECT_FALSE(UnderpaymentOf(Stopped(), ReturnedOn(D(2026, 3, 8), "210102000099")).has_value());
  // Disqualified: less by decision.
  v1::EntitlementRecord disqualified = Stopped();
  disqualified.set_state(v1::ENTITLEMENT_STATE_DISQUALIFIED);
  EXPECT_FALSE(UnderpaymentOf(disqualified, ReturnedOn(D(2026, 3, 8), kSchool)).has_value());
}

TEST(UnderpaymentTest, AChangeRecordedLateTakesItsPlaceByEffectiveDate) {
  v1::UpstreamStudent s;
  s.set_status(registry::v1::ENROLMENT_STATUS_DROPPED_OUT);
  AppendEnrolmentStep(s, registry::v1::Date(), registry::v1::ENROLMENT_STATUS_ENROLLED, kSchool);
  AppendEnrolmentStep(s, D(2026, 5, 1), registry::v1::ENROLMENT_STATUS_DROPPED_OUT, kSchool);
  AppendEnrolmentStep(s, D(2026, 3, 1), registry::v1::ENROLMENT_STATUS_SUSPENDED, kSchool);  // recorded later
  const auto spans = EnrolledSpans(s, kSchool, D(2026, 2, 1));
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(FormatDate(spans[0].from()), "2026-02-01");
  EXPECT_EQ(FormatDate(spans[0].to()), "2026-03-01");
  // Without any history: the current status since registration.
  v1::UpstreamStudent plain;
  plain.set_status(registry::v1::ENROLMENT_STATUS_ENROLLED);
  plain.set_school_code(kSchool);
  ASSERT_EQ(EnrolledSpans(plain, kSchool, D(2026, 2, 1)).size(), 1u);
  EXPECT_FALSE(EnrolledSpans(plain, kSchool, D(2026, 2, 1))[0].has_to());
}

}  // namespace
}  // namespace zizhu::subsidy
