// Helpers of the subsidy's decisions (policy_decisions.cc, round_decisions.cc,
// entitlement_decisions.cc): event lists, the exact refusals they share, the
// checks of free text and ids, the adjustment of an entitlement. Internal to
// the domain's decisions: the app layer uses round_decisions.h.
#pragma once

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "libs/rules/text.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/registry/published/enrolment_change.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/round_decisions.h"
#include "services/subsidy/domain/round_evolve.h"

namespace zizhu::subsidy {

// A pupil of another school is answered exactly as a student who does not
// exist: a school learns nothing of other schools' pupils through its round
// (probe finding 5: the refusal named the other school).
inline absl::Status NotAPupil(const std::string& field, const std::string& student_id, const std::string& school_code) {
  return Refusal(
      absl::StatusCode::kNotFound, "NOT_A_PUPIL", {{"student", student_id}, {"school", school_code}},
      absl::StrCat(field, ": student ", student_id, " is not a pupil of school ", school_code, " in the registry"));
}

using registry::v1::EnrolmentStatus;

template <typename Event>
std::shared_ptr<Event> New() {
  return std::make_shared<Event>();
}

// Appends the next event of an aggregate, counting its version.
class EventList {
 public:
  EventList(std::string type, std::string id, int64_t version) : type_(type), id_(id), version_(version) {}
  void Add(std::shared_ptr<const google::protobuf::Message> payload) {
    events_.push_back({type_, AggregateId(id_), AggregateVersion(++version_), std::move(payload)});
  }
  Events Take() { return std::move(events_); }

 private:
  std::string type_;
  std::string id_;
  int64_t version_;
  Events events_;
};

inline absl::CivilDay Today(absl::Time now) { return CivilDayInChina(now); }

inline std::string Day(absl::CivilDay day) { return FormatDate(ToDate(day)); }

inline std::string FormatTime(const google::protobuf::Timestamp& t) {
  const absl::Time at = absl::FromUnixSeconds(t.seconds());
  return absl::FormatTime("%Y-%m-%d %H:%M", at, ChinaTimeZone()) + " (China time)";
}

inline absl::StatusOr<v1::RoundRecord> ExistingRound(SubsidyState& state, const std::string& round_id) {
  RETURN_IF_ERROR(ParseRoundId(round_id).status());
  ASSIGN_OR_RETURN(auto round, state.FindRound(round_id));
  if (!round) return NotFound("round", round_id);
  return *round;
}

inline absl::StatusOr<v1::PolicyRecord> RoundPolicy(SubsidyState& state, const v1::RoundRecord& round) {
  ASSIGN_OR_RETURN(auto policy, state.FindPolicy(round.policy_version()));
  if (!policy) {
    return absl::DataLossError(
        absl::StrCat("policy version '", round.policy_version(), "' of round ", round.round_id(), " is missing"));
  }
  return *policy;
}

inline absl::StatusOr<v1::StudentFacts> CurrentFacts(SubsidyState& state, const v1::UpstreamStudent& student,
                                                     int year) {
  std::optional<v1::UpstreamPovertyEvidence> evidence;
  if (!student.national_id_hash().empty()) {
    ASSIGN_OR_RETURN(evidence, state.FindEvidence(student.national_id_hash()));
  }
  ASSIGN_OR_RETURN(int transition, state.ExitTransitionYears());
  return FactsOf(student, evidence ? &*evidence : nullptr, transition, year);
}

inline absl::Status CheckStudentId(const std::string& field, const std::string& id) {
  if (id.empty() || id.size() > 64) {
    return FieldInvalid(field, id.substr(0, 64), "must be a registry student id");
  }
  return absl::OkStatus();
}

using rules::CheckText;

inline absl::Status CheckBatchSize(const std::string& field, int size) {
  if (size < 1 || size > kMaxBatchItems) {
    return FieldOutOfRange(field, static_cast<int64_t>(size), 1, kMaxBatchItems);
  }
  return absl::OkStatus();
}

inline bool Covers(const v1::ApplicationRecord& app) { return app.state() != v1::APPLICATION_STATE_REJECTED; }

inline std::string ShortList(const std::vector<std::string>& items) {
  std::vector<std::string> head(items.begin(), items.begin() + std::min<size_t>(items.size(), 5));
  return absl::StrCat(absl::StrJoin(head, ", "), items.size() > head.size() ? ", ..." : "");
}

inline v1::AccrualSpan OpenSpan(const Date& from) {
  v1::AccrualSpan span;
  *span.mutable_from() = from;
  return span;
}

// The adjustment that stops or resumes `record` at `date`; nullopt when the
// change does not affect it.
inline std::optional<v1::Adjustment> AdjustmentFor(const v1::EntitlementRecord& record, v1::AdjustmentKind kind,
                                                   const Date& date) {
  const v1::Entitlement& e = record.entitlement();
  if (ToCivil(date) > ToCivil(e.semester_end())) return std::nullopt;  // after the semester: nothing to change
  switch (kind) {
    case v1::ADJUSTMENT_KIND_RESUMED:
      if (record.state() != v1::ENTITLEMENT_STATE_STOPPED) return std::nullopt;
      break;
    case v1::ADJUSTMENT_KIND_STOPPED:
      if (record.state() != v1::ENTITLEMENT_STATE_ACCRUING) return std::nullopt;
      break;
    default:
      if (record.state() == v1::ENTITLEMENT_STATE_DISQUALIFIED) return std::nullopt;
      break;
  }
  const Payable after = PayableFor(e, AccruedDays(e, SpansAfter(record, kind, date)));
  v1::Adjustment adjustment;
  adjustment.set_kind(kind);
  *adjustment.mutable_effective_date() = date;
  adjustment.set_payable_before_fen(record.payable_fen());
  adjustment.set_payable_after_fen(after.fen);
  for (const v1::ShareAmount& part : after.shares) *adjustment.add_shares_after() = part;
  return adjustment;
}

inline std::string StatusName(EnrolmentStatus status) {
  switch (status) {
    case registry::v1::ENROLMENT_STATUS_ENROLLED:
      return "enrolled";
    case registry::v1::ENROLMENT_STATUS_TRANSFERRED:
      return "transferred";
    case registry::v1::ENROLMENT_STATUS_SUSPENDED:
      return "suspended";
    case registry::v1::ENROLMENT_STATUS_DROPPED_OUT:
      return "dropped out";
    case registry::v1::ENROLMENT_STATUS_GRADUATED:
      return "graduated";
    default:
      return "unknown";
  }
}

}  // namespace zizhu::subsidy
