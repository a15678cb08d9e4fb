#include "services/dropout/dropout.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/rules/dates.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/es/event_dispatcher.h"
#include "services/dropout/app/dropout_keys.h"
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
            f.reason = reason.empty() ? "辍学（学籍系统登记）" : reason;
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

// The registry found the person registered-poor, of school age and enrolled
// nowhere (its cross-match, copied into its event): a case for the child.
es::Reaction OpenForGap(rv1::NotEnrolledPerson person, const rv1::Date& on, const std::string& cause) {
  return {absl::StrCat("gap-", person.national_id_hash().substr(0, 16)),
          [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            const std::string& hash = person.national_id_hash();
            OpenFacts f;
            f.subject = person.student_id().empty() ? UnknownChildSubject(hash) : person.student_id();
            f.student_id = person.student_id();
            f.national_id_hash = hash;
            f.name_masked = person.name_masked();
            f.national_id_masked = person.national_id_masked();
            f.school_code = person.school_code();
            ASSIGN_OR_RETURN(f.county_code, rows.CountyCode(person.county()));
            f.stage = person.stage();
            f.origin = v1::CASE_ORIGIN_NOT_ENROLLED;
            f.reason = absl::StrCat("cross-match: ", absl::StrJoin(person.reasons(), "; "));
            f.reason_codes.assign(person.reason_codes().begin(), person.reason_codes().end());
            f.opened_on = on;
            f.upstream_event_id = cause;
            return DecideOpenCase(rows, f);
          }};
}

// A student-status roster row showing the child enrolled: the evidence on
// the open case of the student (or of the child the registry did not know).
es::Reaction ReturnOfRow(const std::string& hash, v1::ReturnEvidence evidence, const std::string& cause) {
  return {absl::StrCat("gap-", hash.substr(0, 16)),
          [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            ASSIGN_OR_RETURN(std::optional<std::string> student, rows.StudentOfHash(hash));
            if (student) {
              ASSIGN_OR_RETURN(Events events, DecideReturnSeen(rows, *student, evidence, cause));
              if (!events.empty()) return events;
            }
            return DecideReturnSeen(rows, UnknownChildSubject(hash), evidence, cause);
          }};
}

}  // namespace

namespace {

using Out = std::vector<es::Reaction>;
using Envelope = common::v1::EventEnvelope;

absl::Status OnEnrolmentChanged(const rv1::EnrolmentStatusChanged& changed, const Envelope& upstream, Out& out) {
  const rv1::Date date =
      rules::IsSet(changed.effective_date()) ? changed.effective_date() : rules::DateInChina(upstream.occurred_at());
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
  const rv1::Date on = rules::DateInChina(upstream.occurred_at());
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
  const rv1::Date on = rules::DateInChina(upstream.occurred_at());
  for (const rv1::NotEnrolledPerson& person : rows.not_enrolled()) {
    out.push_back(OpenForGap(person, on, upstream.event_id()));
  }
  if (rows.source() != rv1::ROSTER_SOURCE_STUDENT_STATUS) return absl::OkStatus();
  for (const rv1::AppliedRosterRow& row : rows.rows()) {
    const rv1::RosterPerson& person = row.person();
    if (row.change() == rv1::ROSTER_CHANGE_EXIT || person.enrolment_status() != rv1::ENROLMENT_STATUS_ENROLLED) {
      continue;
    }
    v1::ReturnEvidence back;
    back.set_kind(v1::EVIDENCE_KIND_RETURNED);
    *back.mutable_date() = on;
    back.set_school_code(person.school_code());
    back.set_reason("学籍系统名册：在籍");  // the student-status roster shows the child enrolled
    out.push_back(ReturnOfRow(person.national_id_hash(), back, upstream.event_id()));
  }
  return absl::OkStatus();
}

absl::Status OnNotEnrolledFound(const rv1::NotEnrolledFound& found, const Envelope& upstream, Out& out) {
  const rv1::Date on = rules::DateInChina(upstream.occurred_at());
  for (const rv1::NotEnrolledPerson& person : found.people())
    out.push_back(OpenForGap(person, on, upstream.event_id()));
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
    d->On<rv1::NotEnrolledFound>(OnNotEnrolledFound);
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
