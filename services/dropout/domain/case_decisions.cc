#include "services/dropout/domain/case_decisions.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/text.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu::dropout {
namespace {

using registry::v1::Date;
using rules::CompareDates;
using rules::FormatDate;

constexpr size_t kMaxText = 500;

// A date of the ledger: valid, and not after today.
absl::Status PastDate(const std::string& field, const Date& date, const Date& today) {
  if (!rules::IsValidDate(date)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_INVALID", {{"field", field}, {"date", FormatDate(date)}},
                   absl::StrCat(field, " ", FormatDate(date), " is not a date"));
  }
  if (CompareDates(date, today) > 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_AFTER_TODAY",
                   {{"field", field}, {"date", FormatDate(date)}, {"today", FormatDate(today)}},
                   absl::StrCat(field, " ", FormatDate(date), " is after today (", FormatDate(today), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CaseRecord> ExistingCase(DropoutState& state, const std::string& case_id) {
  if (SubjectOfCase(case_id).empty()) {
    return FieldInvalid("case_id", case_id.substr(0, 80), "is not <subject>#<n>");
  }
  ASSIGN_OR_RETURN(auto found, state.FindCase(case_id));
  if (!found) return NotFound("case", case_id.substr(0, 80));
  return *found;
}

absl::StatusOr<v1::CaseRecord> OpenCase(DropoutState& state, const std::string& case_id, const char* action) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, ExistingCase(state, case_id));
  if (found.state() != v1::CASE_STATE_OPEN) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "CASE_CROSSED_OFF",
                   {{"case", case_id}, {"date", FormatDate(found.crossed_off_on())}},
                   absl::StrCat("case ", case_id, " was crossed off on ", FormatDate(found.crossed_off_on()),
                                "; reopen it to ", action));
  }
  return found;
}

absl::StatusOr<int64_t> SubjectVersion(DropoutState& state, const std::string& subject) {
  ASSIGN_OR_RETURN(auto record, state.FindSubject(subject));
  return record ? record->version() : 0;
}

const char* RoleName(v1::TeamRole role) {
  switch (role) {
    case v1::TEAM_ROLE_TEACHER:
      return "teacher";
    case v1::TEAM_ROLE_VILLAGE_CADRE:
      return "village cadre";
    case v1::TEAM_ROLE_GUARDIAN:
      return "parent or guardian";
    default:
      return "unknown role";
  }
}

}  // namespace

std::string UnknownChildSubject(const std::string& national_id_hash) {
  return absl::StrCat("nid-", national_id_hash.substr(0, 24));
}

std::string CaseId(const std::string& subject, int n) { return absl::StrCat(subject, "#", n); }

std::string SubjectOfCase(const std::string& case_id) {
  const size_t hash = case_id.rfind('#');
  if (hash == std::string::npos || hash == 0 || hash + 1 == case_id.size()) return "";
  int n = 0;
  if (!absl::SimpleAtoi(case_id.substr(hash + 1), &n) || n < 1) return "";
  return case_id.substr(0, hash);
}

absl::StatusOr<Events> DecideOpenCase(DropoutState& state, const OpenFacts& f) {
  const bool by_hand = f.origin == v1::CASE_ORIGIN_BY_HAND;
  if (f.subject.empty()) return FieldRequired("student_id");
  if (by_hand) RETURN_IF_ERROR(rules::CheckText("reason", f.reason, kMaxText, true));
  if (!rules::IsValidDate(f.opened_on)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_INVALID",
                   {{"field", "opened_on"}, {"date", FormatDate(f.opened_on)}},
                   absl::StrCat("opened_on ", FormatDate(f.opened_on), " is not a date"));
  }
  ASSIGN_OR_RETURN(auto subject, state.FindSubject(f.subject));
  if (subject && subject->open()) {
    if (!by_hand) return Events{};  // already in the ledger: one open case at a time
    return Refusal(absl::StatusCode::kFailedPrecondition, "CASE_ALREADY_OPEN",
                   {{"case", CaseId(f.subject, subject->cases())}},
                   absl::StrCat("student ", f.subject,
                                " has an open case already: ", CaseId(f.subject, subject->cases()), "; one at a time"));
  }
  auto opened = std::make_shared<v1::CaseOpened>();
  opened->set_case_id(CaseId(f.subject, subject ? subject->cases() + 1 : 1));
  opened->set_subject(f.subject);
  opened->set_student_id(f.student_id);
  opened->set_national_id_hash(f.national_id_hash);
  opened->set_name_masked(f.name_masked);
  opened->set_national_id_masked(f.national_id_masked);
  opened->set_school_code(f.school_code);
  opened->set_county_code(f.county_code);
  opened->set_stage(f.stage);
  opened->set_origin(f.origin);
  opened->set_reason(f.reason);
  for (const auto& code : f.reason_codes) *opened->add_reason_codes() = code;
  *opened->mutable_opened_on() = f.opened_on;
  opened->set_upstream_event_id(f.upstream_event_id);
  return es::NextEvent(kSubjectAggregate, f.subject, subject ? subject->version() : 0, opened);
}

absl::StatusOr<Events> DecideAssignTeam(DropoutState& state, const std::string& case_id,
                                        const std::vector<v1::TeamMember>& team) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, OpenCase(state, case_id, "change its team"));
  if (team.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "TEAM_EMPTY", {}, "team: name at least one member");
  }
  std::map<v1::TeamRole, int> per_role;
  for (size_t i = 0; i < team.size(); ++i) {
    const v1::TeamMember& m = team[i];
    const std::string field = absl::StrCat("team[", i, "]");
    if (m.role() == v1::TEAM_ROLE_UNSPECIFIED || !v1::TeamRole_IsValid(m.role())) {
      return FieldRequired("team.role");
    }
    RETURN_IF_ERROR(rules::CheckText(field + ".name", m.name(), kMaxText, true));
    RETURN_IF_ERROR(rules::CheckText(field + ".unit", m.unit(), kMaxText, false));
    if (++per_role[m.role()] > 1) {
      return Refusal(
          absl::StatusCode::kInvalidArgument, "TEAM_ROLE_TWICE",
          {{"role", v1::TeamRole_Name(m.role())}, {"name", m.name()}},
          absl::StrCat("team: ", per_role[m.role()], " members with the role ", RoleName(m.role()), " (", m.name(),
                       " is the second); a 三帮一 team is one teacher, one village cadre and one parent or "
                       "guardian"));
    }
  }
  auto assigned = std::make_shared<v1::TeamAssigned>();
  assigned->set_case_id(case_id);
  for (const auto& m : team) *assigned->add_team() = m;
  ASSIGN_OR_RETURN(int64_t version, SubjectVersion(state, found.subject()));
  return es::NextEvent(kSubjectAggregate, found.subject(), version, assigned);
}

absl::StatusOr<Events> DecideRecordVisit(DropoutState& state, const std::string& case_id, const v1::Visit& visit,
                                         const Date& today) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, OpenCase(state, case_id, "record a visit"));
  RETURN_IF_ERROR(PastDate("visit.date", visit.date(), today));
  if (CompareDates(visit.date(), found.opened_on()) < 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "VISIT_BEFORE_CASE",
                   {{"date", FormatDate(visit.date())}, {"opened", FormatDate(found.opened_on())}},
                   absl::StrCat("visit.date ", FormatDate(visit.date()), " is before the case opened (",
                                FormatDate(found.opened_on()), ")"));
  }
  if (visit.visitors().empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "visit.visitors"}},
                   "visit.visitors: name who visited");
  }
  for (const auto& v : visit.visitors()) RETURN_IF_ERROR(rules::CheckText("visit.visitors", v, kMaxText, true));
  RETURN_IF_ERROR(rules::CheckText("visit.agreed", visit.agreed(), kMaxText, true));
  RETURN_IF_ERROR(rules::CheckText("visit.next_step", visit.next_step(), kMaxText, false));
  auto recorded = std::make_shared<v1::VisitRecorded>();
  recorded->set_case_id(case_id);
  *recorded->mutable_visit() = visit;
  ASSIGN_OR_RETURN(int64_t version, SubjectVersion(state, found.subject()));
  return es::NextEvent(kSubjectAggregate, found.subject(), version, recorded);
}

absl::StatusOr<Events> DecideReturnSeen(DropoutState& state, const std::string& subject,
                                        const v1::ReturnEvidence& evidence, const std::string& upstream_event_id) {
  ASSIGN_OR_RETURN(auto record, state.FindSubject(subject));
  if (!record || !record->open()) return Events{};
  const std::string case_id = CaseId(subject, record->cases());
  auto recorded = std::make_shared<v1::ReturnRecorded>();
  recorded->set_case_id(case_id);
  *recorded->mutable_evidence() = evidence;
  recorded->set_upstream_event_id(upstream_event_id);
  return es::NextEvent(kSubjectAggregate, subject, record->version(), recorded);
}

absl::StatusOr<Events> DecideExemption(DropoutState& state, const std::string& case_id, const std::string& reason,
                                       const Date& date, const Date& today) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, OpenCase(state, case_id, "record an exemption"));
  RETURN_IF_ERROR(rules::CheckText("reason", reason, kMaxText, true));
  RETURN_IF_ERROR(PastDate("date", date, today));
  auto recorded = std::make_shared<v1::ReturnRecorded>();
  recorded->set_case_id(case_id);
  recorded->mutable_evidence()->set_kind(v1::EVIDENCE_KIND_EXEMPTED);
  *recorded->mutable_evidence()->mutable_date() = date;
  recorded->mutable_evidence()->set_reason(reason);
  ASSIGN_OR_RETURN(int64_t version, SubjectVersion(state, found.subject()));
  return es::NextEvent(kSubjectAggregate, found.subject(), version, recorded);
}

absl::StatusOr<Events> DecideCrossOff(DropoutState& state, const std::string& case_id, const std::string& note,
                                      const Date& date, const Date& today) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, OpenCase(state, case_id, "cross it off again"));
  RETURN_IF_ERROR(rules::CheckText("note", note, kMaxText, false));
  RETURN_IF_ERROR(PastDate("date", date, today));
  if (found.evidence().kind() == v1::EVIDENCE_KIND_UNSPECIFIED) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "CROSS_OFF_WITHOUT_EVIDENCE",
        {{"case", case_id}, {"name", found.name_masked()}},
        absl::StrCat("case ", case_id, " cannot be crossed off: the registry does not show ", found.name_masked(),
                     " enrolled again (a return or a transfer in) and no exemption is recorded"));
  }
  if (CompareDates(date, found.evidence().date()) < 0) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "CROSS_OFF_BEFORE_EVIDENCE",
        {{"date", FormatDate(date)}, {"evidence", FormatDate(found.evidence().date())}},
        absl::StrCat("date ", FormatDate(date), " is before the evidence (", FormatDate(found.evidence().date()), ")"));
  }
  auto crossed = std::make_shared<v1::CaseCrossedOff>();
  crossed->set_case_id(case_id);
  *crossed->mutable_date() = date;
  crossed->set_note(note);
  ASSIGN_OR_RETURN(int64_t version, SubjectVersion(state, found.subject()));
  return es::NextEvent(kSubjectAggregate, found.subject(), version, crossed);
}

absl::StatusOr<Events> DecideReopen(DropoutState& state, const std::string& case_id, const std::string& reason,
                                    const Date& today) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, ExistingCase(state, case_id));
  if (found.state() != v1::CASE_STATE_CROSSED_OFF) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "CASE_OPEN_NOT_REOPENED", {{"case", case_id}},
                   absl::StrCat("case ", case_id, " is open; only a crossed-off case reopens"));
  }
  ASSIGN_OR_RETURN(auto subject, state.FindSubject(found.subject()));
  if (subject && CaseId(found.subject(), subject->cases()) != case_id) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "CASE_NOT_NEWEST",
                   {{"case", case_id}, {"newest", CaseId(found.subject(), subject->cases())}},
                   absl::StrCat("case ", case_id, " is not the newest of ", found.subject(), " (",
                                CaseId(found.subject(), subject->cases()), ")"));
  }
  RETURN_IF_ERROR(rules::CheckText("reason", reason, kMaxText, true));
  auto reopened = std::make_shared<v1::CaseReopened>();
  reopened->set_case_id(case_id);
  reopened->set_reason(reason);
  *reopened->mutable_date() = today;
  return es::NextEvent(kSubjectAggregate, found.subject(), subject ? subject->version() : 0, reopened);
}

absl::StatusOr<Events> DecideLeftBehindCard(DropoutState& state, const v1::LeftBehindCardRecorded& card) {
  if (card.student_id().empty()) return FieldRequired("student_id");
  if (card.parents().empty() && card.school_contact_name().empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "CARD_NEEDS_CONTACT", {},
                   "name the parents (work place, phone) or the school's contact");
  }
  for (int i = 0; i < card.parents_size(); ++i) {
    const auto& p = card.parents(i);
    const std::string field = absl::StrCat("parents[", i, "]");
    RETURN_IF_ERROR(rules::CheckText(field + ".relation", p.relation(), kMaxText, true));
    RETURN_IF_ERROR(rules::CheckText(field + ".name", p.name(), kMaxText, false));
    RETURN_IF_ERROR(rules::CheckText(field + ".work_place", p.work_place(), kMaxText, false));
  }
  RETURN_IF_ERROR(rules::CheckText("school_contact_name", card.school_contact_name(), kMaxText, false));
  RETURN_IF_ERROR(rules::CheckText("notes", card.notes(), kMaxText, false));
  ASSIGN_OR_RETURN(auto existing, state.FindCard(card.student_id()));
  return es::NextEvent(kLeftBehindAggregate, card.student_id(), existing ? existing->card_version() : 0,
                       std::make_shared<v1::LeftBehindCardRecorded>(card));
}

}  // namespace zizhu::dropout
