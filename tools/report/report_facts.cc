#include "tools/report/report_facts.h"

#include <set>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/status_macros.h"
#include "services/common/es/event_dispatcher.h"
#include "services/disbursement/domain/account_decisions.h"
#include "services/disbursement/domain/account_evolve.h"
#include "services/dropout/domain/case_evolve.h"
#include "services/dropout/domain/rates.h"
#include "services/pairing/domain/pairing_evolve.h"
#include "services/subsidy/domain/round_evolve.h"
#include "services/subsidy/domain/upstream_facts.h"
#include "zizhu/disbursement/v1/events.pb.h"
#include "zizhu/dropout/v1/events.pb.h"
#include "zizhu/pairing/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu::report {
namespace {

namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;
namespace dv1 = disbursement::v1;
using Envelope = common::v1::EventEnvelope;
using On = es::EventDispatcher<ReportFacts&>;

absl::CivilDay DayOf(const google::protobuf::Timestamp& at) {
  return CivilDayInChina(absl::FromUnixSeconds(at.seconds()));
}

std::string Key(const std::string& round_id, const std::string& student_id) {
  return absl::StrCat(round_id, "/", student_id);
}

// The disbursement fold's rows, in memory.
class AccountRowsIn final : public disbursement::AccountRows {
 public:
  explicit AccountRowsIn(ReportFacts& f) : f_(f) {}
  absl::StatusOr<dv1::Balances> Balances(const std::string& a) override { return f_.accounts[a].balances; }
  void PutBalances(const std::string& a, const dv1::Balances& b) override { f_.accounts[a].balances = b; }
  absl::StatusOr<std::optional<dv1::Payment>> Payment(const std::string&, const std::string& id) override {
    auto it = f_.payments.find(id);
    if (it == f_.payments.end()) return std::optional<dv1::Payment>();
    return std::optional<dv1::Payment>(it->second.second);
  }
  void PutPayment(const std::string& a, const std::optional<dv1::Payment>&, const dv1::Payment& p) override {
    f_.payments[p.payment_id()] = {a, p};
  }
  absl::StatusOr<std::optional<dv1::BatchRecord>> Batch(const std::string&, const std::string& id) override {
    auto it = f_.batches.find(id);
    if (it == f_.batches.end()) return std::optional<dv1::BatchRecord>();
    return std::optional<dv1::BatchRecord>(it->second);
  }
  void PutBatch(const std::string&, const dv1::BatchRecord& b) override { f_.batches[b.batch_id()] = b; }
  // The report counts allocations from the balances; no section reads them by notice.
  void PutAllocation(const std::string&, const std::string&, int64_t) override {}

 private:
  ReportFacts& f_;
};

template <typename Map>
auto Find(Map& map, const typename Map::key_type& key) -> std::optional<typename Map::mapped_type> {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

class DropoutRowsIn final : public dropout::DropoutRows {
 public:
  explicit DropoutRowsIn(ReportFacts& f) : f_(f) {}
  absl::StatusOr<std::optional<dropout::v1::SubjectRecord>> Subject(const std::string& s) override {
    return Find(f_.subjects, s);
  }
  void PutSubject(const dropout::v1::SubjectRecord& s) override { f_.subjects[s.subject()] = s; }
  absl::StatusOr<std::optional<dropout::v1::CaseRecord>> Case(const std::string& id) override {
    return Find(f_.cases, id);
  }
  void PutCase(const std::optional<dropout::v1::CaseRecord>&, const dropout::v1::CaseRecord& c) override {
    f_.cases[c.case_id()] = c;
  }
  absl::StatusOr<std::optional<dropout::v1::LeftBehindCard>> Card(const std::string& id) override {
    return Find(f_.cards, id);
  }
  void PutCard(const dropout::v1::LeftBehindCard& c) override { f_.cards[c.student_id()] = c; }

 private:
  ReportFacts& f_;
};

class PairingRowsIn final : public pairing::PairingRows {
 public:
  explicit PairingRowsIn(ReportFacts& f) : f_(f) {}
  absl::StatusOr<std::optional<pairing::v1::PairRecord>> Pair(const std::string& id) override {
    return Find(f_.pairs, id);
  }
  void PutPair(const pairing::v1::PairRecord& p) override { f_.pairs[p.pair_id()] = p; }
  void PutPlan(const pairing::v1::PlanRecord& p) override { f_.plans[p.plan_id()] = p; }
  absl::StatusOr<std::optional<pairing::v1::RotationRecord>> Rotation(const std::string& county, int year) override {
    return Find(f_.rotations, std::make_pair(county, year));
  }
  void PutRotation(const pairing::v1::RotationRecord& r) override {
    f_.rotations[std::make_pair(r.county_code(), r.year())] = r;
  }

 private:
  ReportFacts& f_;
};

absl::StatusOr<sv1::ApplicationRecord*> ApplicationOf(ReportFacts& f, const std::string& round,
                                                      const std::string& student) {
  auto it = f.applications.find(Key(round, student));
  if (it == f.applications.end()) {
    return absl::DataLossError(absl::StrCat("round ", round, " has no application of student ", student));
  }
  return &it->second;
}

absl::StatusOr<sv1::RoundRecord*> RoundOf(ReportFacts& f, const std::string& round) {
  auto it = f.rounds.find(round);
  if (it == f.rounds.end()) return absl::DataLossError(absl::StrCat("round ", round, " was never opened"));
  return &it->second;
}

absl::Status Adjust(ReportFacts& f, const std::string& round, const std::string& student,
                    const sv1::Adjustment& adjustment) {
  auto it = f.entitlements.find(Key(round, student));
  if (it == f.entitlements.end()) {
    return absl::DataLossError(absl::StrCat("round ", round, " has no entitlement of student ", student));
  }
  subsidy::ApplyAdjustment(it->second, adjustment);
  return absl::OkStatus();
}

void RegisterRegistry(On& on) {
  on.On<rv1::SchoolRegistered>([](const rv1::SchoolRegistered& e, const Envelope&, ReportFacts& f) {
    f.schools[e.school_code()] = SchoolFacts{e.school_code(), e.name(), e.county_code(), e.county_name(), e.rural()};
    if (!e.county_name().empty()) f.county_names[e.county_code()] = e.county_name();
    return absl::OkStatus();
  });
  on.On<rv1::StudentRegistered>([](const rv1::StudentRegistered& e, const Envelope&, ReportFacts& f) {
    f.students[e.student_id()] = subsidy::UpstreamStudentOf(e);
    if (!e.national_id_hash().empty()) f.student_of_hash[e.national_id_hash()] = e.student_id();
    return absl::OkStatus();
  });
  on.On<rv1::StudentAttributesUpdated>([](const rv1::StudentAttributesUpdated& e, const Envelope&, ReportFacts& f) {
    auto it = f.students.find(e.student_id());
    if (it != f.students.end()) subsidy::ApplyAttributes(it->second, e);
    return absl::OkStatus();
  });
  on.On<rv1::EnrolmentStatusChanged>([](const rv1::EnrolmentStatusChanged& e, const Envelope&, ReportFacts& f) {
    auto it = f.students.find(e.student_id());
    if (it != f.students.end()) subsidy::ApplyEnrolment(it->second, e);
    return absl::OkStatus();
  });
  on.On<rv1::RosterRowsApplied>([](const rv1::RosterRowsApplied& e, const Envelope& envelope, ReportFacts& f) {
    const int year = static_cast<int>(DayOf(envelope.occurred_at()).year());
    for (const rv1::AppliedRosterRow& row : e.rows()) {
      const rv1::RosterPerson& p = row.person();
      if (p.national_id_hash().empty()) continue;
      const bool exit = row.change() == rv1::ROSTER_CHANGE_EXIT;
      if (subsidy::IsEvidenceSource(e.source())) {
        subsidy::ApplyRosterRow(f.evidence[p.national_id_hash()], e.source(), row, year);
      }
      if (e.source() == rv1::ROSTER_SOURCE_STUDENT_STATUS) {
        if (p.enrolment_status() == rv1::ENROLMENT_STATUS_ENROLLED && !exit) {
          f.status_roster_enrolled.insert(p.national_id_hash());
        } else {
          f.status_roster_enrolled.erase(p.national_id_hash());
        }
      } else if (e.source() == rv1::ROSTER_SOURCE_CIVIL_AFFAIRS) {
        if (dropout::IsThreeCategoryDisability(p.disability()) && !exit) {
          f.disabled[p.national_id_hash()] = DisabledChild{p.county(), p.disability()};
        } else {
          f.disabled.erase(p.national_id_hash());
        }
      }
    }
    return absl::OkStatus();
  });
  on.On<rv1::CrossMatchRequested>([](const rv1::CrossMatchRequested& e, const Envelope&, ReportFacts& f) {
    if (e.exit_transition_years() > 0) f.exit_transition_years = e.exit_transition_years();
    return absl::OkStatus();
  });
}

void RegisterSubsidy(On& on) {
  on.On<sv1::RoundOpened>([](const sv1::RoundOpened& e, const Envelope& envelope, ReportFacts& f) {
    sv1::RoundRecord& round = f.rounds[e.round_id()];
    subsidy::Evolve(round, e, envelope.occurred_at());
    return absl::OkStatus();
  });
  on.On<sv1::ApplicationsSubmitted>(
      [](const sv1::ApplicationsSubmitted& e, const Envelope& envelope, ReportFacts& f) -> absl::Status {
        RETURN_IF_ERROR(RoundOf(f, e.round_id()).status());
        for (const sv1::Application& a : e.applications()) {
          f.applications[Key(e.round_id(), a.student_id())] =
              subsidy::NewApplication(e.round_id(), a, envelope.occurred_at());
        }
        return absl::OkStatus();
      });
  on.On<sv1::CoverageReasonsRecorded>([](const sv1::CoverageReasonsRecorded& e, const Envelope&, ReportFacts& f) {
    for (const sv1::CoverageReason& r : e.reasons()) f.coverage_reasons[Key(e.round_id(), r.student_id())] = r;
    return absl::OkStatus();
  });
  on.On<sv1::ApplicationsReviewed>(
      [](const sv1::ApplicationsReviewed& e, const Envelope& envelope, ReportFacts& f) -> absl::Status {
        for (const sv1::Review& r : e.reviews()) {
          ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), r.student_id()));
          subsidy::ApplyReview(*app, r, e.reviewers(), envelope.occurred_at());
        }
        return absl::OkStatus();
      });
  on.On<sv1::NoticePublished>([](const sv1::NoticePublished& e, const Envelope&, ReportFacts& f) -> absl::Status {
    ASSIGN_OR_RETURN(sv1::RoundRecord * round, RoundOf(f, e.round_id()));
    subsidy::Evolve(*round, e);
    return absl::OkStatus();
  });
  on.On<sv1::SupplementaryNoticePublished>(
      [](const sv1::SupplementaryNoticePublished& e, const Envelope&, ReportFacts& f) -> absl::Status {
        ASSIGN_OR_RETURN(sv1::RoundRecord * round, RoundOf(f, e.round_id()));
        subsidy::Evolve(*round, e);
        for (const std::string& student : e.student_ids()) {
          ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), student));
          subsidy::PutOnNotice(*app, e);
        }
        return absl::OkStatus();
      });
  on.On<sv1::ObjectionResolved>([](const sv1::ObjectionResolved& e, const Envelope&, ReportFacts& f) -> absl::Status {
    ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), e.student_id()));
    subsidy::ApplyObjectionOutcome(*app, e);
    return absl::OkStatus();
  });
  on.On<sv1::RoundApproved>([](const sv1::RoundApproved& e, const Envelope& envelope, ReportFacts& f) -> absl::Status {
    ASSIGN_OR_RETURN(sv1::RoundRecord * round, RoundOf(f, e.round_id()));
    round->set_state(sv1::ROUND_STATE_APPROVED);
    round->set_approvals(round->approvals() + 1);
    *round->mutable_approved_at() = envelope.occurred_at();
    for (const std::string& student : e.left_school()) {
      ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), student));
      subsidy::RemoveLeftSchool(*app);
    }
    return absl::OkStatus();
  });
  on.On<sv1::EntitlementsFixed>(
      [](const sv1::EntitlementsFixed& e, const Envelope& envelope, ReportFacts& f) -> absl::Status {
        for (const sv1::Entitlement& entitlement : e.entitlements()) {
          ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), entitlement.student_id()));
          app->set_state(sv1::APPLICATION_STATE_APPROVED);
          f.entitlements[Key(e.round_id(), entitlement.student_id())] =
              subsidy::NewEntitlement(entitlement, envelope.occurred_at());
        }
        return absl::OkStatus();
      });
  on.On<sv1::EntitlementAdjusted>([](const sv1::EntitlementAdjusted& e, const Envelope&, ReportFacts& f) {
    return Adjust(f, e.round_id(), e.student_id(), e.adjustment());
  });
  on.On<sv1::StudentDisqualified>(
      [](const sv1::StudentDisqualified& e, const Envelope&, ReportFacts& f) -> absl::Status {
        ASSIGN_OR_RETURN(sv1::ApplicationRecord * app, ApplicationOf(f, e.round_id(), e.student_id()));
        subsidy::ApplyDisqualification(*app, e);
        if (e.has_adjustment()) return Adjust(f, e.round_id(), e.student_id(), e.adjustment());
        return absl::OkStatus();
      });
}

template <typename Event>
void OnAccount(On& on) {
  on.On<Event>([](const Event& e, const Envelope& envelope, ReportFacts& f) {
    AccountFacts& facts = f.accounts[disbursement::AccountId(e.account())];
    if (facts.key.county_code().empty()) facts.key = e.account();
    AccountRowsIn rows(f);
    return disbursement::FoldAccountEvent(e, envelope.aggregate_version(), rows);
  });
}

void RegisterDisbursement(On& on) {
  disbursement::AccountEvents::ForEach([&on](auto tag) { OnAccount<es::EventOfTag<decltype(tag)>>(on); });
}

template <typename Event>
void OnDropout(On& on) {
  on.On<Event>([](const Event& e, const Envelope& envelope, ReportFacts& f) {
    DropoutRowsIn rows(f);
    return dropout::FoldDropoutEvent(e, envelope.aggregate_version(), rows);
  });
}

template <typename Event>
void OnPairing(On& on) {
  on.On<Event>([](const Event& e, const Envelope& envelope, ReportFacts& f) {
    PairingRowsIn rows(f);
    return pairing::FoldPairingEvent(e, envelope.aggregate_version(), rows);
  });
}

// Dropout events without a date of their own: they count when they occurred
// (a case's opening, cross-off and reopening carry their dates).
const std::set<std::string_view> kUndatedCaseEvents = {
    "zizhu.dropout.v1.TeamAssigned", "zizhu.dropout.v1.VisitRecorded", "zizhu.dropout.v1.ReturnRecorded",
    "zizhu.dropout.v1.LeftBehindCardRecorded"};

}  // namespace

ReportFacts::ReportFacts() : exit_transition_years(subsidy::kDefaultExitTransitionYears) {}

std::string ReportFacts::CountyOf(const std::string& school_code) const {
  auto it = schools.find(school_code);
  return it == schools.end() ? "" : it->second.county_code;
}

std::string ReportFacts::CountyCodeFor(const std::string& county) const {
  if (county.size() == 6 && county.find_first_not_of("0123456789") == std::string::npos) return county;
  for (const auto& [code, name] : county_names) {
    if (name == county) return code;
  }
  return county;
}

class FactsFolder::Dispatchers {
 public:
  Dispatchers() {
    RegisterRegistry(registry);
    RegisterSubsidy(subsidy);
    RegisterDisbursement(disbursement);
    dropout::DropoutEvents::ForEach([this](auto tag) { OnDropout<es::EventOfTag<decltype(tag)>>(dropout); });
    pairing::PairingEvents::ForEach([this](auto tag) { OnPairing<es::EventOfTag<decltype(tag)>>(pairing); });
  }
  On registry, subsidy, disbursement, dropout, pairing;
  // Aggregates (per topic) that had an event after the period: their later
  // events are the next period's too, whatever their clock says.
  absl::flat_hash_set<std::string> closed;
};

FactsFolder::FactsFolder(absl::CivilDay last_day) : last_day_(last_day), on_(std::make_unique<Dispatchers>()) {}
FactsFolder::~FactsFolder() = default;

absl::Status FactsFolder::Fold(const std::string& service, const Envelope& envelope, ReportFacts& facts) {
  On* on = nullptr;
  bool dated_by_occurrence = true;
  if (service == "registry") on = &on_->registry;
  if (service == "subsidy") on = &on_->subsidy;
  if (service == "disbursement") on = &on_->disbursement;
  if (service == "dropout") on = &on_->dropout, dated_by_occurrence = false;
  if (service == "pairing") on = &on_->pairing, dated_by_occurrence = false;
  if (on == nullptr) return absl::InvalidArgumentError(absl::StrCat("no report reads the service '", service, "'"));
  if (!dated_by_occurrence && DayOf(envelope.occurred_at()) > last_day_ &&
      kUndatedCaseEvents.count(es::PayloadTypeName(envelope)) > 0) {
    ++after_period_;  // a team or visit recorded after the period: the next period's
    return absl::OkStatus();
  }
  if (dated_by_occurrence) {
    const std::string aggregate = absl::StrCat(service, "|", envelope.aggregate_id());
    if (on_->closed.contains(aggregate) || DayOf(envelope.occurred_at()) > last_day_) {
      on_->closed.insert(aggregate);
      ++after_period_;
      return absl::OkStatus();
    }
  }
  ++folded_;
  absl::Status folded = on->Dispatch(envelope, facts);
  if (!folded.ok()) {
    return absl::Status(folded.code(), absl::StrCat("event ", envelope.event_id(), " of ", service, " (",
                                                    envelope.aggregate_id(), "): ", folded.message()));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::report
