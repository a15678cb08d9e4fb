#include "services/dropout/domain/case_evolve.h"

#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"
#include "services/dropout/domain/case_decisions.h"
#include "zizhu/dropout/v1/events.pb.h"

namespace zizhu::dropout {
namespace {

absl::StatusOr<v1::CaseRecord> Existing(DropoutRows& rows, const std::string& case_id) {
  ASSIGN_OR_RETURN(auto found, rows.Case(case_id));
  if (!found) return absl::DataLossError(absl::StrCat("case ", case_id, " is missing"));
  return *found;
}

// Writes the case and its subject's version (and open flag).
absl::Status Put(DropoutRows& rows, const std::optional<v1::CaseRecord>& before, v1::CaseRecord after,
                 int64_t version) {
  after.set_version(version);
  ASSIGN_OR_RETURN(auto subject, rows.Subject(after.subject()));
  v1::SubjectRecord s = subject.value_or(v1::SubjectRecord());
  s.set_subject(after.subject());
  s.set_open(after.state() == v1::CASE_STATE_OPEN);
  s.set_version(version);
  if (!before) s.set_cases(s.cases() + 1);
  rows.PutSubject(s);
  rows.PutCase(before, after);
  return absl::OkStatus();
}

}  // namespace

bool CardComplete(const v1::LeftBehindCard& card) {
  bool parent_reachable = false;
  for (const auto& p : card.parents()) parent_reachable |= !p.work_place().empty() && !p.phone().masked().empty();
  return !card.guardian().name().empty() && parent_reachable && !card.school_contact_name().empty() &&
         !card.school_contact_phone().masked().empty();
}

bool TeamComplete(const google::protobuf::RepeatedPtrField<v1::TeamMember>& team) {
  std::set<int> roles;
  for (const auto& m : team) roles.insert(m.role());
  return roles.count(v1::TEAM_ROLE_TEACHER) && roles.count(v1::TEAM_ROLE_VILLAGE_CADRE) &&
         roles.count(v1::TEAM_ROLE_GUARDIAN);
}

namespace {

// A fold that changes an existing case.
absl::Status UpdateCase(const std::string& case_id, int64_t version, DropoutRows& rows,
                        const std::function<void(const v1::CaseRecord& before, v1::CaseRecord& after)>& change) {
  ASSIGN_OR_RETURN(v1::CaseRecord before, Existing(rows, case_id));
  v1::CaseRecord after = before;
  change(before, after);
  return Put(rows, before, after, version);
}

}  // namespace

absl::Status FoldDropoutEvent(const v1::CaseOpened& e, int64_t version, DropoutRows& rows) {
  v1::CaseRecord c;
  c.set_case_id(e.case_id());
  c.set_subject(e.subject());
  c.set_student_id(e.student_id());
  c.set_national_id_hash(e.national_id_hash());
  c.set_name_masked(e.name_masked());
  c.set_national_id_masked(e.national_id_masked());
  c.set_school_code(e.school_code());
  c.set_county_code(e.county_code());
  c.set_stage(e.stage());
  c.set_origin(e.origin());
  c.set_open_reason(e.reason());
  *c.mutable_open_reason_codes() = e.reason_codes();
  *c.mutable_opened_on() = e.opened_on();
  c.set_state(v1::CASE_STATE_OPEN);
  return Put(rows, std::nullopt, c, version);
}

absl::Status FoldDropoutEvent(const v1::TeamAssigned& e, int64_t version, DropoutRows& rows) {
  return UpdateCase(e.case_id(), version, rows, [&e](const v1::CaseRecord&, v1::CaseRecord& after) {
    *after.mutable_team() = e.team();
    after.set_team_complete(TeamComplete(e.team()));
  });
}

absl::Status FoldDropoutEvent(const v1::VisitRecorded& e, int64_t version, DropoutRows& rows) {
  return UpdateCase(e.case_id(), version, rows,
                    [&e](const v1::CaseRecord&, v1::CaseRecord& after) { *after.add_visits() = e.visit(); });
}

absl::Status FoldDropoutEvent(const v1::ReturnRecorded& e, int64_t version, DropoutRows& rows) {
  return UpdateCase(e.case_id(), version, rows, [&e](const v1::CaseRecord&, v1::CaseRecord& after) {
    *after.mutable_evidence() = e.evidence();
    if (!e.evidence().school_code().empty()) after.set_school_code(e.evidence().school_code());
  });
}

absl::Status FoldDropoutEvent(const v1::CaseCrossedOff& e, int64_t version, DropoutRows& rows) {
  return UpdateCase(e.case_id(), version, rows, [&e](const v1::CaseRecord&, v1::CaseRecord& after) {
    after.set_state(v1::CASE_STATE_CROSSED_OFF);
    *after.mutable_crossed_off_on() = e.date();
    after.set_crossed_off_note(e.note());
  });
}

absl::Status FoldDropoutEvent(const v1::CaseReopened& e, int64_t version, DropoutRows& rows) {
  return UpdateCase(e.case_id(), version, rows, [](const v1::CaseRecord& before, v1::CaseRecord& after) {
    after.set_state(v1::CASE_STATE_OPEN);
    after.clear_evidence();
    after.clear_crossed_off_on();
    after.clear_crossed_off_note();
    after.set_reopened(before.reopened() + 1);
  });
}

absl::Status FoldDropoutEvent(const v1::LeftBehindCardRecorded& e, int64_t version, DropoutRows& rows) {
  v1::LeftBehindCard card;
  card.set_student_id(e.student_id());
  card.set_county_code(e.county_code());
  card.set_school_code(e.school_code());
  *card.mutable_parents() = e.parents();
  card.set_school_contact_name(e.school_contact_name());
  *card.mutable_school_contact_phone() = e.school_contact_phone();
  card.set_notes(e.notes());
  card.set_card_version(version);
  rows.PutCard(card);
  return absl::OkStatus();
}

}  // namespace zizhu::dropout
