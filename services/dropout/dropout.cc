#include "services/dropout/dropout.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/registry/domain/cross_match.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::dropout {
namespace {

namespace rv1 = zizhu::registry::v1;

rv1::Date DateOf(const google::protobuf::Timestamp& at) {
  const absl::CivilDay day = CivilDayInChina(absl::FromUnixSeconds(at.seconds()));
  rv1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

bool Set(const rv1::Date& d) { return d.year() != 0; }

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

// A registered-poor child on the poverty office's roster: of school age and
// enrolled nowhere (neither the registry nor the student-status roster), a
// case opens — the cross-match's not-enrolled gap, decided the same way.
es::Reaction GapCheck(const rv1::RosterPerson& person, const rv1::Date& on, bool exited, const std::string& cause) {
  return {absl::StrCat("gap-", person.national_id_hash().substr(0, 16)),
          [=](storage::ProjectionBatch& view, absl::Time) -> absl::StatusOr<Events> {
            RowsLedger rows(view);
            ASSIGN_OR_RETURN(rv1::MatchSettings settings, rows.MatchSettings());
            const rv1::Date as_of = Set(settings.as_of()) ? settings.as_of() : on;
            if (person.year_exited() > 0 && as_of.year() - person.year_exited() > settings.exit_transition_years()) {
              return Events{};  // exited beyond the transition period
            }
            if (exited || !Set(person.birth_date())) return Events{};
            const int age = registry::AgeOn(person.birth_date(), as_of);
            if (age < settings.school_age_min() || age > settings.school_age_max()) return Events{};
            ASSIGN_OR_RETURN(bool by_roster, rows.EnrolledByStatusRoster(person.national_id_hash()));
            if (by_roster) return Events{};
            ASSIGN_OR_RETURN(auto student, rows.StudentOfHash(person.national_id_hash()));
            OpenFacts f;
            f.subject = UnknownChildSubject(person.national_id_hash());
            f.national_id_hash = person.national_id_hash();
            f.name_masked = MaskName(person.name());
            f.national_id_masked = person.national_id().masked();
            ASSIGN_OR_RETURN(f.county_code, rows.CountyCode(person.county()));
            if (student) {
              ASSIGN_OR_RETURN(auto child, rows.FindChild(*student));
              if (child && child->status() == rv1::ENROLMENT_STATUS_ENROLLED) return Events{};
              if (child) {
                f.subject = child->student_id();
                f.student_id = child->student_id();
                f.school_code = child->school_code();
                f.county_code = child->county_code();
                f.stage = child->stage();
              }
            }
            f.origin = v1::CASE_ORIGIN_NOT_ENROLLED;
            f.reason = absl::StrCat("建档立卡，", age, " 岁，未在任何学校在籍 (cross-match: not enrolled)");
            f.opened_on = on;
            f.upstream_event_id = cause;
            return DecideOpenCase(rows, f);
          }};
}

}  // namespace

absl::Status ReactToRegistry(const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out) {
  const rv1::Date on = DateOf(upstream.occurred_at());
  rv1::EnrolmentStatusChanged changed;
  if (upstream.payload().UnpackTo(&changed)) {
    const rv1::Date date = Set(changed.effective_date()) ? changed.effective_date() : on;
    if (changed.to_status() == rv1::ENROLMENT_STATUS_DROPPED_OUT) {
      const std::string school = changed.school_code().empty() ? changed.previous_school_code() : changed.school_code();
      out.push_back(
          OpenForDropout(changed.student_id(), school, changed.stage(), date, changed.reason(), upstream.event_id()));
    } else if (changed.to_status() == rv1::ENROLMENT_STATUS_ENROLLED) {
      v1::ReturnEvidence evidence;
      const bool moved =
          !changed.previous_school_code().empty() && changed.previous_school_code() != changed.school_code();
      evidence.set_kind(moved ? v1::EVIDENCE_KIND_TRANSFERRED_IN : v1::EVIDENCE_KIND_RETURNED);
      *evidence.mutable_date() = date;
      evidence.set_school_code(changed.school_code());
      out.push_back(ReturnSeen(changed.student_id(), "", evidence, upstream.event_id()));
    }
    return absl::OkStatus();
  }
  rv1::StudentRegistered registered;
  if (upstream.payload().UnpackTo(&registered)) {
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
  rv1::RosterRowsApplied rows;
  if (upstream.payload().UnpackTo(&rows) && rows.source() == rv1::ROSTER_SOURCE_POVERTY_OFFICE) {
    for (const rv1::AppliedRosterRow& row : rows.rows()) {
      out.push_back(GapCheck(row.person(), on, row.change() == rv1::ROSTER_CHANGE_EXIT, upstream.event_id()));
    }
  }
  return absl::OkStatus();
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
