#include "services/subsidy/domain/entitlement_calc.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/core/money.h"
#include "services/subsidy/domain/policy_file.h"

namespace zizhu::subsidy {
namespace {

bool BoardingMatches(v1::BoardingMatch match, bool boarding) {
  return match == v1::BOARDING_MATCH_ANY || (match == v1::BOARDING_MATCH_BOARDING) == boarding;
}

std::string Yuan(int64_t fen) { return Fen::FromFen(fen).ToYuanString(); }

// amount * days / total_days rounded down; policy amounts are capped at
// 1,000,000 yuan (1e8 fen) and days at a year, so the product fits.
int64_t Prorate(int64_t amount, int64_t days, int64_t total_days) {
  if (days >= total_days) return amount;
  if (days <= 0) return 0;
  return amount * days / total_days;
}

}  // namespace

v1::StudentFacts FactsOf(const v1::UpstreamStudent& student, const v1::UpstreamPovertyEvidence* evidence,
                         int exit_transition_years, int year) {
  v1::StudentFacts facts;
  facts.set_name_masked(student.name_masked());
  facts.set_national_id_masked(student.national_id_masked());
  facts.set_stage(student.stage());
  facts.set_grade(student.grade());
  facts.set_class_name(student.class_name());
  facts.set_boarding(student.boarding());
  *facts.mutable_categories() = student.categories();
  facts.set_household_number(student.household_number());
  const bool registry_says = std::find(student.categories().begin(), student.categories().end(),
                                       registry::v1::POVERTY_CATEGORY_REGISTERED_POOR) != student.categories().end();
  bool poor = registry_says;
  if (evidence != nullptr && evidence->poverty_office()) {
    if (facts.household_number().empty()) facts.set_household_number(evidence->household_number());
    const int exited = evidence->year_exited();
    facts.set_household_exit_year(exited);
    const bool in_transition = exited == 0 || year - exited <= exit_transition_years;
    poor = in_transition || evidence->civil_affairs();
  }
  facts.set_registered_poor(poor);
  return facts;
}

v1::AidClass AidClassOf(const v1::StudentFacts& facts) {
  return facts.registered_poor() ? v1::AID_CLASS_REGISTERED_POOR : v1::AID_CLASS_HARDSHIP;
}

const v1::PolicyRule* FindRule(const v1::Policy& policy, const v1::StudentFacts& facts, int tier) {
  const v1::AidClass aid_class = AidClassOf(facts);
  for (const v1::PolicyRule& rule : policy.rules()) {
    if (rule.stage() == facts.stage() && rule.aid_class() == aid_class && rule.tier() == tier &&
        BoardingMatches(rule.boarding(), facts.boarding())) {
      return &rule;
    }
  }
  return nullptr;
}

absl::StatusOr<const v1::PolicyRule*> RuleFor(const v1::Policy& policy, const v1::StudentFacts& facts, int tier) {
  const v1::PolicyRule* rule = FindRule(policy, facts, tier);
  if (rule == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("policy ", policy.version(), " has no rule for stage ", StageName(facts.stage()), ", class ",
                     AidClassName(AidClassOf(facts)), ", ", facts.boarding() ? "boarding" : "day", ", tier ", tier));
  }
  return rule;
}

std::vector<v1::ShareAmount> SplitShares(int64_t amount,
                                         const google::protobuf::RepeatedPtrField<v1::FundShare>& shares) {
  std::vector<v1::ShareAmount> parts;
  if (amount == 0 || shares.empty()) return parts;
  int64_t given = 0;
  for (const v1::FundShare& share : shares) {
    v1::ShareAmount part;
    part.set_source(share.source());
    part.set_fen(amount * share.percent() / 100);
    given += part.fen();
    parts.push_back(part);
  }
  parts.front().set_fen(parts.front().fen() + amount - given);
  return parts;
}

namespace {

std::vector<v1::ShareAmount> Merge(const std::vector<v1::ShareAmount>& a, const std::vector<v1::ShareAmount>& b) {
  std::map<int, int64_t> by_source;
  for (const std::vector<v1::ShareAmount>* list : {&a, &b}) {
    for (const v1::ShareAmount& part : *list) by_source[part.source()] += part.fen();
  }
  std::vector<v1::ShareAmount> merged;
  for (const auto& [source, fen] : by_source) {
    if (fen == 0) continue;
    v1::ShareAmount part;
    part.set_source(static_cast<v1::FundSource>(source));
    part.set_fen(fen);
    merged.push_back(part);
  }
  return merged;
}

}  // namespace

absl::StatusOr<v1::Entitlement> ComputeEntitlement(const v1::Policy& policy, const Semester& semester,
                                                   const v1::StudentFacts& facts, int tier, const Date& accrues_from) {
  auto rule_or = RuleFor(policy, facts, tier);
  if (!rule_or.ok()) return rule_or.status();
  const v1::PolicyRule& rule = **rule_or;
  const SemesterCalendar calendar = CalendarOf(policy, semester);
  const int64_t half = semester.term == Term::kSpring ? 0 : 1;
  v1::Entitlement e;
  e.set_semester(semester.id());
  e.set_policy_version(policy.version());
  e.set_rule_id(rule.rule_id());
  e.set_tier(tier);
  *e.mutable_facts() = facts;
  e.set_base_fen(Fen::FromFen(rule.base_fen_per_year()).PartOfSplit(2, half).fen());
  e.set_top_up_fen(Fen::FromFen(rule.top_up_fen_per_year()).PartOfSplit(2, half).fen());
  e.set_amount_fen(e.base_fen() + e.top_up_fen());
  for (const v1::ShareAmount& part :
       Merge(SplitShares(e.base_fen(), rule.base_shares()), SplitShares(e.top_up_fen(), rule.top_up_shares()))) {
    *e.add_shares() = part;
  }
  *e.mutable_base_shares() = rule.base_shares();
  *e.mutable_top_up_shares() = rule.top_up_shares();
  *e.mutable_waivers() = rule.waivers();
  e.set_payer(rule.payer());
  *e.mutable_semester_start() = ToDate(calendar.first_day);
  *e.mutable_semester_end() = ToDate(calendar.last_day);
  const absl::CivilDay from = std::max(ToCivil(accrues_from), calendar.first_day);
  *e.mutable_accrues_from() = ToDate(from);
  std::vector<std::string> categories;
  for (int c : facts.categories()) categories.push_back(registry::v1::PovertyCategory_Name(c));
  std::vector<std::string> waivers;
  for (int w : rule.waivers()) waivers.push_back(WaiverName(static_cast<v1::Waiver>(w)));
  e.set_explanation(absl::StrCat(
      "policy ", policy.version(), ", rule ", rule.rule_id(), ": stage ", StageName(facts.stage()), ", ",
      facts.boarding() ? "boarding" : "day", ", ", AidClassName(AidClassOf(facts)),
      facts.household_exit_year() > 0 ? absl::StrCat(" (household exited ", facts.household_exit_year(), ")") : "",
      ", tier ", tier, ", categories [", absl::StrJoin(categories, ", "), "]; base ", Yuan(rule.base_fen_per_year()),
      " + top-up ", Yuan(rule.top_up_fen_per_year()), " yuan a year, ", semester.id(), " half: ", Yuan(e.base_fen()),
      " + ", Yuan(e.top_up_fen()), " = ", Yuan(e.amount_fen()), " yuan for ", FormatDate(e.semester_start()), " to ",
      FormatDate(e.semester_end()), waivers.empty() ? "" : absl::StrCat("; waived: ", absl::StrJoin(waivers, ", "))));
  return e;
}

int64_t AccruedDays(const v1::Entitlement& entitlement, const std::vector<v1::AccrualSpan>& spans) {
  const absl::CivilDay first = ToCivil(entitlement.semester_start());
  const absl::CivilDay after_last = ToCivil(entitlement.semester_end()) + 1;
  int64_t days = 0;
  for (const v1::AccrualSpan& span : spans) {
    const absl::CivilDay from = std::max(ToCivil(span.from()), first);
    const absl::CivilDay to = span.has_to() ? std::min(ToCivil(span.to()), after_last) : after_last;
    if (to > from) days += to - from;
  }
  return days;
}

Payable PayableFor(const v1::Entitlement& entitlement, int64_t accrued_days) {
  const int64_t total = ToCivil(entitlement.semester_end()) - ToCivil(entitlement.semester_start()) + 1;
  const int64_t base = Prorate(entitlement.base_fen(), accrued_days, total);
  const int64_t top_up = Prorate(entitlement.top_up_fen(), accrued_days, total);
  Payable payable;
  payable.fen = base + top_up;
  payable.shares =
      Merge(SplitShares(base, entitlement.base_shares()), SplitShares(top_up, entitlement.top_up_shares()));
  return payable;
}

}  // namespace zizhu::subsidy
