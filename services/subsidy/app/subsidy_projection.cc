#include "services/subsidy/app/subsidy_projection.h"

#include "services/common/core/civil_date.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/rows.h"
#include "services/subsidy/app/subsidy_keys.h"
#include "services/subsidy/domain/round_evolve.h"
#include "services/subsidy/domain/semester.h"
#include "services/subsidy/domain/upstream_facts.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::subsidy {
namespace {

using Envelope = common::v1::EventEnvelope;
using Batch = storage::ProjectionBatch;

template <typename Record>
absl::StatusOr<Record> LoadOrEmpty(Batch& batch, const std::string& key) {
  ASSIGN_OR_RETURN(auto row, storage::LoadRow<Record>(batch, key));
  return row.value_or(Record());
}

template <typename Record>
absl::StatusOr<Record> LoadExisting(Batch& batch, const std::string& key) {
  ASSIGN_OR_RETURN(auto row, storage::LoadRow<Record>(batch, key));
  if (!row) return absl::DataLossError(absl::StrCat("projection row '", key, "' is missing"));
  return *std::move(row);
}

void Put(Batch& batch, const std::string& key, const google::protobuf::Message& record) {
  batch.Put(key, SerializeDeterministic(record));
}

// The rows of one round while its event is folded: the round itself and the
// applications the event touches, each application's state index and the
// round's counters kept in step.
class RoundRows {
 public:
  RoundRows(Batch& batch, const Envelope& envelope) : batch_(batch), envelope_(envelope) {}

  absl::Status Load(const std::string& round_id) {
    ASSIGN_OR_RETURN(round_, LoadExisting<v1::RoundRecord>(batch_, keys::Round(round_id)));
    return absl::OkStatus();
  }
  v1::RoundRecord& round() { return round_; }

  // Replaces an application (absent before when `before` is empty).
  void PutApplication(const std::optional<v1::ApplicationRecord>& before, const v1::ApplicationRecord& after) {
    const std::string& student = after.application().student_id();
    if (before) {
      Tally(round_, *before, -1);
      batch_.Delete(keys::ApplicationStatePrefix(round_.round_id(), before->state()) + student);
    }
    Tally(round_, after, +1);
    batch_.Put(keys::ApplicationStatePrefix(round_.round_id(), after.state()) + student, "");
    Put(batch_, keys::Application(round_.round_id(), student), after);
  }
  absl::StatusOr<v1::ApplicationRecord> Application(const std::string& student) {
    return LoadExisting<v1::ApplicationRecord>(batch_, keys::Application(round_.round_id(), student));
  }

  // Replaces an entitlement and keeps the totals of its school.
  absl::Status PutEntitlement(const std::optional<v1::EntitlementRecord>& before, const v1::EntitlementRecord& after) {
    const v1::Entitlement& e = after.entitlement();
    const std::string totals_key = keys::SchoolTotals(e.semester(), e.county_code(), e.school_code());
    ASSIGN_OR_RETURN(v1::EntitlementTotals totals, LoadOrEmpty<v1::EntitlementTotals>(batch_, totals_key));
    if (before) {
      AddToTotals(totals, *before, -1);
      round_.set_total_fen(round_.total_fen() - before->payable_fen());
    } else {
      round_.set_entitlements(round_.entitlements() + 1);
      batch_.Put(keys::EntitlementSchoolPrefix(e.semester(), e.school_code()) + e.student_id(), "");
      batch_.Put(absl::StrCat(keys::EntitlementCountyPrefix(e.semester(), e.county_code()), e.school_code(), "/",
                              e.student_id()),
                 "");
    }
    AddToTotals(totals, after, +1);
    round_.set_total_fen(round_.total_fen() + after.payable_fen());
    Put(batch_, totals_key, totals);
    Put(batch_, keys::Entitlement(e.student_id(), e.semester(), e.school_code()), after);
    return absl::OkStatus();
  }
  absl::Status Adjust(const std::string& student, const v1::Adjustment& adjustment) {
    const std::string key = keys::Entitlement(student, round_.semester(), round_.school_code());
    ASSIGN_OR_RETURN(v1::EntitlementRecord before, LoadExisting<v1::EntitlementRecord>(batch_, key));
    v1::EntitlementRecord after = before;
    ApplyAdjustment(after, adjustment);
    return PutEntitlement(before, after);
  }

  void Save() {
    round_.set_aggregate_version(envelope_.aggregate_version());
    Put(batch_, keys::Round(round_.round_id()), round_);
  }

 private:
  Batch& batch_;
  const Envelope& envelope_;
  v1::RoundRecord round_;
};

// Registers a handler for a round event: loads the round, lets `fold` change
// it, saves it with the event's version.
template <typename Event, typename Fold>
void OnRound(es::EventDispatcher<Batch&>& on, Fold fold) {
  on.On<Event>([fold](const Event& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    RoundRows rows(batch, envelope);
    RETURN_IF_ERROR(rows.Load(event.round_id()));
    RETURN_IF_ERROR(fold(event, envelope, batch, rows));
    rows.Save();
    return absl::OkStatus();
  });
}

// Registers a handler for a policy event; `version` names its aggregate.
template <typename Event, typename Version>
void OnPolicy(es::EventDispatcher<Batch&>& on, Version version) {
  on.On<Event>([version](const Event& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    const std::string key = keys::Policy(version(event));
    ASSIGN_OR_RETURN(v1::PolicyRecord record, LoadOrEmpty<v1::PolicyRecord>(batch, key));
    Evolve(record, event, envelope.occurred_at());
    record.set_aggregate_version(envelope.aggregate_version());
    Put(batch, key, record);
    return absl::OkStatus();
  });
}

}  // namespace

SubsidyProjection::SubsidyProjection() {
  OnPolicy<v1::PolicyVersionLoaded>(on_, [](const v1::PolicyVersionLoaded& e) { return e.policy().version(); });
  OnPolicy<v1::PolicyVersionPublished>(on_, [](const v1::PolicyVersionPublished& e) { return e.version(); });

  on_.On<v1::RoundOpened>([](const v1::RoundOpened& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    v1::RoundRecord round;
    Evolve(round, event, envelope.occurred_at());
    round.set_aggregate_version(envelope.aggregate_version());
    Put(batch, keys::Round(event.round_id()), round);
    batch.Put(keys::RoundIndex(event.semester(), event.county_code(), event.school_code()), event.round_id());
    return absl::OkStatus();
  });

  OnRound<v1::ApplicationsSubmitted>(
      on_,
      [](const v1::ApplicationsSubmitted& event, const Envelope& envelope, Batch& batch,
         RoundRows& rows) -> absl::Status {
        for (const v1::Application& application : event.applications()) {
          ASSIGN_OR_RETURN(auto before, storage::LoadRow<v1::ApplicationRecord>(
                                            batch, keys::Application(event.round_id(), application.student_id())));
          rows.PutApplication(before, NewApplication(event.round_id(), application, envelope.occurred_at()));
          rows.round().set_submitted(rows.round().submitted() + 1);
        }
        return absl::OkStatus();
      });

  OnRound<v1::CoverageReasonsRecorded>(
      on_,
      [](const v1::CoverageReasonsRecorded& event, const Envelope&, Batch& batch, RoundRows& rows) -> absl::Status {
        for (const v1::CoverageReason& reason : event.reasons()) {
          Put(batch, keys::CoverageReason(event.round_id(), reason.student_id()), reason);
          rows.round().set_coverage_reasons(rows.round().coverage_reasons() + 1);
        }
        return absl::OkStatus();
      });

  OnRound<v1::ApplicationsReviewed>(
      on_,
      [](const v1::ApplicationsReviewed& event, const Envelope& envelope, Batch&, RoundRows& rows) -> absl::Status {
        for (const v1::Review& review : event.reviews()) {
          ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(review.student_id()));
          v1::ApplicationRecord after = before;
          ApplyReview(after, review, event.reviewers(), envelope.occurred_at());
          rows.PutApplication(before, after);
        }
        return absl::OkStatus();
      });

  OnRound<v1::NoticePublished>(
      on_, [](const v1::NoticePublished& event, const Envelope&, Batch&, RoundRows& rows) -> absl::Status {
        Evolve(rows.round(), event);
        return absl::OkStatus();
      });

  OnRound<v1::SupplementaryNoticePublished>(
      on_, [](const v1::SupplementaryNoticePublished& event, const Envelope&, Batch&, RoundRows& rows) -> absl::Status {
        Evolve(rows.round(), event);
        for (const std::string& student : event.student_ids()) {
          ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(student));
          v1::ApplicationRecord after = before;
          PutOnNotice(after, event);
          rows.PutApplication(before, after);
        }
        return absl::OkStatus();
      });

  OnRound<v1::ObjectionRaised>(
      on_,
      [](const v1::ObjectionRaised& event, const Envelope& envelope, Batch& batch, RoundRows& rows) -> absl::Status {
        v1::ObjectionRecord objection;
        objection.set_round_id(event.round_id());
        objection.set_objection_id(event.objection_id());
        objection.set_student_id(event.student_id());
        objection.set_reason(event.reason());
        objection.set_raised_by(event.raised_by());
        *objection.mutable_raised_at() = envelope.occurred_at();
        objection.set_event_id(envelope.event_id());
        Put(batch, keys::Objection(event.round_id(), event.objection_id()), objection);
        batch.Put(keys::OpenObjectionPrefix(event.round_id()) + event.objection_id(), "");
        rows.round().set_objections(rows.round().objections() + 1);
        rows.round().set_open_objections(rows.round().open_objections() + 1);
        ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(event.student_id()));
        v1::ApplicationRecord after = before;
        after.add_objection_ids(event.objection_id());
        rows.PutApplication(before, after);
        return absl::OkStatus();
      });

  OnRound<v1::ObjectionResolved>(
      on_,
      [](const v1::ObjectionResolved& event, const Envelope& envelope, Batch& batch, RoundRows& rows) -> absl::Status {
        const std::string key = keys::Objection(event.round_id(), event.objection_id());
        ASSIGN_OR_RETURN(v1::ObjectionRecord objection, LoadExisting<v1::ObjectionRecord>(batch, key));
        objection.set_outcome(event.outcome());
        objection.set_new_tier(event.new_tier());
        objection.set_note(event.note());
        *objection.mutable_resolved_at() = envelope.occurred_at();
        Put(batch, key, objection);
        batch.Delete(keys::OpenObjectionPrefix(event.round_id()) + event.objection_id());
        rows.round().set_open_objections(rows.round().open_objections() - 1);
        ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(event.student_id()));
        v1::ApplicationRecord after = before;
        ApplyObjectionOutcome(after, event);
        rows.PutApplication(before, after);
        return absl::OkStatus();
      });

  OnRound<v1::RoundApproved>(
      on_, [](const v1::RoundApproved& event, const Envelope& envelope, Batch&, RoundRows& rows) -> absl::Status {
        rows.round().set_state(v1::ROUND_STATE_APPROVED);
        rows.round().set_approvals(rows.round().approvals() + 1);
        *rows.round().mutable_approved_at() = envelope.occurred_at();
        for (const std::string& student : event.left_school()) {
          ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(student));
          v1::ApplicationRecord after = before;
          RemoveLeftSchool(after);
          rows.PutApplication(before, after);
        }
        return absl::OkStatus();
      });

  OnRound<v1::EntitlementsFixed>(
      on_, [](const v1::EntitlementsFixed& event, const Envelope& envelope, Batch&, RoundRows& rows) -> absl::Status {
        for (const v1::Entitlement& entitlement : event.entitlements()) {
          ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(entitlement.student_id()));
          v1::ApplicationRecord after = before;
          after.set_state(v1::APPLICATION_STATE_APPROVED);
          rows.PutApplication(before, after);
          RETURN_IF_ERROR(rows.PutEntitlement(std::nullopt, NewEntitlement(entitlement, envelope.occurred_at())));
        }
        return absl::OkStatus();
      });

  OnRound<v1::EntitlementAdjusted>(
      on_, [](const v1::EntitlementAdjusted& event, const Envelope&, Batch&, RoundRows& rows) -> absl::Status {
        return rows.Adjust(event.student_id(), event.adjustment());
      });

  OnRound<v1::StudentDisqualified>(
      on_, [](const v1::StudentDisqualified& event, const Envelope&, Batch&, RoundRows& rows) -> absl::Status {
        ASSIGN_OR_RETURN(v1::ApplicationRecord before, rows.Application(event.student_id()));
        v1::ApplicationRecord after = before;
        ApplyDisqualification(after, event);
        rows.PutApplication(before, after);
        if (event.has_adjustment()) return rows.Adjust(event.student_id(), event.adjustment());
        return absl::OkStatus();
      });
}

namespace {

// Writes a student's row and its school index entry (moving it when the
// school changed).
void PutStudent(Batch& batch, const std::optional<v1::UpstreamStudent>& before, const v1::UpstreamStudent& after) {
  if (before && before->school_code() != after.school_code()) {
    batch.Delete(keys::UpSchoolStudent(before->school_code(), before->student_id()));
  }
  const std::string bytes = SerializeDeterministic(after);
  batch.Put(keys::UpStudent(after.student_id()), bytes);
  if (!after.school_code().empty()) batch.Put(keys::UpSchoolStudent(after.school_code(), after.student_id()), bytes);
}

}  // namespace

RegistryFacts::RegistryFacts() {
  on_.On<registry::v1::SchoolRegistered>(
      [](const registry::v1::SchoolRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
        v1::UpstreamSchool school;
        school.set_school_code(e.school_code());
        school.set_name(e.name());
        school.set_county_code(e.county_code());
        Put(batch, keys::UpSchool(e.school_code()), school);
        return absl::OkStatus();
      });
  on_.On<registry::v1::StudentRegistered>(
      [](const registry::v1::StudentRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
        PutStudent(batch, std::nullopt, UpstreamStudentOf(e));
        return absl::OkStatus();
      });
  on_.On<registry::v1::StudentAttributesUpdated>(
      [](const registry::v1::StudentAttributesUpdated& e, const Envelope&, Batch& batch) -> absl::Status {
        ASSIGN_OR_RETURN(auto before, storage::LoadRow<v1::UpstreamStudent>(batch, keys::UpStudent(e.student_id())));
        if (!before) return absl::OkStatus();  // a student this service never saw registered
        v1::UpstreamStudent after = *before;
        ApplyAttributes(after, e);
        PutStudent(batch, before, after);
        return absl::OkStatus();
      });
  on_.On<registry::v1::EnrolmentStatusChanged>(
      [](const registry::v1::EnrolmentStatusChanged& e, const Envelope&, Batch& batch) -> absl::Status {
        ASSIGN_OR_RETURN(auto before, storage::LoadRow<v1::UpstreamStudent>(batch, keys::UpStudent(e.student_id())));
        if (!before) return absl::OkStatus();
        v1::UpstreamStudent after = *before;
        ApplyEnrolment(after, e);
        PutStudent(batch, before, after);
        return absl::OkStatus();
      });
  on_.On<registry::v1::RosterRowsApplied>(
      [](const registry::v1::RosterRowsApplied& e, const Envelope& envelope, Batch& batch) -> absl::Status {
        if (!IsEvidenceSource(e.source())) return absl::OkStatus();
        const int event_year =
            static_cast<int>(CivilDayInChina(absl::FromUnixSeconds(envelope.occurred_at().seconds())).year());
        for (const registry::v1::AppliedRosterRow& row : e.rows()) {
          if (row.person().national_id_hash().empty()) continue;
          const std::string key = keys::UpEvidence(row.person().national_id_hash());
          ASSIGN_OR_RETURN(v1::UpstreamPovertyEvidence evidence, LoadOrEmpty<v1::UpstreamPovertyEvidence>(batch, key));
          ApplyRosterRow(evidence, e.source(), row, event_year);
          Put(batch, key, evidence);
        }
        return absl::OkStatus();
      });
  on_.On<registry::v1::CrossMatchRequested>(
      [](const registry::v1::CrossMatchRequested& e, const Envelope&, Batch& batch) -> absl::Status {
        if (e.exit_transition_years() <= 0) return absl::OkStatus();  // unset keeps the setting
        v1::UpstreamMatchSettings settings;
        settings.set_exit_transition_years(e.exit_transition_years());
        Put(batch, keys::kUpSettings, settings);
        return absl::OkStatus();
      });
}

RowSource RowSource::Of(storage::ProjectionBatch& batch) {
  return RowSource{
      [&batch](const std::string& key) { return batch.Get(key); },
      [&batch](const std::string& prefix, const std::function<bool(const std::string&, const std::string&)>& visit) {
        return batch.Scan(prefix, visit);
      }};
}

RowSource RowSource::Of(const storage::ProjectionStore& store) {
  return RowSource{
      [&store](const std::string& key) { return store.Get(key); },
      [&store](const std::string& prefix, const std::function<bool(const std::string&, const std::string&)>& visit) {
        return store.Scan(prefix, "", visit);
      }};
}

template <typename Record>
absl::StatusOr<std::optional<Record>> RowsState::Load(const std::string& key) {
  ASSIGN_OR_RETURN(auto row, rows_.get(key));
  return storage::ParseRow<Record>(row, key);
}

template <typename Record>
absl::Status RowsState::ForEach(const std::string& prefix, const std::function<bool(const Record&)>& visit) {
  absl::Status failure;
  RETURN_IF_ERROR(rows_.scan(prefix, [&](const std::string& key, const std::string& value) {
    Record record;
    if (!record.ParseFromString(value)) {
      failure = absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
      return false;
    }
    return visit(record);
  }));
  return failure;
}

absl::StatusOr<std::optional<v1::PolicyRecord>> RowsState::FindPolicy(const std::string& version) {
  return Load<v1::PolicyRecord>(keys::Policy(version));
}

absl::StatusOr<std::vector<v1::PolicyRecord>> RowsState::AllPolicies() {
  std::vector<v1::PolicyRecord> all;
  RETURN_IF_ERROR(ForEach<v1::PolicyRecord>(keys::kPolicyPrefix, [&](const v1::PolicyRecord& record) {
    all.push_back(record);
    return true;
  }));
  return all;
}

absl::StatusOr<std::optional<v1::RoundRecord>> RowsState::FindRound(const std::string& round_id) {
  return Load<v1::RoundRecord>(keys::Round(round_id));
}

absl::StatusOr<std::optional<v1::ApplicationRecord>> RowsState::FindApplication(const std::string& round_id,
                                                                                const std::string& student_id) {
  return Load<v1::ApplicationRecord>(keys::Application(round_id, student_id));
}

absl::Status RowsState::ForEachApplication(const std::string& round_id,
                                           const std::function<bool(const v1::ApplicationRecord&)>& visit) {
  return ForEach<v1::ApplicationRecord>(keys::ApplicationPrefix(round_id), visit);
}

absl::StatusOr<bool> RowsState::HasCoverageReason(const std::string& round_id, const std::string& student_id) {
  ASSIGN_OR_RETURN(auto row, rows_.get(keys::CoverageReason(round_id, student_id)));
  return row.has_value();
}

absl::StatusOr<std::optional<v1::ObjectionRecord>> RowsState::FindObjection(const std::string& round_id,
                                                                            const std::string& objection_id) {
  if (objection_id.empty() || objection_id.size() > 20) return std::optional<v1::ObjectionRecord>();
  return Load<v1::ObjectionRecord>(keys::Objection(round_id, objection_id));
}

absl::StatusOr<std::vector<v1::ObjectionRecord>> RowsState::OpenObjections(const std::string& round_id) {
  std::vector<std::string> ids;
  const std::string prefix = keys::OpenObjectionPrefix(round_id);
  RETURN_IF_ERROR(rows_.scan(prefix, [&](const std::string& key, const std::string&) {
    ids.push_back(key.substr(prefix.size()));
    return true;
  }));
  std::vector<v1::ObjectionRecord> open;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(auto objection, FindObjection(round_id, id));
    if (objection) open.push_back(*objection);
  }
  return open;
}

absl::StatusOr<std::vector<v1::EntitlementRecord>> RowsState::EntitlementsOfStudent(const std::string& student_id) {
  std::vector<v1::EntitlementRecord> all;
  RETURN_IF_ERROR(
      ForEach<v1::EntitlementRecord>(keys::EntitlementPrefix(student_id), [&](const v1::EntitlementRecord& record) {
        all.push_back(record);
        return true;
      }));
  return all;
}

absl::StatusOr<std::optional<v1::UpstreamSchool>> RowsState::FindSchool(const std::string& school_code) {
  if (school_code.empty() || school_code.size() > 40) return std::optional<v1::UpstreamSchool>();
  return Load<v1::UpstreamSchool>(keys::UpSchool(school_code));
}

absl::StatusOr<std::optional<v1::UpstreamStudent>> RowsState::FindStudent(const std::string& student_id) {
  return Load<v1::UpstreamStudent>(keys::UpStudent(student_id));
}

absl::StatusOr<std::optional<v1::UpstreamPovertyEvidence>> RowsState::FindEvidence(const std::string& id_hash) {
  return Load<v1::UpstreamPovertyEvidence>(keys::UpEvidence(id_hash));
}

absl::StatusOr<int> RowsState::ExitTransitionYears() {
  ASSIGN_OR_RETURN(auto settings, Load<v1::UpstreamMatchSettings>(keys::kUpSettings));
  return settings ? settings->exit_transition_years() : kDefaultExitTransitionYears;
}

absl::Status RowsState::ForEachStudentOfSchool(const std::string& school_code,
                                               const std::function<bool(const v1::UpstreamStudent&)>& visit) {
  return ForEach<v1::UpstreamStudent>(keys::UpSchoolStudentsPrefix(school_code), visit);
}

}  // namespace zizhu::subsidy
