#include "services/dropout/dropout.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/es/event_dispatcher.h"
#include "services/dropout/app/dropout_keys.h"
#include "services/registry/domain/cross_match.h"
#include "services/registry/domain/plausibility.h"
#include "services/registry/domain/roster_rows.h"
#include "services/registry/published/date.h"
#include "services/registry/published/enrolment_change.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::dropout {
namespace {

namespace rv1 = zizhu::registry::v1;

// A dropout the registry recorded: a case for the student (facts from the
// event and the student's row, which the registry wrote before).
es::Reaction OpenForDropout(const std::string& student_id, const std::string& school, rv1::EducationStage stage,
                            const rv1::Date& date, const std::string& reason, const std::string& cause) {
  return {"open-case", [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            ASSIGN_OR_RETURN(auto child, rows.FindChild(student_id));
            OpenFacts f;
            f.subject = student_id;
            f.student_id = student_id;
            f.school_code = school;
            f.county_code = school.substr(0, 6);
            f.stage = stage;
            if (child) {
              f.national_id_hash = child->national_id_hash();
              f.name_masked = child->name_masked();
              f.national_id_masked = child->national_id_masked();
              if (f.school_code.empty()) f.school_code = child->school_code();
              f.county_code = child->county_code();
              if (f.stage == rv1::EDUCATION_STAGE_UNSPECIFIED) f.stage = child->stage();
            }
            f.origin = v1::CASE_ORIGIN_REGISTRY_DROPOUT;
            f.reason = reason.empty() ? "辍学 (recorded in the registry)" : reason;
            f.opened_on = date;
            f.upstream_event_id = cause;
            return DecideOpenCase(rows, f);
          }};
}

// An enrolment: the open case of the student (or of the child the registry
// did not know, by ID hash) shows it.
es::Reaction ReturnSeen(const std::string& student_id, const std::string& hash, v1::ReturnEvidence evidence,
                        const std::string& cause) {
  return {"return-seen", [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            if (!student_id.empty()) {
              ASSIGN_OR_RETURN(Events events, DecideReturnSeen(rows, student_id, evidence, cause));
              if (!events.empty()) return events;
            }
            if (hash.empty()) return Events{};
            return DecideReturnSeen(rows, UnknownChildSubject(hash), evidence, cause);
          }};
}

// The registry's cross-match of one person (its pure CrossMatch over the
// same evidence, with `entry` as its source's newest word when the event
// that brought it is not applied yet, and `settings` when a run sets them):
// NOT_ENROLLED — registered-poor in a source, of school age, enrolled
// nowhere — opens a case; a student-status roster that now shows the child
// enrolled records the evidence on the open case.
absl::StatusOr<Events> DecideGap(RowsLedger& rows, const std::string& hash, const rv1::RosterEntry* entry,
                                 const rv1::MatchSettings* settings, const rv1::Date& on, const std::string& cause) {
  ASSIGN_OR_RETURN(registry::PersonEvidence evidence, rows.Evidence(hash));
  if (entry != nullptr) {
    if (entry->source() == rv1::ROSTER_SOURCE_POVERTY_OFFICE) evidence.poverty = *entry;
    if (entry->source() == rv1::ROSTER_SOURCE_CIVIL_AFFAIRS) evidence.civil = *entry;
    if (entry->source() == rv1::ROSTER_SOURCE_STUDENT_STATUS) evidence.status = *entry;
  }
  rv1::MatchSettings effective;
  if (settings != nullptr) {
    effective = *settings;
  } else {
    ASSIGN_OR_RETURN(auto stored, rows.MatchSettings());
    const rv1::Date student_updated_on =
        evidence.student ? registry::DateInChina(evidence.student->updated_at()) : rv1::Date();
    effective =
        stored ? *stored : registry::DefaultMatchSettings(registry::NewestEvidenceDate(evidence, student_updated_on));
  }
  const rv1::MatchResult result = registry::CrossMatch(hash, evidence, effective);
  const std::string subject = result.student_id().empty() ? UnknownChildSubject(hash) : result.student_id();
  if (result.category() != rv1::MATCH_CATEGORY_NOT_ENROLLED) {
    if (entry == nullptr || entry->source() != rv1::ROSTER_SOURCE_STUDENT_STATUS || entry->exited() ||
        entry->person().enrolment_status() != rv1::ENROLMENT_STATUS_ENROLLED) {
      return Events{};
    }
    v1::ReturnEvidence back;
    back.set_kind(v1::EVIDENCE_KIND_RETURNED);
    *back.mutable_date() = entry->recorded_on();
    back.set_school_code(entry->person().school_code());
    back.set_reason("学籍系统名册：在籍 (the student-status roster shows the child enrolled)");
    ASSIGN_OR_RETURN(Events events, DecideReturnSeen(rows, subject, back, cause));
    if (!events.empty() || subject == UnknownChildSubject(hash)) return events;
    return DecideReturnSeen(rows, UnknownChildSubject(hash), back, cause);
  }
  OpenFacts f;
  f.subject = subject;
  f.student_id = result.student_id();
  f.national_id_hash = hash;
  f.name_masked = MaskName(result.name());
  f.national_id_masked = result.national_id_masked();
  f.school_code = result.school_code();
  ASSIGN_OR_RETURN(f.county_code, rows.CountyCode(result.county()));
  if (evidence.student) f.stage = evidence.student->stage();
  f.origin = v1::CASE_ORIGIN_NOT_ENROLLED;
  f.reason = absl::StrCat("cross-match: ", absl::StrJoin(result.reasons(), "; "));
  f.opened_on = on;
  f.upstream_event_id = cause;
  return DecideOpenCase(rows, f);
}

es::Reaction GapOfRow(const std::string& hash, rv1::RosterEntry entry, const rv1::Date& on, const std::string& cause) {
  return {absl::StrCat("gap-", hash.substr(0, 16)),
          [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            return DecideGap(rows, hash, &entry, nullptr, on, cause);
          }};
}

// A cross-match run (new reference date or school age): every person a
// poverty or civil-affairs roster names is matched again.
es::Reaction GapRerun(rv1::MatchSettings settings, const rv1::Date& on, const std::string& cause) {
  return {"gap-rerun", [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            std::set<std::string> hashes;
            for (int source : {rv1::ROSTER_SOURCE_POVERTY_OFFICE, rv1::ROSTER_SOURCE_CIVIL_AFFAIRS}) {
              const std::string prefix = keys::EntryPrefix(source);
              RETURN_IF_ERROR(rows.Scan(prefix, [&](const std::string& key, const std::string&) {
                hashes.insert(key.substr(prefix.size()));
                return true;
              }));
            }
            Events all;
            for (const std::string& hash : hashes) {
              ASSIGN_OR_RETURN(Events events, DecideGap(rows, hash, nullptr, &settings, on, cause));
              for (es::NewEvent& e : events) all.push_back(std::move(e));
            }
            return all;
          }};
}

}  // namespace

namespace {

using Out = std::vector<es::Reaction>;
using Envelope = common::v1::EventEnvelope;

absl::Status OnEnrolmentChanged(const rv1::EnrolmentStatusChanged& changed, const Envelope& upstream, Out& out) {
  const rv1::Date date = registry::IsSet(changed.effective_date()) ? changed.effective_date()
                                                                   : registry::DateInChina(upstream.occurred_at());
  const registry::EnrolmentChangeReading reading = registry::ReadEnrolmentChange(changed);
  if (changed.to_status() == rv1::ENROLMENT_STATUS_DROPPED_OUT) {
    out.push_back(OpenForDropout(changed.student_id(), reading.school_code, changed.stage(), date, changed.reason(),
                                 upstream.event_id()));
  } else if (reading.in_school) {
    v1::ReturnEvidence evidence;
    evidence.set_kind(reading.moved ? v1::EVIDENCE_KIND_TRANSFERRED_IN : v1::EVIDENCE_KIND_RETURNED);
    *evidence.mutable_date() = date;
    evidence.set_school_code(reading.school_code);
    out.push_back(ReturnSeen(changed.student_id(), "", evidence, upstream.event_id()));
  }
  return absl::OkStatus();
}

absl::Status OnStudentRegistered(const rv1::StudentRegistered& registered, const Envelope& upstream, Out& out) {
  const rv1::Date on = registry::DateInChina(upstream.occurred_at());
  if (registered.status() == rv1::ENROLMENT_STATUS_DROPPED_OUT) {
    out.push_back(OpenForDropout(registered.student_id(), registered.school_code(), registered.stage(), on,
                                 "辍学 (registered as dropped out)", upstream.event_id()));
  } else if (registered.status() == rv1::ENROLMENT_STATUS_ENROLLED) {
    // A child the cross-match found enrolled nowhere, now registered at a school.
    v1::ReturnEvidence evidence;
    evidence.set_kind(v1::EVIDENCE_KIND_RETURNED);
    *evidence.mutable_date() = on;
    evidence.set_school_code(registered.school_code());
    out.push_back(ReturnSeen("", registered.national_id_hash(), evidence, upstream.event_id()));
  }
  return absl::OkStatus();
}

absl::Status OnRosterRows(const rv1::RosterRowsApplied& rows, const Envelope& upstream, Out& out) {
  const rv1::Date on = registry::DateInChina(upstream.occurred_at());
  for (const rv1::AppliedRosterRow& row : rows.rows()) {
    out.push_back(GapOfRow(row.person().national_id_hash(),
                           registry::RosterEntryOf(rows.source(), row, rows.import_id(), on), on, upstream.event_id()));
  }
  return absl::OkStatus();
}

absl::Status OnCrossMatchRun(const rv1::CrossMatchRequested& run, const Envelope& upstream, Out& out) {
  rv1::MatchSettings settings;
  *settings.mutable_as_of() = run.as_of();
  settings.set_school_age_min(run.school_age_min());
  settings.set_school_age_max(run.school_age_max());
  settings.set_exit_transition_years(run.exit_transition_years());
  out.push_back(GapRerun(settings, registry::DateInChina(upstream.occurred_at()), upstream.event_id()));
  return absl::OkStatus();
}

}  // namespace

// The registry's events this service reacts to, one typed handler each.
absl::Status ReactToRegistry(const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out) {
  static const auto* on = [] {
    auto* d = new es::EventDispatcher<Out&>();
    d->On<rv1::EnrolmentStatusChanged>(OnEnrolmentChanged);
    d->On<rv1::StudentRegistered>(OnStudentRegistered);
    d->On<rv1::RosterRowsApplied>(OnRosterRows);
    d->On<rv1::CrossMatchRequested>(OnCrossMatchRun);
    return d;
  }();
  return on->Dispatch(upstream, out);
}

std::vector<service::Follow> Dropout::follows() {
  return {{options_.registry_topic, &registry_rows_, ReactToRegistry}};
}

absl::Status Dropout::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  if (vault_ == nullptr) return absl::FailedPreconditionError("the dropout service needs the personal-data key");
  app_ = std::make_unique<DropoutApp>(&context.commands, &context.store, vault_, options_.targets);
  grpc_ = std::make_unique<DropoutGrpcService>(app_.get(), &context.authenticator);
  grpc_services.push_back(grpc_.get());
  return absl::OkStatus();
}

}  // namespace zizhu::dropout
