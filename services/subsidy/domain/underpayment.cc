#include "services/subsidy/domain/underpayment.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/rules/dates.h"
#include "services/common/core/money.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/semester.h"

namespace zizhu::subsidy {
namespace {}  // namespace

void AppendEnrolmentStep(v1::UpstreamStudent& student, const registry::v1::Date& effective_date,
                         registry::v1::EnrolmentStatus status, const std::string& school_code) {
  v1::EnrolmentStep* step = student.add_enrolment();
  if (rules::IsSet(effective_date)) *step->mutable_effective_date() = effective_date;
  step->set_status(status);
  step->set_school_code(school_code);
}

std::vector<v1::AccrualSpan> EnrolledSpans(const v1::UpstreamStudent& student, const std::string& school_code,
                                           const registry::v1::Date& from) {
  std::vector<v1::EnrolmentStep> steps(student.enrolment().begin(), student.enrolment().end());
  if (steps.empty()) {
    v1::EnrolmentStep now;
    now.set_status(student.status());
    now.set_school_code(student.school_code());
    steps.push_back(now);
  }
  // By effective date; a change recorded later but dated earlier takes its
  // place in time, changes of one day keep the order they were recorded in.
  std::stable_sort(steps.begin(), steps.end(), [](const v1::EnrolmentStep& a, const v1::EnrolmentStep& b) {
    const bool a_set = rules::IsSet(a.effective_date()), b_set = rules::IsSet(b.effective_date());
    if (!a_set || !b_set) return !a_set && b_set;
    return ToCivil(a.effective_date()) < ToCivil(b.effective_date());
  });
  const absl::CivilDay start = ToCivil(from);
  std::vector<v1::AccrualSpan> spans;
  for (size_t i = 0; i < steps.size(); ++i) {
    const v1::EnrolmentStep& step = steps[i];
    if (step.status() != registry::v1::ENROLMENT_STATUS_ENROLLED || step.school_code() != school_code) continue;
    absl::CivilDay begin =
        rules::IsSet(step.effective_date()) ? std::max(ToCivil(step.effective_date()), start) : start;
    std::optional<absl::CivilDay> end;
    if (i + 1 < steps.size()) {
      if (!rules::IsSet(steps[i + 1].effective_date())) continue;  // undated, the next holds since registration too
      end = ToCivil(steps[i + 1].effective_date());
    }
    if (end && *end <= begin) continue;
    v1::AccrualSpan span;
    *span.mutable_from() = ToDate(begin);
    if (end) *span.mutable_to() = ToDate(*end);
    spans.push_back(std::move(span));
  }
  return spans;
}

std::optional<v1::Underpayment> UnderpaymentOf(const v1::EntitlementRecord& record,
                                               const v1::UpstreamStudent& student) {
  if (record.state() == v1::ENTITLEMENT_STATE_DISQUALIFIED) return std::nullopt;
  const v1::Entitlement& e = record.entitlement();
  const int64_t enrolled = AccruedDays(e, EnrolledSpans(student, e.school_code(), e.accrues_from()));
  const Payable entitled = PayableFor(e, enrolled);
  if (record.payable_fen() >= entitled.fen) return std::nullopt;
  const std::vector<v1::AccrualSpan> accrual(record.accrual().begin(), record.accrual().end());
  v1::Underpayment u;
  u.set_student_id(e.student_id());
  u.set_name_masked(e.facts().name_masked());
  u.set_school_code(e.school_code());
  u.set_county_code(e.county_code());
  u.set_round_id(e.round_id());
  u.set_semester(e.semester());
  u.set_entitled_fen(entitled.fen);
  u.set_payable_fen(record.payable_fen());
  u.set_enrolled_days(static_cast<int32_t>(enrolled));
  u.set_accrued_days(static_cast<int32_t>(AccruedDays(e, accrual)));
  for (const v1::Adjustment& a : record.adjustments()) {
    if (a.kind() == v1::ADJUSTMENT_KIND_STOPPED) {
      *u.mutable_stopped_on() = a.effective_date();
      u.set_stop_reason(a.reason());
    } else if (a.kind() == v1::ADJUSTMENT_KIND_RESUMED) {
      u.clear_stopped_on();
      u.clear_stop_reason();
    }
  }
  const std::string short_yuan = Fen::FromFen(entitled.fen - record.payable_fen()).ToYuanString();
  const std::string stop_zh =
      u.has_stopped_on() ? absl::StrCat("；", FormatDate(u.stopped_on()), " 停发（", u.stop_reason(), "）后在校未恢复")
                         : "";
  const std::string stop_en = u.has_stopped_on() ? absl::StrCat("; stopped ", FormatDate(u.stopped_on()), " (",
                                                                u.stop_reason(), ") and not resumed")
                                                 : "";
  u.set_reason(absl::StrCat("在校 ", enrolled, " 天只计发 ", u.accrued_days(), " 天，少发 ", short_yuan, " 元", stop_zh,
                            " / enrolled ", enrolled, " days, paid for ", u.accrued_days(), ", ", short_yuan,
                            " yuan short", stop_en));
  return u;
}

}  // namespace zizhu::subsidy
