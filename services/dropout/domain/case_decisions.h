// Pure decisions of the dropout ledger (控辍保学 工作台账). Aggregate
// dropout.Subject, id = the subject: a student id, or "nid-<hash prefix>"
// for a child the registry does not know. A subject has at most one open
// case; its cases are "<subject>#<n>".
//
// Rules (each refusal names the field and the value):
//  - a case opens by itself when the registry records a dropout or the
//    cross-match finds a registered-poor child of school age enrolled nowhere
//    (reactions; a subject with an open case gets nothing new), or by hand
//    with a reason (refused while one is open);
//  - the 三帮一 team has at most one teacher, one village cadre and one
//    parent or guardian, each named; a case without all three is flagged;
//  - visits need a date inside the case, who visited and what was agreed;
//  - a case is crossed off only with evidence: the registry showing the child
//    enrolled again (return, transfer in) or an exemption with a reason;
//  - reopening a crossed-off case is its own event.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/es/new_event.h"
#include "services/dropout/domain/ports.h"
#include "zizhu/dropout/v1/events.pb.h"

namespace zizhu::dropout {

inline constexpr char kSubjectAggregate[] = "dropout.Subject";
inline constexpr char kLeftBehindAggregate[] = "dropout.LeftBehind";
using Events = std::vector<es::NewEvent>;

// The subject of a child the registry does not know (by national-ID hash).
std::string UnknownChildSubject(const std::string& national_id_hash);
std::string CaseId(const std::string& subject, int n);
// The subject of a case id ("<subject>#<n>"); "" when it is not one.
std::string SubjectOfCase(const std::string& case_id);

struct OpenFacts {
  std::string subject;
  std::string student_id;  // "" for a child the registry does not know
  std::string national_id_hash;
  std::string name_masked;
  std::string national_id_masked;
  std::string school_code;
  std::string county_code;
  registry::v1::EducationStage stage = registry::v1::EDUCATION_STAGE_UNSPECIFIED;
  v1::CaseOrigin origin = v1::CASE_ORIGIN_UNSPECIFIED;
  std::string reason;
  std::vector<common::v1::ErrorInfo> reason_codes;  // the reason's lines as codes, when it has them
  registry::v1::Date opened_on;
  std::string upstream_event_id;
};

// Reactions (origin registry dropout / not enrolled): no events when the
// subject has an open case. By hand: FAILED_PRECONDITION naming the open case.
absl::StatusOr<Events> DecideOpenCase(DropoutState& state, const OpenFacts& facts);

absl::StatusOr<Events> DecideAssignTeam(DropoutState& state, const std::string& case_id,
                                        const std::vector<v1::TeamMember>& team);

absl::StatusOr<Events> DecideRecordVisit(DropoutState& state, const std::string& case_id, const v1::Visit& visit,
                                         const registry::v1::Date& today);

// The registry shows the subject enrolled (a reaction): evidence on the open
// case; no events when the subject has no open case.
absl::StatusOr<Events> DecideReturnSeen(DropoutState& state, const std::string& subject,
                                        const v1::ReturnEvidence& evidence, const std::string& upstream_event_id);

absl::StatusOr<Events> DecideExemption(DropoutState& state, const std::string& case_id, const std::string& reason,
                                       const registry::v1::Date& date, const registry::v1::Date& today);

absl::StatusOr<Events> DecideCrossOff(DropoutState& state, const std::string& case_id, const std::string& note,
                                      const registry::v1::Date& date, const registry::v1::Date& today);

absl::StatusOr<Events> DecideReopen(DropoutState& state, const std::string& case_id, const std::string& reason,
                                    const registry::v1::Date& today);

// A left-behind child's contact card (parents' work places and phones, the
// school's contact); phones already sealed by the app.
absl::StatusOr<Events> DecideLeftBehindCard(DropoutState& state, const v1::LeftBehindCardRecorded& card);

}  // namespace zizhu::dropout
