// SubsidyApp: the subsidy service's application layer — one method per RPC
// of zizhu.subsidy.v1.SubsidyService, each taking the verified caller first.
// Commands check the role (auth::Require) and the scope (the round's school
// must be covered; outside it NOT_FOUND) and run one decision through the
// kit's command path; queries read the projection and filter by scope.
//
// Who may do what: policy versions — the deployment's city administrators;
// opening a round with its quota and approving it — county officers and city
// administrators (the education bureau); applications, coverage reasons,
// the notice and objections — the school's operator (and county or city);
// reviews — the school's reviewers (the working group).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <string>

#include "services/common/auth/access.h"
#include "services/common/es/commands.h"
#include "services/subsidy/app/subsidy_projection.h"
#include "zizhu/subsidy/v1/subsidy_service.pb.h"

namespace zizhu::subsidy {

class SubsidyApp {
 public:
  SubsidyApp(es::Commands* commands, storage::ProjectionStore* store, std::string city)
      : commands_(commands), store_(store), city_(std::move(city)) {}

  void LoadPolicy(const auth::Caller& caller, const v1::LoadPolicyRequest& request,
                  Callback<v1::LoadPolicyResponse> done);
  void PublishPolicyVersion(const auth::Caller& caller, const v1::PublishPolicyVersionRequest& request,
                            Callback<v1::PublishPolicyVersionResponse> done);
  void OpenRound(const auth::Caller& caller, const v1::OpenRoundRequest& request, Callback<v1::OpenRoundResponse> done);
  void SubmitApplications(const auth::Caller& caller, const v1::SubmitApplicationsRequest& request,
                          Callback<v1::SubmitApplicationsResponse> done);
  void RecordCoverageReasons(const auth::Caller& caller, const v1::RecordCoverageReasonsRequest& request,
                             Callback<v1::RecordCoverageReasonsResponse> done);
  void ReviewApplications(const auth::Caller& caller, const v1::ReviewApplicationsRequest& request,
                          Callback<v1::ReviewApplicationsResponse> done);
  void PublishNotice(const auth::Caller& caller, const v1::PublishNoticeRequest& request,
                     Callback<v1::PublishNoticeResponse> done);
  void RaiseObjection(const auth::Caller& caller, const v1::RaiseObjectionRequest& request,
                      Callback<v1::RaiseObjectionResponse> done);
  void ResolveObjection(const auth::Caller& caller, const v1::ResolveObjectionRequest& request,
                        Callback<v1::ResolveObjectionResponse> done);
  void ApproveRound(const auth::Caller& caller, const v1::ApproveRoundRequest& request,
                    Callback<v1::ApproveRoundResponse> done);
  void DisqualifyStudent(const auth::Caller& caller, const v1::DisqualifyStudentRequest& request,
                         Callback<v1::DisqualifyStudentResponse> done);

  absl::StatusOr<v1::GetPolicyResponse> GetPolicy(const auth::Caller& caller,
                                                  const v1::GetPolicyRequest& request) const;
  absl::StatusOr<v1::ListPoliciesResponse> ListPolicies(const auth::Caller& caller,
                                                        const v1::ListPoliciesRequest& request) const;
  absl::StatusOr<v1::GetRoundResponse> GetRound(const auth::Caller& caller, const v1::GetRoundRequest& request) const;
  absl::StatusOr<v1::ListRoundsResponse> ListRounds(const auth::Caller& caller,
                                                    const v1::ListRoundsRequest& request) const;
  absl::StatusOr<v1::ListApplicationsResponse> ListApplications(const auth::Caller& caller,
                                                                const v1::ListApplicationsRequest& request) const;
  absl::StatusOr<v1::ListCoverageTodoResponse> ListCoverageTodo(const auth::Caller& caller,
                                                                const v1::ListCoverageTodoRequest& request) const;
  absl::StatusOr<v1::ListObjectionsResponse> ListObjections(const auth::Caller& caller,
                                                            const v1::ListObjectionsRequest& request) const;
  absl::StatusOr<v1::GetNoticeListResponse> GetNoticeList(const auth::Caller& caller,
                                                          const v1::GetNoticeListRequest& request) const;
  absl::StatusOr<v1::ListEntitlementsResponse> ListEntitlements(const auth::Caller& caller,
                                                                const v1::ListEntitlementsRequest& request) const;
  // Entitlements of the semester in scope paying less than the pupil's days
  // enrolled at the school entitle them to (domain/underpayment.h).
  void ResumeEntitlement(const auth::Caller& caller, const v1::ResumeEntitlementRequest& request,
                         Callback<v1::ResumeEntitlementResponse> done);
  absl::StatusOr<v1::ListUnderpaidResponse> ListUnderpaid(const auth::Caller& caller,
                                                          const v1::ListUnderpaidRequest& request) const;
  absl::StatusOr<v1::GetEntitlementTotalsResponse> GetEntitlementTotals(
      const auth::Caller& caller, const v1::GetEntitlementTotalsRequest& request) const;
  absl::StatusOr<v1::WhatIfResponse> WhatIf(const auth::Caller& caller, const v1::WhatIfRequest& request) const;

 private:
  // The round if the caller's scope covers its school; NOT_FOUND otherwise.
  absl::StatusOr<v1::RoundRecord> RoundInScope(const auth::Caller& caller, const std::string& round_id) const;
  absl::StatusOr<v1::PolicyRecord> LoadPolicyRecord(const std::string& version) const;
  // Runs a round command after the role and scope checks; answers `respond`.
  template <typename Response, typename Request>
  void RoundCommand(
      const auth::Caller& caller, const auth::Action& action, const Request& request, const std::string& round_id,
      es::DecideFn decide,
      std::function<absl::StatusOr<Response>(const common::v1::CommandOutcome&, const v1::RoundRecord&)> respond,
      Callback<Response> done);
  // The entitlement index prefix a listing walks, after the scope checks.
  absl::StatusOr<std::string> EntitlementScopePrefix(const auth::Caller& caller, const std::string& semester,
                                                     const std::string& school_code,
                                                     const std::string& county_code) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  std::string city_;
};

}  // namespace zizhu::subsidy
