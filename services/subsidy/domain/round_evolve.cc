#include "services/subsidy/domain/round_evolve.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/semester.h"

namespace zizhu::subsidy {

void Evolve(v1::PolicyRecord& record, const v1::PolicyVersionLoaded& event, const Timestamp& at) {
  *record.mutable_policy() = event.policy();
  record.set_draft(event.draft());
  record.set_file_name(event.file_name());
  record.set_file_hash(event.file_hash());
  *record.mutable_loaded_at() = at;
}

void Evolve(v1::PolicyRecord& record, const v1::PolicyVersionPublished&, const Timestamp& at) {
  record.set_draft(false);
  *record.mutable_published_at() = at;
}

void Evolve(v1::RoundRecord& round, const v1::RoundOpened& event, const Timestamp& at) {
  round.set_round_id(event.round_id());
  round.set_school_code(event.school_code());
  round.set_school_name(event.school_name());
  round.set_county_code(event.county_code());
  round.set_semester(event.semester());
  round.set_quota(event.quota());
  round.set_policy_version(event.policy_version());
  *round.mutable_application_deadline() = event.application_deadline();
  round.set_state(v1::ROUND_STATE_OPEN);
  *round.mutable_opened_at() = at;
}

void Evolve(v1::RoundRecord& round, const v1::NoticePublished& event) {
  round.set_state(v1::ROUND_STATE_NOTICE);
  *round.mutable_notice_closes_at() = event.closes_at();
}

void Evolve(v1::RoundRecord& round, const v1::SupplementaryNoticePublished& event) {
  *round.mutable_supplementary_closes_at() = event.closes_at();
}

void PutOnNotice(v1::ApplicationRecord& app, const v1::SupplementaryNoticePublished& event) {
  *app.mutable_notice_closes_at() = event.closes_at();
}

void Tally(v1::RoundRecord& round, const v1::ApplicationRecord& app, int sign) {
  switch (app.state()) {
    case v1::APPLICATION_STATE_SUBMITTED:
      round.set_pending_review(round.pending_review() + sign);
      break;
    case v1::APPLICATION_STATE_ACCEPTED:
      if (app.needs_notice() && !app.has_notice_closes_at()) round.set_awaiting_notice(round.awaiting_notice() + sign);
      round.set_accepted(round.accepted() + sign);
      if (app.counts_against_quota()) round.set_quota_used(round.quota_used() + sign);
      break;
    case v1::APPLICATION_STATE_APPROVED:
      round.set_accepted(round.accepted() + sign);
      if (app.counts_against_quota()) round.set_quota_used(round.quota_used() + sign);
      break;
    case v1::APPLICATION_STATE_REJECTED:
      round.set_rejected(round.rejected() + sign);
      break;
    case v1::APPLICATION_STATE_REMOVED:
    case v1::APPLICATION_STATE_DISQUALIFIED:
      round.set_removed(round.removed() + sign);
      break;
    default:
      break;
  }
}

v1::ApplicationRecord NewApplication(const std::string& round_id, const v1::Application& application,
                                     const Timestamp& at) {
  v1::ApplicationRecord app;
  app.set_round_id(round_id);
  *app.mutable_application() = application;
  app.set_state(v1::APPLICATION_STATE_SUBMITTED);
  *app.mutable_submitted_at() = at;
  return app;
}

void ApplyReview(v1::ApplicationRecord& app, const v1::Review& review,
                 const google::protobuf::RepeatedPtrField<std::string>& reviewers, const Timestamp& at) {
  const bool accepted = review.decision() == v1::REVIEW_DECISION_ACCEPTED;
  app.set_state(accepted ? v1::APPLICATION_STATE_ACCEPTED : v1::APPLICATION_STATE_REJECTED);
  app.set_tier(accepted ? review.tier() : 0);
  app.set_review_reason(review.reason());
  app.set_counts_against_quota(review.counts_against_quota());
  app.set_needs_notice(accepted && review.needs_notice());
  app.clear_notice_closes_at();
  *app.mutable_reviewers() = reviewers;
  *app.mutable_reviewed_at() = at;
}

void ApplyObjectionOutcome(v1::ApplicationRecord& app, const v1::ObjectionResolved& event) {
  if (event.outcome() == v1::OBJECTION_OUTCOME_UPHELD_REMOVE && app.state() == v1::APPLICATION_STATE_ACCEPTED) {
    app.set_state(v1::APPLICATION_STATE_REMOVED);
    app.set_review_reason(absl::StrCat("objection ", event.objection_id(), " upheld: ", event.note()));
  } else if (event.outcome() == v1::OBJECTION_OUTCOME_UPHELD_CHANGE_TIER) {
    app.set_tier(event.new_tier());
  }
}

void RemoveLeftSchool(v1::ApplicationRecord& app) {
  app.set_state(v1::APPLICATION_STATE_REMOVED);
  app.set_review_reason("no longer enrolled at the school when the round was approved");
}

void ApplyDisqualification(v1::ApplicationRecord& app, const v1::StudentDisqualified& event) {
  app.set_state(v1::APPLICATION_STATE_DISQUALIFIED);
  app.set_disqualification(absl::StrCat(v1::DisqualificationReason_Name(event.reason()), " from ",
                                        event.effective_date().year(), "-", event.effective_date().month(), "-",
                                        event.effective_date().day(), ": ", event.note()));
}

std::vector<v1::AccrualSpan> SpansAfter(const v1::EntitlementRecord& record, v1::AdjustmentKind kind,
                                        const registry::v1::Date& date) {
  const v1::Entitlement& e = record.entitlement();
  const absl::CivilDay first = ToCivil(e.semester_start());
  const absl::CivilDay after_last = ToCivil(e.semester_end()) + 1;
  const absl::CivilDay day = std::clamp(ToCivil(date), first, after_last);
  std::vector<v1::AccrualSpan> spans(record.accrual().begin(), record.accrual().end());
  if (kind == v1::ADJUSTMENT_KIND_RESUMED) {
    v1::AccrualSpan span;
    *span.mutable_from() = ToDate(day);
    spans.push_back(span);
  } else if (!spans.empty() && !spans.back().has_to()) {
    *spans.back().mutable_to() = ToDate(std::max(day, ToCivil(spans.back().from())));
  }
  return spans;
}

v1::EntitlementRecord NewEntitlement(const v1::Entitlement& entitlement, const Timestamp& at) {
  v1::EntitlementRecord record;
  *record.mutable_entitlement() = entitlement;
  record.set_state(v1::ENTITLEMENT_STATE_ACCRUING);
  v1::AccrualSpan* span = record.add_accrual();
  *span->mutable_from() = entitlement.accrues_from();
  std::vector<v1::AccrualSpan> spans(record.accrual().begin(), record.accrual().end());
  const Payable payable = PayableFor(entitlement, AccruedDays(entitlement, spans));
  record.set_payable_fen(payable.fen);
  for (const v1::ShareAmount& part : payable.shares) *record.add_payable_shares() = part;
  *record.mutable_approved_at() = at;
  return record;
}

void ApplyAdjustment(v1::EntitlementRecord& record, const v1::Adjustment& adjustment) {
  std::vector<v1::AccrualSpan> spans = SpansAfter(record, adjustment.kind(), adjustment.effective_date());
  record.clear_accrual();
  for (const v1::AccrualSpan& span : spans) *record.add_accrual() = span;
  switch (adjustment.kind()) {
    case v1::ADJUSTMENT_KIND_STOPPED:
      record.set_state(v1::ENTITLEMENT_STATE_STOPPED);
      break;
    case v1::ADJUSTMENT_KIND_RESUMED:
      record.set_state(v1::ENTITLEMENT_STATE_ACCRUING);
      break;
    default:
      record.set_state(v1::ENTITLEMENT_STATE_DISQUALIFIED);
      break;
  }
  record.set_payable_fen(adjustment.payable_after_fen());
  *record.mutable_payable_shares() = adjustment.shares_after();
  *record.add_adjustments() = adjustment;
}

void AddToTotals(v1::EntitlementTotals& totals, const v1::EntitlementRecord& record, int sign) {
  totals.set_entitlements(totals.entitlements() + sign);
  totals.set_amount_fen(totals.amount_fen() + sign * record.entitlement().amount_fen());
  totals.set_payable_fen(totals.payable_fen() + sign * record.payable_fen());
  if (record.entitlement().facts().registered_poor()) totals.set_registered_poor(totals.registered_poor() + sign);
  std::map<int, int64_t> by_source;
  for (const v1::ShareAmount& part : totals.payable_shares()) by_source[part.source()] += part.fen();
  for (const v1::ShareAmount& part : record.payable_shares()) by_source[part.source()] += sign * part.fen();
  totals.clear_payable_shares();
  for (const auto& [source, fen] : by_source) {
    if (fen == 0) continue;
    v1::ShareAmount* part = totals.add_payable_shares();
    part->set_source(static_cast<v1::FundSource>(source));
    part->set_fen(fen);
  }
}

}  // namespace zizhu::subsidy
