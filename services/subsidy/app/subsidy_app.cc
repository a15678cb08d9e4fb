#include "services/subsidy/app/subsidy_app.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/sha256.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"
#include "services/subsidy/app/subsidy_keys.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/round_decisions.h"
#include "services/subsidy/domain/round_evolve.h"
#include "services/subsidy/domain/underpayment.h"
#include "services/subsidy/published/subsidy_actions.h"

namespace zizhu::subsidy {
namespace {

// A decision over the batch the writer hands it.
template <typename Decide>
es::DecideFn Over(Decide decide) {
  return [decide](storage::ProjectionBatch& view, absl::Time now) {
    RowsState state(RowSource::Of(view));
    return decide(state, now);
  };
}

template <typename Record>
absl::StatusOr<Record> Parse(const std::string& key, const std::string& value) {
  Record record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
  }
  return record;
}

absl::Status RequireSemester(const std::string& semester) { return ParseSemester("semester", semester).status(); }

}  // namespace

absl::StatusOr<v1::RoundRecord> SubsidyApp::RoundInScope(const auth::Caller& caller,
                                                         const std::string& round_id) const {
  RETURN_IF_ERROR(ParseRoundId(round_id).status());
  ASSIGN_OR_RETURN(auto round, storage::LoadRow<v1::RoundRecord>(*store_, keys::Round(round_id)));
  if (!round || !auth::CoversSchool(caller, round->county_code(), round->school_code())) {
    return auth::OutOfScope("round", round_id);
  }
  return *round;
}

absl::StatusOr<v1::PolicyRecord> SubsidyApp::LoadPolicyRecord(const std::string& version) const {
  if (version.empty() || version.size() > 40) {
    return FieldInvalid("version", version.substr(0, 40), "must be 1-40 characters");
  }
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::PolicyRecord>(*store_, keys::Policy(version)));
  if (!record) return NotFound("policy", version);
  return *record;
}

template <typename Response, typename Request>
void SubsidyApp::RoundCommand(
    const auth::Caller& caller, const auth::Action& action, const Request& request, const std::string& round_id,
    es::DecideFn decide,
    std::function<absl::StatusOr<Response>(const common::v1::CommandOutcome&, const v1::RoundRecord&)> respond,
    Callback<Response> done) {
  if (absl::Status allowed = auth::Require(caller, action); !allowed.ok()) return done(allowed);
  absl::StatusOr<v1::RoundRecord> round = RoundInScope(caller, round_id);
  if (!round.ok()) return done(round.status());
  commands_->Run<Response>(
      caller, request, std::move(decide),
      [this, round_id, respond](const common::v1::CommandOutcome& outcome) -> absl::StatusOr<Response> {
        ASSIGN_OR_RETURN(auto after, storage::LoadRow<v1::RoundRecord>(*store_, keys::Round(round_id)));
        if (!after) return absl::DataLossError(absl::StrCat("round ", round_id, " is missing after its command"));
        return respond(outcome, *after);
      },
      std::move(done));
}

void SubsidyApp::LoadPolicy(const auth::Caller& caller, const v1::LoadPolicyRequest& request,
                            Callback<v1::LoadPolicyResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, auth::kAdminister, city_); !allowed.ok()) {
    return done(allowed);
  }
  if (request.content().size() > (1 << 20)) {
    return done(
        Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                {{"field", "content"}, {"bytes", std::to_string(request.content().size())}, {"max", "1048576"}},
                absl::StrCat("content is ", request.content().size(), " bytes; a policy file holds at most 1 MiB")));
  }
  const std::string file_name = request.file_name().empty() ? "policy" : request.file_name().substr(0, 200);
  absl::StatusOr<v1::Policy> policy = ParsePolicyFile(file_name, request.content());
  if (!policy.ok()) return done(policy.status());
  const std::string hash = Sha256Hex(request.content());
  const std::string version = policy->version();
  commands_->Run<v1::LoadPolicyResponse>(
      caller, request,
      Over([policy = *policy, draft = request.draft(), file_name, hash](SubsidyState& state, absl::Time) {
        return DecideLoadPolicy(state, policy, draft, file_name, hash);
      }),
      [this, version](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::LoadPolicyResponse> {
        v1::LoadPolicyResponse response;
        ASSIGN_OR_RETURN(*response.mutable_policy(), LoadPolicyRecord(version));
        return response;
      },
      std::move(done));
}

void SubsidyApp::PublishPolicyVersion(const auth::Caller& caller, const v1::PublishPolicyVersionRequest& request,
                                      Callback<v1::PublishPolicyVersionResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, auth::kAdminister, city_); !allowed.ok()) {
    return done(allowed);
  }
  const std::string version = request.version();
  commands_->Run<v1::PublishPolicyVersionResponse>(
      caller, request, Over([version](SubsidyState& state, absl::Time) { return DecidePublishPolicy(state, version); }),
      [this, version](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::PublishPolicyVersionResponse> {
        v1::PublishPolicyVersionResponse response;
        ASSIGN_OR_RETURN(*response.mutable_policy(), LoadPolicyRecord(version));
        return response;
      },
      std::move(done));
}

void SubsidyApp::OpenRound(const auth::Caller& caller, const v1::OpenRoundRequest& request,
                           Callback<v1::OpenRoundResponse> done) {
  if (absl::Status allowed = auth::Require(caller, kApproveAid); !allowed.ok()) return done(allowed);
  if (absl::Status semester = RequireSemester(request.semester()); !semester.ok()) return done(semester);
  absl::StatusOr<std::optional<v1::UpstreamSchool>> school =
      request.school_code().empty() || request.school_code().size() > 40
          ? absl::StatusOr<std::optional<v1::UpstreamSchool>>(std::nullopt)
          : storage::LoadRow<v1::UpstreamSchool>(*store_, keys::UpSchool(request.school_code()));
  if (!school.ok()) return done(school.status());
  if (!*school || !auth::CoversSchool(caller, (*school)->county_code(), (*school)->school_code())) {
    return done(auth::OutOfScope("school", request.school_code()));
  }
  const std::string round_id = RoundId(request.school_code(), request.semester());
  commands_->Run<v1::OpenRoundResponse>(
      caller, request,
      Over([request](SubsidyState& state, absl::Time now) { return DecideOpenRound(state, request, now); }),
      [this, round_id](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::OpenRoundResponse> {
        v1::OpenRoundResponse response;
        ASSIGN_OR_RETURN(auto round, storage::LoadRow<v1::RoundRecord>(*store_, keys::Round(round_id)));
        if (!round) return absl::DataLossError(absl::StrCat("round ", round_id, " is missing after opening"));
        *response.mutable_round() = *round;
        return response;
      },
      std::move(done));
}

void SubsidyApp::SubmitApplications(const auth::Caller& caller, const v1::SubmitApplicationsRequest& request,
                                    Callback<v1::SubmitApplicationsResponse> done) {
  const int count = request.applications_size();
  RoundCommand<v1::SubmitApplicationsResponse>(
      caller, kPrepareAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time now) { return DecideSubmitApplications(state, request, now); }),
      [count](const common::v1::CommandOutcome&,
              const v1::RoundRecord& round) -> absl::StatusOr<v1::SubmitApplicationsResponse> {
        v1::SubmitApplicationsResponse response;
        *response.mutable_round() = round;
        response.set_submitted(count);
        return response;
      },
      std::move(done));
}

void SubsidyApp::RecordCoverageReasons(const auth::Caller& caller, const v1::RecordCoverageReasonsRequest& request,
                                       Callback<v1::RecordCoverageReasonsResponse> done) {
  RoundCommand<v1::RecordCoverageReasonsResponse>(
      caller, kPrepareAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time) { return DecideRecordCoverageReasons(state, request); }),
      [](const common::v1::CommandOutcome&,
         const v1::RoundRecord& round) -> absl::StatusOr<v1::RecordCoverageReasonsResponse> {
        v1::RecordCoverageReasonsResponse response;
        *response.mutable_round() = round;
        return response;
      },
      std::move(done));
}

void SubsidyApp::ReviewApplications(const auth::Caller& caller, const v1::ReviewApplicationsRequest& request,
                                    Callback<v1::ReviewApplicationsResponse> done) {
  RoundCommand<v1::ReviewApplicationsResponse>(
      caller, kReviewAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time) { return DecideReviewApplications(state, request); }),
      [](const common::v1::CommandOutcome&,
         const v1::RoundRecord& round) -> absl::StatusOr<v1::ReviewApplicationsResponse> {
        v1::ReviewApplicationsResponse response;
        *response.mutable_round() = round;
        return response;
      },
      std::move(done));
}

void SubsidyApp::PublishNotice(const auth::Caller& caller, const v1::PublishNoticeRequest& request,
                               Callback<v1::PublishNoticeResponse> done) {
  const std::string round_id = request.round_id();
  RoundCommand<v1::PublishNoticeResponse>(
      caller, kPrepareAid, request, round_id,
      Over([round_id](SubsidyState& state, absl::Time now) { return DecidePublishNotice(state, round_id, now); }),
      [](const common::v1::CommandOutcome&, const v1::RoundRecord& round) -> absl::StatusOr<v1::PublishNoticeResponse> {
        v1::PublishNoticeResponse response;
        *response.mutable_round() = round;
        return response;
      },
      std::move(done));
}

void SubsidyApp::RaiseObjection(const auth::Caller& caller, const v1::RaiseObjectionRequest& request,
                                Callback<v1::RaiseObjectionResponse> done) {
  RoundCommand<v1::RaiseObjectionResponse>(
      caller, kPrepareAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time now) { return DecideRaiseObjection(state, request, now); }),
      [this](const common::v1::CommandOutcome& outcome,
             const v1::RoundRecord& round) -> absl::StatusOr<v1::RaiseObjectionResponse> {
        // The objection this command raised: the one recorded by its event.
        v1::RaiseObjectionResponse response;
        absl::Status failure;
        RETURN_IF_ERROR(store_->Scan(keys::ObjectionPrefix(round.round_id()), "",
                                     [&](const std::string& key, const std::string& value) {
                                       absl::StatusOr<v1::ObjectionRecord> o = Parse<v1::ObjectionRecord>(key, value);
                                       if (!o.ok()) {
                                         failure = o.status();
                                         return false;
                                       }
                                       if (o->event_id() != outcome.first_event_id()) return true;
                                       *response.mutable_objection() = *o;
                                       return false;
                                     }));
        RETURN_IF_ERROR(failure);
        return response;
      },
      std::move(done));
}

void SubsidyApp::ResolveObjection(const auth::Caller& caller, const v1::ResolveObjectionRequest& request,
                                  Callback<v1::ResolveObjectionResponse> done) {
  const std::string objection_id = request.objection_id();
  RoundCommand<v1::ResolveObjectionResponse>(
      caller, kPrepareAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time) { return DecideResolveObjection(state, request); }),
      [this, objection_id](const common::v1::CommandOutcome&,
                           const v1::RoundRecord& round) -> absl::StatusOr<v1::ResolveObjectionResponse> {
        v1::ResolveObjectionResponse response;
        ASSIGN_OR_RETURN(auto objection, storage::LoadRow<v1::ObjectionRecord>(
                                             *store_, keys::Objection(round.round_id(), objection_id)));
        if (objection) *response.mutable_objection() = *objection;
        return response;
      },
      std::move(done));
}

void SubsidyApp::ApproveRound(const auth::Caller& caller, const v1::ApproveRoundRequest& request,
                              Callback<v1::ApproveRoundResponse> done) {
  const std::string round_id = request.round_id();
  absl::StatusOr<v1::RoundRecord> before = RoundInScope(caller, round_id);
  const int entitlements_before = before.ok() ? before->entitlements() : 0;
  RoundCommand<v1::ApproveRoundResponse>(
      caller, kApproveAid, request, round_id,
      Over([round_id](SubsidyState& state, absl::Time now) { return DecideApproveRound(state, round_id, now); }),
      [entitlements_before](const common::v1::CommandOutcome&,
                            const v1::RoundRecord& round) -> absl::StatusOr<v1::ApproveRoundResponse> {
        v1::ApproveRoundResponse response;
        *response.mutable_round() = round;
        response.set_fixed(round.entitlements() - entitlements_before);
        return response;
      },
      std::move(done));
}

void SubsidyApp::DisqualifyStudent(const auth::Caller& caller, const v1::DisqualifyStudentRequest& request,
                                   Callback<v1::DisqualifyStudentResponse> done) {
  const std::string student = request.student_id();
  RoundCommand<v1::DisqualifyStudentResponse>(
      caller, kPrepareAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time now) { return DecideDisqualifyStudent(state, request, now); }),
      [this, student](const common::v1::CommandOutcome&,
                      const v1::RoundRecord& round) -> absl::StatusOr<v1::DisqualifyStudentResponse> {
        v1::DisqualifyStudentResponse response;
        ASSIGN_OR_RETURN(
            auto app, storage::LoadRow<v1::ApplicationRecord>(*store_, keys::Application(round.round_id(), student)));
        if (app) *response.mutable_application() = *app;
        return response;
      },
      std::move(done));
}

void SubsidyApp::ResumeEntitlement(const auth::Caller& caller, const v1::ResumeEntitlementRequest& request,
                                   Callback<v1::ResumeEntitlementResponse> done) {
  const std::string student = request.student_id();
  RoundCommand<v1::ResumeEntitlementResponse>(
      caller, kApproveAid, request, request.round_id(),
      Over([request](SubsidyState& state, absl::Time) { return DecideResumeEntitlement(state, request); }),
      [this, student](const common::v1::CommandOutcome&,
                      const v1::RoundRecord& round) -> absl::StatusOr<v1::ResumeEntitlementResponse> {
        v1::ResumeEntitlementResponse response;
        RowsState state(RowSource::Of(*store_));
        ASSIGN_OR_RETURN(auto all, state.EntitlementsOfStudent(student));
        for (const v1::EntitlementRecord& e : all) {
          if (e.entitlement().round_id() == round.round_id()) *response.mutable_entitlement() = e;
        }
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::GetPolicyResponse> SubsidyApp::GetPolicy(const auth::Caller& caller,
                                                            const v1::GetPolicyRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  v1::GetPolicyResponse response;
  ASSIGN_OR_RETURN(*response.mutable_policy(), LoadPolicyRecord(request.version()));
  return response;
}

absl::StatusOr<v1::ListPoliciesResponse> SubsidyApp::ListPolicies(const auth::Caller& caller,
                                                                  const v1::ListPoliciesRequest&) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  RowsState state(RowSource::Of(*store_));
  v1::ListPoliciesResponse response;
  ASSIGN_OR_RETURN(std::vector<v1::PolicyRecord> all, state.AllPolicies());
  for (v1::PolicyRecord& record : all) *response.add_policies() = std::move(record);
  return response;
}

absl::StatusOr<v1::GetRoundResponse> SubsidyApp::GetRound(const auth::Caller& caller,
                                                          const v1::GetRoundRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  v1::GetRoundResponse response;
  ASSIGN_OR_RETURN(*response.mutable_round(), RoundInScope(caller, request.round_id()));
  return response;
}

absl::StatusOr<v1::ListRoundsResponse> SubsidyApp::ListRounds(const auth::Caller& caller,
                                                              const v1::ListRoundsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  RETURN_IF_ERROR(RequireSemester(request.semester()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  std::string prefix = keys::RoundIndexPrefix(request.semester());
  if (!request.county_code().empty()) {
    if (!auth::CoversCounty(caller, request.county_code()) && !auth::IsSchoolRole(caller)) {
      return auth::OutOfScope("county", request.county_code());
    }
    prefix += request.county_code() + "/";
  }
  v1::ListRoundsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string&, const std::string& round_id) -> absl::StatusOr<bool> {
                          ASSIGN_OR_RETURN(auto round,
                                           storage::LoadRow<v1::RoundRecord>(*store_, keys::Round(round_id)));
                          if (!round || !auth::CoversSchool(caller, round->county_code(), round->school_code())) {
                            return false;
                          }
                          *response.add_rounds() = *round;
                          return true;
                        }));
  return response;
}

absl::StatusOr<v1::ListApplicationsResponse> SubsidyApp::ListApplications(
    const auth::Caller& caller, const v1::ListApplicationsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(v1::RoundRecord round, RoundInScope(caller, request.round_id()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  const bool by_state = request.state() != v1::APPLICATION_STATE_UNSPECIFIED;
  const std::string prefix = by_state ? keys::ApplicationStatePrefix(round.round_id(), request.state())
                                      : keys::ApplicationPrefix(round.round_id());
  v1::ListApplicationsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string& value) -> absl::StatusOr<bool> {
                          if (!by_state) {
                            ASSIGN_OR_RETURN(*response.add_applications(), Parse<v1::ApplicationRecord>(key, value));
                            return true;
                          }
                          const std::string student = key.substr(prefix.size());
                          ASSIGN_OR_RETURN(auto app, storage::LoadRow<v1::ApplicationRecord>(
                                                         *store_, keys::Application(round.round_id(), student)));
                          if (!app) return false;
                          *response.add_applications() = *app;
                          return true;
                        }));
  return response;
}

absl::StatusOr<v1::ListCoverageTodoResponse> SubsidyApp::ListCoverageTodo(
    const auth::Caller& caller, const v1::ListCoverageTodoRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(v1::RoundRecord round, RoundInScope(caller, request.round_id()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  RowsState state(RowSource::Of(*store_));
  int total = 0;
  ASSIGN_OR_RETURN(auto todo, CoverageTodo(state, round, request.page_token(), page_size + 1, &total));
  v1::ListCoverageTodoResponse response;
  response.set_total(total);
  for (size_t i = 0; i < todo.size() && static_cast<int>(i) < page_size; ++i) {
    v1::CoverageTodoItem* item = response.add_students();
    item->set_student_id(todo[i].first);
    *item->mutable_facts() = todo[i].second;
  }
  if (static_cast<int>(todo.size()) > page_size) response.set_next_page_token(todo[page_size - 1].first);
  return response;
}

absl::StatusOr<v1::ListObjectionsResponse> SubsidyApp::ListObjections(const auth::Caller& caller,
                                                                      const v1::ListObjectionsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(v1::RoundRecord round, RoundInScope(caller, request.round_id()));
  v1::ListObjectionsResponse response;
  absl::Status failure;
  RETURN_IF_ERROR(
      store_->Scan(keys::ObjectionPrefix(round.round_id()), "", [&](const std::string& key, const std::string& value) {
        absl::StatusOr<v1::ObjectionRecord> record = Parse<v1::ObjectionRecord>(key, value);
        if (!record.ok()) {
          failure = record.status();
          return false;
        }
        *response.add_objections() = *record;
        return true;
      }));
  RETURN_IF_ERROR(failure);
  return response;
}

absl::StatusOr<v1::GetNoticeListResponse> SubsidyApp::GetNoticeList(const auth::Caller& caller,
                                                                    const v1::GetNoticeListRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(v1::RoundRecord round, RoundInScope(caller, request.round_id()));
  if (round.state() == v1::ROUND_STATE_OPEN) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NOTICE_NOT_PUBLISHED", {{"round", round.round_id()}},
                   absl::StrCat("round ", round.round_id(), " has not published its notice"));
  }
  ASSIGN_OR_RETURN(v1::PolicyRecord policy, LoadPolicyRecord(round.policy_version()));
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", round.semester()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::GetNoticeListResponse response;
  *response.mutable_round() = round;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(
          *store_, keys::ApplicationPrefix(round.round_id()), request.page_token(), page_size,
          [&](const std::string& key, const std::string& value) -> absl::StatusOr<bool> {
            ASSIGN_OR_RETURN(v1::ApplicationRecord app, Parse<v1::ApplicationRecord>(key, value));
            if (app.state() != v1::APPLICATION_STATE_ACCEPTED && app.state() != v1::APPLICATION_STATE_APPROVED) {
              return false;
            }
            // Accepted after the notice: public once its supplementary notice is.
            if (app.needs_notice() && !app.has_notice_closes_at()) return false;
            const v1::StudentFacts& facts = app.application().facts();
            v1::NoticeEntry* entry = response.add_entries();
            entry->set_name_masked(facts.name_masked());
            entry->set_national_id_masked(facts.national_id_masked());
            entry->set_grade(facts.grade());
            entry->set_class_name(facts.class_name());
            entry->set_aid_class(AidClassOf(facts));
            entry->set_tier(app.tier());
            if (app.needs_notice()) *entry->mutable_supplementary_closes_at() = app.notice_closes_at();
            absl::StatusOr<v1::Entitlement> e =
                ComputeEntitlement(policy.policy(), semester, facts, app.tier(), app.application().effective_date());
            if (e.ok()) {
              entry->set_semester_amount_fen(e->amount_fen());
              entry->set_rule_id(e->rule_id());
            }
            return true;
          }));
  return response;
}

absl::StatusOr<std::string> SubsidyApp::EntitlementScopePrefix(const auth::Caller& caller, const std::string& semester,
                                                               const std::string& school_code,
                                                               const std::string& county_code) const {
  RETURN_IF_ERROR(RequireSemester(semester));
  if (!school_code.empty()) {
    ASSIGN_OR_RETURN(auto school, school_code.size() > 40
                                      ? absl::StatusOr<std::optional<v1::UpstreamSchool>>(std::nullopt)
                                      : storage::LoadRow<v1::UpstreamSchool>(*store_, keys::UpSchool(school_code)));
    if (!school || !auth::CoversSchool(caller, school->county_code(), school_code)) {
      return auth::OutOfScope("school", school_code);
    }
    return keys::EntitlementSchoolPrefix(semester, school_code);
  }
  if (!county_code.empty()) {
    if (!auth::CoversCounty(caller, county_code)) return auth::OutOfScope("county", county_code);
    return keys::EntitlementCountyPrefix(semester, county_code);
  }
  // A school's own roles: their school (its whole scope).
  if (auth::IsSchoolRole(caller)) return EntitlementScopePrefix(caller, semester, caller.scope, "");
  // The caller's whole scope: a city or county code prefix of the index
  // ("ixec/<semester>/2101" covers every county of city 2101).
  return keys::EntitlementCountyRoot(semester) + (caller.role == auth::Role::kService ? "" : caller.scope);
}

absl::StatusOr<v1::ListEntitlementsResponse> SubsidyApp::ListEntitlements(
    const auth::Caller& caller, const v1::ListEntitlementsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  RETURN_IF_ERROR(RequireSemester(request.semester()));
  v1::ListEntitlementsResponse response;
  if (!request.student_id().empty()) {
    // One per school the student was approved at in the semester.
    absl::Status failure;
    RETURN_IF_ERROR(store_->Scan(
        keys::EntitlementSemesterPrefix(request.student_id(), request.semester()), "",
        [&](const std::string& key, const std::string& value) {
          absl::StatusOr<v1::EntitlementRecord> record = Parse<v1::EntitlementRecord>(key, value);
          if (!record.ok()) {
            failure = record.status();
            return false;
          }
          if (auth::CoversSchool(caller, record->entitlement().county_code(), record->entitlement().school_code())) {
            *response.add_entitlements() = *record;
          }
          return true;
        }));
    RETURN_IF_ERROR(failure);
    if (response.entitlements().empty()) return auth::OutOfScope("entitlement", request.student_id());
    return response;
  }
  if (request.school_code().empty() && request.county_code().empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "NAME_STUDENT_SCHOOL_OR_COUNTY", {},
                   "name student_id, school_code or county_code");
  }
  ASSIGN_OR_RETURN(std::string prefix,
                   EntitlementScopePrefix(caller, request.semester(), request.school_code(), request.county_code()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                                     [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                                       const auto [school, student] = keys::SchoolAndStudentOf(key);
                                       ASSIGN_OR_RETURN(
                                           auto record,
                                           storage::LoadRow<v1::EntitlementRecord>(
                                               *store_, keys::Entitlement(student, request.semester(), school)));
                                       if (!record) return false;
                                       *response.add_entitlements() = *record;
                                       return true;
                                     }));
  return response;
}

absl::StatusOr<v1::ListUnderpaidResponse> SubsidyApp::ListUnderpaid(const auth::Caller& caller,
                                                                    const v1::ListUnderpaidRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  RETURN_IF_ERROR(RequireSemester(request.semester()));
  ASSIGN_OR_RETURN(std::string prefix,
                   EntitlementScopePrefix(caller, request.semester(), request.school_code(), request.county_code()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::ListUnderpaidResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(
          *store_, prefix, request.page_token(), page_size,
          [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
            const auto [school, student] = keys::SchoolAndStudentOf(key);
            ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::EntitlementRecord>(
                                              *store_, keys::Entitlement(student, request.semester(), school)));
            ASSIGN_OR_RETURN(auto upstream, storage::LoadRow<v1::UpstreamStudent>(*store_, keys::UpStudent(student)));
            if (!record || !upstream) return false;
            std::optional<v1::Underpayment> under = UnderpaymentOf(*record, *upstream);
            if (!under) return false;
            *response.add_underpaid() = *std::move(under);
            return true;
          }));
  return response;
}

absl::StatusOr<v1::GetEntitlementTotalsResponse> SubsidyApp::GetEntitlementTotals(
    const auth::Caller& caller, const v1::GetEntitlementTotalsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(std::string index,
                   EntitlementScopePrefix(caller, request.semester(), request.school_code(), request.county_code()));
  // Totals rows are "tot/<semester>/<county>/<school>"; the index prefix says
  // which county (or school) the caller asked for.
  std::string prefix = keys::SchoolTotalsPrefix(request.semester());
  std::string only_school;
  if (!request.school_code().empty()) {
    only_school = request.school_code();
  } else {
    prefix += index.substr(keys::EntitlementCountyRoot(request.semester()).size());
  }
  v1::GetEntitlementTotalsResponse response;
  v1::EntitlementTotals& sum = *response.mutable_totals();
  absl::Status failure;
  RETURN_IF_ERROR(store_->Scan(prefix, "", [&](const std::string& key, const std::string& value) {
    const std::string rest = key.substr(keys::SchoolTotalsPrefix(request.semester()).size());
    const std::string county = rest.substr(0, rest.find('/'));
    const std::string school = rest.substr(rest.find('/') + 1);
    if (!only_school.empty() && school != only_school) return true;
    if (!auth::CoversSchool(caller, county, school)) return true;
    absl::StatusOr<v1::EntitlementTotals> totals = Parse<v1::EntitlementTotals>(key, value);
    if (!totals.ok()) {
      failure = totals.status();
      return false;
    }
    v1::SchoolTotals* row = response.add_schools();
    row->set_school_code(school);
    row->set_county_code(county);
    *row->mutable_totals() = *totals;
    sum.set_entitlements(sum.entitlements() + totals->entitlements());
    sum.set_amount_fen(sum.amount_fen() + totals->amount_fen());
    sum.set_payable_fen(sum.payable_fen() + totals->payable_fen());
    sum.set_registered_poor(sum.registered_poor() + totals->registered_poor());
    std::map<int, int64_t> by_source;
    for (const v1::ShareAmount& part : sum.payable_shares()) by_source[part.source()] += part.fen();
    for (const v1::ShareAmount& part : totals->payable_shares()) by_source[part.source()] += part.fen();
    sum.clear_payable_shares();
    for (const auto& [source, fen] : by_source) {
      v1::ShareAmount* part = sum.add_payable_shares();
      part->set_source(static_cast<v1::FundSource>(source));
      part->set_fen(fen);
    }
    return true;
  }));
  RETURN_IF_ERROR(failure);
  return response;
}

absl::StatusOr<v1::WhatIfResponse> SubsidyApp::WhatIf(const auth::Caller& caller,
                                                      const v1::WhatIfRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  ASSIGN_OR_RETURN(v1::PolicyRecord draft, LoadPolicyRecord(request.draft_version()));
  ASSIGN_OR_RETURN(Semester semester, ParseSemester("semester", request.semester()));
  ASSIGN_OR_RETURN(std::string prefix,
                   EntitlementScopePrefix(caller, request.semester(), request.school_code(), request.county_code()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::WhatIfResponse response;
  std::map<std::string, int> versions;
  std::string last_key;
  absl::Status failure;
  RETURN_IF_ERROR(store_->Scan(prefix, "", [&](const std::string& key, const std::string&) {
    const auto [school, student] = keys::SchoolAndStudentOf(key);
    absl::StatusOr<std::optional<v1::EntitlementRecord>> record =
        storage::LoadRow<v1::EntitlementRecord>(*store_, keys::Entitlement(student, request.semester(), school));
    if (!record.ok()) {
      failure = record.status();
      return false;
    }
    if (!*record) return true;
    const v1::Entitlement& approved = (*record)->entitlement();
    if (!auth::CoversSchool(caller, approved.county_code(), approved.school_code())) return true;
    ++versions[approved.policy_version()];
    const v1::PolicyRule* rule = FindRule(draft.policy(), approved.facts(), approved.tier());
    int64_t draft_fen = 0;
    if (rule != nullptr) {
      absl::StatusOr<v1::Entitlement> recomputed =
          ComputeEntitlement(draft.policy(), semester, approved.facts(), approved.tier(), approved.accrues_from());
      if (recomputed.ok()) draft_fen = recomputed->amount_fen();
    }
    response.set_students(response.students() + 1);
    response.set_approved_total_fen(response.approved_total_fen() + approved.amount_fen());
    response.set_draft_total_fen(response.draft_total_fen() + draft_fen);
    if (draft_fen == approved.amount_fen() && rule != nullptr && rule->rule_id() == approved.rule_id()) return true;
    response.set_students_changed(response.students_changed() + 1);
    if (key <= request.page_token() || response.differences_size() >= page_size) {
      if (response.differences_size() >= page_size && response.next_page_token().empty()) {
        response.set_next_page_token(last_key);
      }
      return true;
    }
    v1::StudentDifference* difference = response.add_differences();
    difference->set_student_id(student);
    difference->set_school_code(approved.school_code());
    difference->set_name_masked(approved.facts().name_masked());
    difference->set_approved_rule_id(approved.rule_id());
    difference->set_approved_fen(approved.amount_fen());
    difference->set_draft_rule_id(rule != nullptr ? rule->rule_id() : "");
    difference->set_draft_fen(draft_fen);
    difference->set_difference_fen(draft_fen - approved.amount_fen());
    last_key = key;
    return true;
  }));
  RETURN_IF_ERROR(failure);
  response.set_difference_fen(response.draft_total_fen() - response.approved_total_fen());
  std::string names;
  for (const auto& [version, count] : versions) absl::StrAppend(&names, names.empty() ? "" : ", ", version);
  response.set_approved_versions(names);
  return response;
}

}  // namespace zizhu::subsidy
