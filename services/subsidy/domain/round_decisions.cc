// The semester aid round: opening, applications, coverage reasons, review,
// the notice (and supplementary notices), objections, approval, disqualification.
#include "services/subsidy/domain/round_decisions.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/registry/published/enrolment_change.h"
#include "services/subsidy/domain/decision_support.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/round_evolve.h"

namespace zizhu::subsidy {

std::string RoundId(const std::string& school_code, const std::string& semester) {
  return absl::StrCat(school_code, "/", semester);
}

absl::StatusOr<std::pair<std::string, Semester>> ParseRoundId(const std::string& round_id) {
  const size_t slash = round_id.find('/');
  if (slash == std::string::npos || slash == 0 || slash > 20) {
    return FieldInvalid("round_id", round_id.substr(0, 64),
                        "must be SCHOOL_CODE/SEMESTER, e.g. 210102000001/2026-spring");
  }
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("round_id", round_id.substr(slash + 1)));
  return std::make_pair(round_id.substr(0, slash), semester);
}

absl::StatusOr<Events> DecideOpenRound(SubsidyState& state, const v1::OpenRoundRequest& request, absl::Time now) {
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", request.semester()));
  if (request.quota() < 0 || request.quota() > 100000) {
    return Refusal(absl::StatusCode::kInvalidArgument, "QUOTA_OUT_OF_RANGE",
                   {{"quota", std::to_string(request.quota())}},
                   absl::StrCat("quota ", request.quota(), " must be 0 to 100000"));
  }
  ASSIGN_OR_RETURN(auto school, state.FindSchool(request.school_code()));
  if (!school) {
    return Refusal(absl::StatusCode::kNotFound, "SCHOOL_NOT_REGISTERED",
                   {{"school", request.school_code().substr(0, 40)}},
                   absl::StrCat("school '", request.school_code().substr(0, 40), "' is not registered"));
  }
  const std::string round_id = RoundId(request.school_code(), semester.id());
  ASSIGN_OR_RETURN(auto existing, state.FindRound(round_id));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "ROUND_ALREADY_OPEN", {{"round", round_id}},
                   absl::StrCat("round ", round_id, " is already open"));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, PolicyInForce(state, semester));
  const SemesterCalendar calendar = CalendarOf(policy.policy(), semester);
  if (Today(now) > calendar.last_day) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "SEMESTER_ENDED",
                   {{"semester", semester.id()}, {"date", Day(calendar.last_day)}},
                   absl::StrCat("semester ", semester.id(), " ended on ", Day(calendar.last_day),
                                "; a round cannot open after it"));
  }
  EventList events(kRoundAggregate, round_id, 0);
  auto opened = New<v1::RoundOpened>();
  opened->set_round_id(round_id);
  opened->set_school_code(school->school_code());
  opened->set_school_name(school->name());
  opened->set_county_code(school->county_code());
  opened->set_semester(semester.id());
  opened->set_quota(request.quota());
  opened->set_policy_version(policy.policy().version());
  *opened->mutable_application_deadline() = ToDate(calendar.application_deadline);
  events.Add(opened);
  return events.Take();
}

absl::StatusOr<Events> DecideSubmitApplications(SubsidyState& state, const v1::SubmitApplicationsRequest& request,
                                                absl::Time now) {
  RETURN_IF_ERROR(CheckBatchSize("applications", request.applications_size()));
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", round.semester()));
  const SemesterCalendar calendar = CalendarOf(policy.policy(), semester);
  const absl::CivilDay today = Today(now);
  if (round.state() == v1::ROUND_STATE_NOTICE) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "APPLICATIONS_DURING_NOTICE", {{"round", round.round_id()}},
                   absl::StrCat("round ", round.round_id(),
                                " is in public notice; new applications are taken as mid-semester changes after its "
                                "approval"));
  }
  if (today > calendar.last_day) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "SEMESTER_ENDED",
                   {{"semester", round.semester()}, {"date", Day(calendar.last_day)}},
                   absl::StrCat("semester ", round.semester(), " ended on ", Day(calendar.last_day)));
  }
  auto submitted = New<v1::ApplicationsSubmitted>();
  submitted->set_round_id(round.round_id());
  std::set<std::string> seen;
  for (int i = 0; i < request.applications_size(); ++i) {
    const v1::ApplicationInput& input = request.applications(i);
    const std::string field = absl::StrCat("applications[", i, "]");
    RETURN_IF_ERROR(CheckStudentId(field + ".student_id", input.student_id()));
    const std::string& id = input.student_id();
    if (!seen.insert(id).second) {
      return Refusal(absl::StatusCode::kInvalidArgument, "STUDENT_TWICE_IN_REQUEST", {{"student", id}},
                     absl::StrCat(field, ": student ", id, " appears twice in the request"));
    }
    const bool mid = input.mid_semester_reason() != v1::MID_SEMESTER_REASON_UNSPECIFIED;
    if (!mid && round.state() == v1::ROUND_STATE_APPROVED) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "ROUND_APPROVED_MID_SEMESTER_ONLY",
                     {{"round", round.round_id()}},
                     absl::StrCat(field, ": round ", round.round_id(),
                                  " is approved; a later application must be a mid-semester change "
                                  "(transfer in, changed circumstances) with its effective date"));
    }
    if (!mid && today > calendar.application_deadline) {
      return Refusal(
          absl::StatusCode::kFailedPrecondition, "APPLICATIONS_CLOSED",
          {{"semester", round.semester()}, {"date", Day(calendar.application_deadline)}, {"today", Day(today)}},
          absl::StrCat(field, ": applications for ", round.semester(), " closed on ",
                       Day(calendar.application_deadline), " (today is ", Day(today),
                       "); a later application must be a mid-semester change (transfer in, "
                       "changed circumstances) with its effective date"));
    }
    Date accrues_from = ToDate(calendar.first_day);
    if (mid) {
      RETURN_IF_ERROR(ValidateDate(field + ".effective_date", input.effective_date()));
      const absl::CivilDay effective = ToCivil(input.effective_date());
      if (effective < calendar.first_day || effective > calendar.last_day || effective > today) {
        return Refusal(absl::StatusCode::kInvalidArgument, "EFFECTIVE_DATE_OUTSIDE_SEMESTER",
                       {{"date", FormatDate(input.effective_date())},
                        {"semester", round.semester()},
                        {"first", Day(calendar.first_day)},
                        {"last", Day(calendar.last_day)}},
                       absl::StrCat(field, ".effective_date ", FormatDate(input.effective_date()), " must lie in ",
                                    round.semester(), " (", Day(calendar.first_day), " to ", Day(calendar.last_day),
                                    ") and not after today"));
      }
      accrues_from = input.effective_date();
    }
    const v1::Attestation& stamp = input.attestation();
    RETURN_IF_ERROR(CheckText(field + ".attestation.stamped_by", stamp.stamped_by(), 200, true));
    RETURN_IF_ERROR(CheckText(field + ".attestation.scan_ref", stamp.scan_ref(), 500, true));
    RETURN_IF_ERROR(ValidateDate(field + ".attestation.stamped_on", stamp.stamped_on()));
    if (ToCivil(stamp.stamped_on()) > today) {
      return Refusal(
          absl::StatusCode::kInvalidArgument, "DATE_AFTER_TODAY",
          {{"field", "attestation.stamped_on"}, {"date", FormatDate(stamp.stamped_on())}, {"today", Day(today)}},
          absl::StrCat(field, ".attestation.stamped_on ", FormatDate(stamp.stamped_on()), " is after today (",
                       Day(today), ")"));
    }
    ASSIGN_OR_RETURN(auto student, state.FindStudent(id));
    if (!student || student->school_code() != round.school_code()) return NotAPupil(field, id, round.school_code());
    if (student->status() != registry::v1::ENROLMENT_STATUS_ENROLLED) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "STUDENT_NOT_ENROLLED",
                     {{"name", student->name_masked()},
                      {"school", round.school_code()},
                      {"status", registry::v1::EnrolmentStatus_Name(student->status())}},
                     absl::StrCat(field, ": student ", id, " (", student->name_masked(), ") is not enrolled at school ",
                                  round.school_code(), " (registry: ", StatusName(student->status()), " at ",
                                  student->school_code().empty() ? "no school" : student->school_code(), ")"));
    }
    ASSIGN_OR_RETURN(auto existing, state.FindApplication(round.round_id(), id));
    if (existing && existing->state() == v1::APPLICATION_STATE_DISQUALIFIED) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "STUDENT_DISQUALIFIED",
                     {{"name", existing->application().facts().name_masked()},
                      {"round", round.round_id()},
                      {"why", existing->disqualification()}},
                     absl::StrCat(field, ": student ", id, " was disqualified in round ", round.round_id(), ": ",
                                  existing->disqualification()));
    }
    if (existing && existing->state() != v1::APPLICATION_STATE_REJECTED &&
        existing->state() != v1::APPLICATION_STATE_REMOVED) {
      return Refusal(absl::StatusCode::kAlreadyExists, "APPLICATION_EXISTS",
                     {{"name", existing->application().facts().name_masked()}, {"round", round.round_id()}},
                     absl::StrCat(field, ": student ", id, " already has an application in round ", round.round_id()));
    }
    v1::Application* application = submitted->add_applications();
    application->set_student_id(id);
    *application->mutable_attestation() = stamp;
    application->set_mid_semester_reason(input.mid_semester_reason());
    *application->mutable_effective_date() = accrues_from;
    ASSIGN_OR_RETURN(*application->mutable_facts(), CurrentFacts(state, *student, semester.year));
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(submitted);
  return events.Take();
}

absl::StatusOr<Events> DecideRecordCoverageReasons(SubsidyState& state,
                                                   const v1::RecordCoverageReasonsRequest& request) {
  RETURN_IF_ERROR(CheckBatchSize("reasons", request.reasons_size()));
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", round.semester()));
  auto recorded = New<v1::CoverageReasonsRecorded>();
  recorded->set_round_id(round.round_id());
  std::set<std::string> seen;
  for (int i = 0; i < request.reasons_size(); ++i) {
    const v1::CoverageReasonInput& input = request.reasons(i);
    const std::string field = absl::StrCat("reasons[", i, "]");
    RETURN_IF_ERROR(CheckStudentId(field + ".student_id", input.student_id()));
    if (!seen.insert(input.student_id()).second) {
      return Refusal(absl::StatusCode::kInvalidArgument, "STUDENT_TWICE_IN_REQUEST", {{"student", input.student_id()}},
                     absl::StrCat(field, ": student ", input.student_id(), " appears twice"));
    }
    if (input.kind() == v1::COVERAGE_REASON_KIND_UNSPECIFIED) {
      return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "kind"}},
                     absl::StrCat(field, ".kind is required: left_school, aided_elsewhere or declined_in_writing"));
    }
    RETURN_IF_ERROR(CheckText(field + ".note", input.note(), 1000, true));
    RETURN_IF_ERROR(CheckText(field + ".document_ref", input.document_ref(), 500,
                              input.kind() == v1::COVERAGE_REASON_KIND_DECLINED_IN_WRITING));
    ASSIGN_OR_RETURN(auto student, state.FindStudent(input.student_id()));
    if (!student || student->school_code() != round.school_code()) {
      return NotAPupil(field, input.student_id(), round.school_code());
    }
    ASSIGN_OR_RETURN(v1::StudentFacts facts, CurrentFacts(state, *student, semester.year));
    if (!facts.registered_poor()) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "COVERAGE_REASON_NOT_POOR", {{"name", facts.name_masked()}},
                     absl::StrCat(field, ": student ", input.student_id(),
                                  " is not registered-poor; only registered-poor students need a reason for having no "
                                  "application"));
    }
    ASSIGN_OR_RETURN(bool has_reason, state.HasCoverageReason(round.round_id(), input.student_id()));
    if (has_reason) {
      return Refusal(
          absl::StatusCode::kAlreadyExists, "COVERAGE_REASON_EXISTS", {{"name", facts.name_masked()}},
          absl::StrCat(field, ": student ", input.student_id(), " already has a recorded reason in this round"));
    }
    v1::CoverageReason* reason = recorded->add_reasons();
    reason->set_student_id(input.student_id());
    reason->set_kind(input.kind());
    reason->set_note(input.note());
    reason->set_document_ref(input.document_ref());
    *reason->mutable_facts() = facts;
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(recorded);
  return events.Take();
}

absl::StatusOr<Events> DecideReviewApplications(SubsidyState& state, const v1::ReviewApplicationsRequest& request) {
  RETURN_IF_ERROR(CheckBatchSize("reviews", request.reviews_size()));
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  if (round.state() == v1::ROUND_STATE_NOTICE) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ROUND_IN_NOTICE", {{"round", round.round_id()}},
                   absl::StrCat("round ", round.round_id(),
                                " is in public notice; the list changes only through a resolved objection"));
  }
  if (request.reviewers().empty() || request.reviewers_size() > 50) {
    return Refusal(absl::StatusCode::kInvalidArgument, "REVIEWERS_REQUIRED", {},
                   "reviewers: name the 1-50 working-group members who reviewed");
  }
  for (int i = 0; i < request.reviewers_size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("reviewers[", i, "]"), request.reviewers(i), 100, true));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
  int quota_used = round.quota_used();
  auto reviewed = New<v1::ApplicationsReviewed>();
  reviewed->set_round_id(round.round_id());
  *reviewed->mutable_reviewers() = request.reviewers();
  std::set<std::string> seen;
  for (int i = 0; i < request.reviews_size(); ++i) {
    const v1::ReviewInput& input = request.reviews(i);
    const std::string field = absl::StrCat("reviews[", i, "]");
    RETURN_IF_ERROR(CheckStudentId(field + ".student_id", input.student_id()));
    if (!seen.insert(input.student_id()).second) {
      return Refusal(absl::StatusCode::kInvalidArgument, "STUDENT_TWICE_IN_REQUEST", {{"student", input.student_id()}},
                     absl::StrCat(field, ": student ", input.student_id(), " appears twice"));
    }
    ASSIGN_OR_RETURN(auto app, state.FindApplication(round.round_id(), input.student_id()));
    if (!app) {
      return Refusal(
          absl::StatusCode::kNotFound, "NO_APPLICATION", {{"student", input.student_id()}, {"round", round.round_id()}},
          absl::StrCat(field, ": student ", input.student_id(), " has no application in round ", round.round_id()));
    }
    if (app->state() != v1::APPLICATION_STATE_SUBMITTED && app->state() != v1::APPLICATION_STATE_ACCEPTED &&
        app->state() != v1::APPLICATION_STATE_REJECTED) {
      return Refusal(
          absl::StatusCode::kFailedPrecondition, "APPLICATION_NOT_REVIEWABLE",
          {{"name", app->application().facts().name_masked()}, {"state", v1::ApplicationState_Name(app->state())}},
          absl::StrCat(field, ": the application of student ", input.student_id(), " is ",
                       v1::ApplicationState_Name(app->state()), " and can no longer be reviewed"));
    }
    const bool hardship = !app->application().facts().registered_poor();
    v1::Review review;
    review.set_student_id(input.student_id());
    review.set_decision(input.decision());
    if (input.decision() == v1::REVIEW_DECISION_ACCEPTED) {
      if (input.tier() < 1 || input.tier() > 9) {
        return FieldOutOfRange("tier", input.tier(), 1, 9);
      }
      auto rule = RuleFor(policy.policy(), app->application().facts(), input.tier());
      if (!rule.ok()) {
        return Refusal(absl::StatusCode::kFailedPrecondition, "NO_POLICY_TIER",
                       {{"name", app->application().facts().name_masked()}, {"tier", std::to_string(input.tier())}},
                       absl::StrCat(field, ": student ", input.student_id(), ": ", rule.status().message()));
      }
      review.set_tier(input.tier());
      review.set_counts_against_quota(hardship);
      // The round's list was public before this acceptance: the student
      // needs a supplementary notice of their own before approval.
      review.set_needs_notice(round.state() == v1::ROUND_STATE_APPROVED);
    } else if (input.decision() == v1::REVIEW_DECISION_REJECTED) {
      RETURN_IF_ERROR(CheckText(field + ".reason", input.reason(), 1000, true));
    } else {
      return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "decision"}},
                     absl::StrCat(field, ".decision is required: accepted or rejected"));
    }
    RETURN_IF_ERROR(CheckText(field + ".reason", input.reason(), 1000, false));
    review.set_reason(input.reason());
    quota_used += (review.counts_against_quota() ? 1 : 0) - (app->counts_against_quota() ? 1 : 0);
    if (review.counts_against_quota() && quota_used > round.quota()) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "QUOTA_EXCEEDED",
                     {{"round", round.round_id()},
                      {"quota", std::to_string(round.quota())},
                      {"name", app->application().facts().name_masked()},
                      {"count", std::to_string(quota_used)}},
                     absl::StrCat(field, ": the quota of round ", round.round_id(), " is ", round.quota(),
                                  " hardship students (registered-poor students are outside it); accepting student ",
                                  input.student_id(), " would make ", quota_used));
    }
    *reviewed->add_reviews() = review;
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(reviewed);
  return events.Take();
}

namespace {

// After approval: a supplementary notice of the students accepted since the
// round's notice that are on none yet.
absl::StatusOr<Events> DecideSupplementaryNotice(SubsidyState& state, const v1::RoundRecord& round, absl::Time now) {
  auto notice = New<v1::SupplementaryNoticePublished>();
  notice->set_round_id(round.round_id());
  RETURN_IF_ERROR(state.ForEachApplication(round.round_id(), [&](const v1::ApplicationRecord& app) {
    if (app.state() == v1::APPLICATION_STATE_ACCEPTED && app.needs_notice() && !app.has_notice_closes_at()) {
      notice->add_student_ids(app.application().student_id());
    }
    return true;
  }));
  if (notice->student_ids().empty()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "SUPPLEMENTARY_NOTICE_NOTHING", {{"round", round.round_id()}},
                   absl::StrCat("round ", round.round_id(),
                                " is approved and no student accepted since its notice is waiting for a supplementary "
                                "notice"));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
  notice->set_notice_days(policy.policy().notice_days());
  *notice->mutable_closes_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(now + absl::Hours(24) * policy.policy().notice_days()));
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(notice);
  return events.Take();
}

}  // namespace

absl::StatusOr<Events> DecidePublishNotice(SubsidyState& state, const std::string& round_id, absl::Time now) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, round_id));
  if (round.state() == v1::ROUND_STATE_APPROVED) return DecideSupplementaryNotice(state, round, now);
  if (round.state() != v1::ROUND_STATE_OPEN) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "NOTICE_ALREADY_PUBLISHED",
        {{"round", round_id}, {"state", v1::RoundState_Name(round.state())}},
        absl::StrCat("round ", round_id, " is ", v1::RoundState_Name(round.state()), "; a notice is published once"));
  }
  if (round.pending_review() > 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "REVIEWS_PENDING",
                   {{"round", round_id}, {"count", std::to_string(round.pending_review())}},
                   absl::StrCat(round.pending_review(), " applications of round ", round_id,
                                " are not reviewed yet; review them before the notice"));
  }
  if (round.accepted() == 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NOTICE_NOTHING_ACCEPTED", {{"round", round_id}},
                   absl::StrCat("round ", round_id, " has no accepted application to publish"));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
  EventList events(kRoundAggregate, round_id, round.aggregate_version());
  auto notice = New<v1::NoticePublished>();
  notice->set_round_id(round_id);
  notice->set_notice_days(policy.policy().notice_days());
  *notice->mutable_closes_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(now + absl::Hours(24) * policy.policy().notice_days()));
  notice->set_entries(round.accepted());
  events.Add(notice);
  return events.Take();
}

absl::StatusOr<Events> DecideRaiseObjection(SubsidyState& state, const v1::RaiseObjectionRequest& request,
                                            absl::Time now) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  ASSIGN_OR_RETURN(auto app, state.FindApplication(round.round_id(), request.student_id()));
  // A student on a supplementary notice (accepted after the round's notice)
  // is objected to during that notice.
  const bool supplementary = round.state() == v1::ROUND_STATE_APPROVED && app &&
                             app->state() == v1::APPLICATION_STATE_ACCEPTED && app->has_notice_closes_at();
  if (round.state() != v1::ROUND_STATE_NOTICE && !supplementary) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "OBJECTION_OUTSIDE_NOTICE", {{"round", round.round_id()}},
        absl::StrCat("round ", round.round_id(), " is not in public notice; objections are taken during the notice"));
  }
  const Timestamp& closes_at = supplementary ? app->notice_closes_at() : round.notice_closes_at();
  if (now >= absl::FromUnixSeconds(closes_at.seconds())) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NOTICE_CLOSED",
                   {{"round", round.round_id()}, {"until", FormatTime(closes_at)}},
                   absl::StrCat(supplementary ? "the supplementary notice of round " : "the notice of round ",
                                round.round_id(), " closed at ", FormatTime(closes_at)));
  }
  RETURN_IF_ERROR(CheckText("reason", request.reason(), 2000, true));
  RETURN_IF_ERROR(CheckText("raised_by", request.raised_by(), 200, false));
  if (!app || app->state() != v1::APPLICATION_STATE_ACCEPTED || (app->needs_notice() && !supplementary)) {
    return Refusal(absl::StatusCode::kNotFound, "NOT_ON_NOTICE",
                   {{"student", request.student_id().substr(0, 64)}, {"round", round.round_id()}},
                   absl::StrCat("student '", request.student_id().substr(0, 64),
                                "' is not on the notice list of round ", round.round_id()));
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  auto raised = New<v1::ObjectionRaised>();
  raised->set_round_id(round.round_id());
  raised->set_objection_id(absl::StrCat("O", round.objections() + 1));
  raised->set_student_id(request.student_id());
  raised->set_reason(request.reason());
  raised->set_raised_by(request.raised_by());
  events.Add(raised);
  return events.Take();
}

absl::StatusOr<Events> DecideResolveObjection(SubsidyState& state, const v1::ResolveObjectionRequest& request) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  ASSIGN_OR_RETURN(auto objection, state.FindObjection(round.round_id(), request.objection_id()));
  if (!objection) {
    return NotFound("objection", request.objection_id().substr(0, 20));
  }
  if (objection->outcome() != v1::OBJECTION_OUTCOME_UNSPECIFIED) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "OBJECTION_RESOLVED",
                   {{"outcome", v1::ObjectionOutcome_Name(objection->outcome())}},
                   absl::StrCat("objection ", request.objection_id(), " is already resolved (",
                                v1::ObjectionOutcome_Name(objection->outcome()), ")"));
  }
  RETURN_IF_ERROR(CheckText("note", request.note(), 2000, true));
  auto resolved = New<v1::ObjectionResolved>();
  resolved->set_round_id(round.round_id());
  resolved->set_objection_id(request.objection_id());
  resolved->set_student_id(objection->student_id());
  resolved->set_outcome(request.outcome());
  resolved->set_note(request.note());
  switch (request.outcome()) {
    case v1::OBJECTION_OUTCOME_REJECTED:
    case v1::OBJECTION_OUTCOME_UPHELD_REMOVE:
      break;
    case v1::OBJECTION_OUTCOME_UPHELD_CHANGE_TIER: {
      ASSIGN_OR_RETURN(auto app, state.FindApplication(round.round_id(), objection->student_id()));
      ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
      if (!app) return absl::DataLossError(absl::StrCat("application of ", objection->student_id(), " is missing"));
      auto rule = RuleFor(policy.policy(), app->application().facts(), request.new_tier());
      if (!rule.ok()) {
        return Refusal(
            absl::StatusCode::kFailedPrecondition, "NO_POLICY_TIER",
            {{"name", app->application().facts().name_masked()}, {"tier", std::to_string(request.new_tier())}},
            absl::StrCat("new_tier: ", rule.status().message()));
      }
      resolved->set_new_tier(request.new_tier());
      break;
    }
    default:
      return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "outcome"}},
                     "outcome is required: rejected, upheld_remove or upheld_change_tier");
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(resolved);
  return events.Take();
}

absl::StatusOr<std::vector<std::pair<std::string, v1::StudentFacts>>> CoverageTodo(SubsidyState& state,
                                                                                   const v1::RoundRecord& round,
                                                                                   const std::string& after, int limit,
                                                                                   int* total, CoverageCounts* counts) {
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", round.semester()));
  std::vector<std::pair<std::string, v1::StudentFacts>> todo;
  CoverageCounts found;
  absl::Status failure;
  RETURN_IF_ERROR(state.ForEachStudentOfSchool(round.school_code(), [&](const v1::UpstreamStudent& student) {
    if (student.status() != registry::v1::ENROLMENT_STATUS_ENROLLED) return true;
    absl::StatusOr<v1::StudentFacts> facts = CurrentFacts(state, student, semester.year);
    if (!facts.ok()) {
      failure = facts.status();
      return false;
    }
    if (!facts->registered_poor()) return true;
    ++found.registered_poor;
    absl::StatusOr<std::optional<v1::ApplicationRecord>> app =
        state.FindApplication(round.round_id(), student.student_id());
    absl::StatusOr<bool> reason = state.HasCoverageReason(round.round_id(), student.student_id());
    if (!app.ok() || !reason.ok()) {
      failure = !app.ok() ? app.status() : reason.status();
      return false;
    }
    if (*reason) ++found.with_reason;
    if ((*app && Covers(**app)) || *reason) return true;
    ++found.missing;
    if (student.student_id() > after && (limit <= 0 || static_cast<int>(todo.size()) < limit)) {
      todo.emplace_back(student.student_id(), *std::move(facts));
    }
    return true;
  }));
  RETURN_IF_ERROR(failure);
  if (total != nullptr) *total = found.missing;
  if (counts != nullptr) *counts = found;
  return todo;
}

absl::StatusOr<Events> DecideApproveRound(SubsidyState& state, const std::string& round_id, absl::Time now) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, round_id));
  const bool first = round.state() == v1::ROUND_STATE_NOTICE;
  if (round.state() == v1::ROUND_STATE_OPEN) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "APPROVAL_BEFORE_NOTICE", {{"round", round_id}},
                   absl::StrCat("round ", round_id, " has not published its notice; approval comes after the notice"));
  }
  if (first && now < absl::FromUnixSeconds(round.notice_closes_at().seconds())) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "APPROVAL_DURING_NOTICE",
                   {{"round", round_id}, {"until", FormatTime(round.notice_closes_at())}},
                   absl::StrCat("the notice of round ", round_id, " runs until ", FormatTime(round.notice_closes_at()),
                                "; approval before it closes is refused"));
  }
  ASSIGN_OR_RETURN(std::vector<v1::ObjectionRecord> open, state.OpenObjections(round_id));
  if (!open.empty()) {
    std::vector<std::string> ids;
    for (const auto& o : open) ids.push_back(absl::StrCat(o.objection_id(), " (", o.student_id(), ")"));
    return Refusal(absl::StatusCode::kFailedPrecondition, "OBJECTIONS_UNRESOLVED",
                   {{"round", round_id}, {"count", std::to_string(open.size())}, {"list", ShortList(ids)}},
                   absl::StrCat(open.size(), " objections of round ", round_id, " are unresolved: ", ShortList(ids)));
  }
  if (round.pending_review() > 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "REVIEWS_PENDING",
                   {{"round", round_id}, {"count", std::to_string(round.pending_review())}},
                   absl::StrCat(round.pending_review(), " applications of round ", round_id, " are not reviewed yet"));
  }
  // Students accepted after the notice are approved only after their own
  // (supplementary) notice has run its days.
  std::vector<std::string> unpublished, running;
  Timestamp runs_until;
  RETURN_IF_ERROR(state.ForEachApplication(round_id, [&](const v1::ApplicationRecord& app) {
    if (app.state() != v1::APPLICATION_STATE_ACCEPTED || !app.needs_notice()) return true;
    const std::string who = absl::StrCat(app.application().student_id(), " ", app.application().facts().name_masked());
    if (!app.has_notice_closes_at()) {
      unpublished.push_back(who);
    } else if (now < absl::FromUnixSeconds(app.notice_closes_at().seconds())) {
      running.push_back(who);
      if (app.notice_closes_at().seconds() > runs_until.seconds()) runs_until = app.notice_closes_at();
    }
    return true;
  }));
  if (!unpublished.empty()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "SUPPLEMENTARY_NOTICE_MISSING",
        {{"round", round_id}, {"count", std::to_string(unpublished.size())}, {"list", ShortList(unpublished)}},
        absl::StrCat("补充公示前不能审批 / ", unpublished.size(), " students of round ", round_id,
                     " were accepted after its notice and have not been on a notice: ", ShortList(unpublished),
                     "; publish a supplementary notice (`zizhu aid notice ", round_id,
                     "`) and approve after it closes"));
  }
  if (!running.empty()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "SUPPLEMENTARY_NOTICE_RUNNING",
        {{"round", round_id}, {"until", FormatTime(runs_until)}, {"list", ShortList(running)}},
        absl::StrCat("补充公示期内不能审批 / the supplementary notice of round ", round_id, " runs until ",
                     FormatTime(runs_until), " for ", ShortList(running), "; approval before it closes is refused"));
  }
  int missing = 0;
  CoverageCounts coverage;
  ASSIGN_OR_RETURN(auto todo, CoverageTodo(state, round, "", 5, &missing, &coverage));
  if (missing > 0) {
    std::vector<std::string> names;
    for (const auto& [id, facts] : todo) names.push_back(absl::StrCat(id, " ", facts.name_masked()));
    return Refusal(absl::StatusCode::kFailedPrecondition, "COVERAGE_MISSING",
                   {{"school", round.school_code()}, {"count", std::to_string(missing)}, {"list", ShortList(names)}},
                   absl::StrCat(missing, " registered-poor students of school ", round.school_code(),
                                " have neither an application nor a recorded reason (left the school, aided "
                                "elsewhere, declined in writing): ",
                                ShortList(names), "; see `zizhu aid todo ", round_id, "`"));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, RoundPolicy(state, round));
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", round.semester()));
  auto approved = New<v1::RoundApproved>();
  approved->set_round_id(round_id);
  approved->set_policy_version(policy.policy().version());
  std::vector<v1::Entitlement> fixed;
  int poor_aided = 0;
  absl::Status failure;
  RETURN_IF_ERROR(state.ForEachApplication(round_id, [&](const v1::ApplicationRecord& app) {
    if (app.state() != v1::APPLICATION_STATE_ACCEPTED) return true;
    const std::string& id = app.application().student_id();
    absl::StatusOr<std::optional<v1::UpstreamStudent>> student = state.FindStudent(id);
    if (!student.ok()) {
      failure = student.status();
      return false;
    }
    if (!*student || (*student)->school_code() != round.school_code() ||
        (*student)->status() != registry::v1::ENROLMENT_STATUS_ENROLLED) {
      approved->add_left_school(id);
      return true;
    }
    absl::StatusOr<v1::Entitlement> e = ComputeEntitlement(policy.policy(), semester, app.application().facts(),
                                                           app.tier(), app.application().effective_date());
    if (!e.ok()) {
      failure = Refusal(absl::StatusCode::kFailedPrecondition, "NO_POLICY_TIER",
                        {{"name", app.application().facts().name_masked()}, {"tier", std::to_string(app.tier())}},
                        absl::StrCat("student ", id, ": ", e.status().message()));
      return false;
    }
    e->set_student_id(id);
    e->set_round_id(round_id);
    e->set_school_code(round.school_code());
    e->set_county_code(round.county_code());
    const Payable payable = PayableFor(*e, AccruedDays(*e, {OpenSpan(e->accrues_from())}));
    e->set_payable_fen(payable.fen);
    for (const v1::ShareAmount& part : payable.shares) *e->add_payable_shares() = part;
    if (app.application().facts().registered_poor()) ++poor_aided;
    fixed.push_back(*std::move(e));
    return true;
  }));
  RETURN_IF_ERROR(failure);
  if (fixed.empty() && approved->left_school().empty()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, first ? "NOTHING_TO_APPROVE" : "NO_CHANGE_TO_APPROVE",
        {{"round", round_id}},
        first ? absl::StrCat("round ", round_id, " has no accepted application to approve")
              : absl::StrCat("round ", round_id, " is approved and has no accepted mid-semester change to approve"));
  }
  int64_t total = 0;
  for (const v1::Entitlement& e : fixed) total += e.payable_fen();
  approved->set_entitlements(static_cast<int32_t>(fixed.size()));
  approved->set_total_fen(total);
  approved->set_registered_poor_in_school(coverage.registered_poor);
  approved->set_registered_poor_aided(poor_aided);
  approved->set_registered_poor_with_reason(coverage.with_reason);
  EventList events(kRoundAggregate, round_id, round.aggregate_version());
  events.Add(approved);
  for (size_t i = 0; i < fixed.size(); i += kEntitlementsPerEvent) {
    auto chunk = New<v1::EntitlementsFixed>();
    chunk->set_round_id(round_id);
    for (size_t j = i; j < std::min(fixed.size(), i + kEntitlementsPerEvent); ++j) {
      *chunk->add_entitlements() = std::move(fixed[j]);
    }
    events.Add(chunk);
  }
  return events.Take();
}

absl::StatusOr<Events> DecideDisqualifyStudent(SubsidyState& state, const v1::DisqualifyStudentRequest& request,
                                               absl::Time now) {
  ASSIGN_OR_RETURN(v1::RoundRecord round, ExistingRound(state, request.round_id()));
  if (request.reason() == v1::DISQUALIFICATION_REASON_UNSPECIFIED) {
    return FieldRequired("reason");
  }
  RETURN_IF_ERROR(CheckText("note", request.note(), 2000, true));
  RETURN_IF_ERROR(ValidateDate("effective_date", request.effective_date()));
  if (ToCivil(request.effective_date()) > Today(now)) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "DATE_AFTER_TODAY",
        {{"field", "effective_date"}, {"date", FormatDate(request.effective_date())}, {"today", Day(Today(now))}},
        absl::StrCat("effective_date ", FormatDate(request.effective_date()), " is after today"));
  }
  ASSIGN_OR_RETURN(auto app, state.FindApplication(round.round_id(), request.student_id()));
  if (!app) {
    return Refusal(absl::StatusCode::kNotFound, "NO_APPLICATION",
                   {{"student", request.student_id().substr(0, 64)}, {"round", round.round_id()}},
                   absl::StrCat("student '", request.student_id().substr(0, 64), "' has no application in round ",
                                round.round_id()));
  }
  if (app->state() == v1::APPLICATION_STATE_DISQUALIFIED) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "STUDENT_DISQUALIFIED",
        {{"name", app->application().facts().name_masked()},
         {"round", round.round_id()},
         {"why", app->disqualification()}},
        absl::StrCat("student ", request.student_id(), " is already disqualified: ", app->disqualification()));
  }
  auto disqualified = New<v1::StudentDisqualified>();
  disqualified->set_round_id(round.round_id());
  disqualified->set_student_id(request.student_id());
  disqualified->set_reason(request.reason());
  disqualified->set_note(request.note());
  *disqualified->mutable_effective_date() = request.effective_date();
  disqualified->set_school_code(round.school_code());
  disqualified->set_county_code(round.county_code());
  disqualified->set_semester(round.semester());
  disqualified->set_name_masked(app->application().facts().name_masked());
  if (app->state() == v1::APPLICATION_STATE_APPROVED) {
    ASSIGN_OR_RETURN(auto entitlements, state.EntitlementsOfStudent(request.student_id()));
    for (const v1::EntitlementRecord& record : entitlements) {
      if (record.entitlement().round_id() != round.round_id()) continue;
      std::optional<v1::Adjustment> adjustment =
          AdjustmentFor(record, v1::ADJUSTMENT_KIND_DISQUALIFIED, request.effective_date());
      if (adjustment) {
        adjustment->set_reason(absl::StrCat(v1::DisqualificationReason_Name(request.reason()), ": ", request.note()));
        *disqualified->mutable_adjustment() = *adjustment;
      }
    }
  }
  EventList events(kRoundAggregate, round.round_id(), round.aggregate_version());
  events.Add(disqualified);
  return events.Take();
}

}  // namespace zizhu::subsidy
