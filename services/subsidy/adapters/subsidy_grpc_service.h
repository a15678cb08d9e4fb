// gRPC adapter of zizhu.subsidy.v1.SubsidyService: one line per RPC (see
// services/common/grpc/unary.h); the Endpoint authenticates every call.
#pragma once

#include "services/common/grpc/unary.h"
#include "services/subsidy/app/subsidy_app.h"
#include "zizhu/subsidy/v1/subsidy_service.grpc.pb.h"

namespace zizhu::subsidy {

class SubsidyGrpcService final : public v1::SubsidyService::CallbackService, public grpc_kit::Endpoint<SubsidyApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* LoadPolicy(Ctx* c, const v1::LoadPolicyRequest* q, v1::LoadPolicyResponse* r) override {
    return Call(c, q, r, &SubsidyApp::LoadPolicy);
  }
  Reactor* PublishPolicyVersion(Ctx* c, const v1::PublishPolicyVersionRequest* q,
                                v1::PublishPolicyVersionResponse* r) override {
    return Call(c, q, r, &SubsidyApp::PublishPolicyVersion);
  }
  Reactor* GetPolicy(Ctx* c, const v1::GetPolicyRequest* q, v1::GetPolicyResponse* r) override {
    return Call(c, q, r, &SubsidyApp::GetPolicy);
  }
  Reactor* ListPolicies(Ctx* c, const v1::ListPoliciesRequest* q, v1::ListPoliciesResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListPolicies);
  }
  Reactor* OpenRound(Ctx* c, const v1::OpenRoundRequest* q, v1::OpenRoundResponse* r) override {
    return Call(c, q, r, &SubsidyApp::OpenRound);
  }
  Reactor* SubmitApplications(Ctx* c, const v1::SubmitApplicationsRequest* q,
                              v1::SubmitApplicationsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::SubmitApplications);
  }
  Reactor* RecordCoverageReasons(Ctx* c, const v1::RecordCoverageReasonsRequest* q,
                                 v1::RecordCoverageReasonsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::RecordCoverageReasons);
  }
  Reactor* ReviewApplications(Ctx* c, const v1::ReviewApplicationsRequest* q,
                              v1::ReviewApplicationsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ReviewApplications);
  }
  Reactor* PublishNotice(Ctx* c, const v1::PublishNoticeRequest* q, v1::PublishNoticeResponse* r) override {
    return Call(c, q, r, &SubsidyApp::PublishNotice);
  }
  Reactor* RaiseObjection(Ctx* c, const v1::RaiseObjectionRequest* q, v1::RaiseObjectionResponse* r) override {
    return Call(c, q, r, &SubsidyApp::RaiseObjection);
  }
  Reactor* ResolveObjection(Ctx* c, const v1::ResolveObjectionRequest* q, v1::ResolveObjectionResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ResolveObjection);
  }
  Reactor* ApproveRound(Ctx* c, const v1::ApproveRoundRequest* q, v1::ApproveRoundResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ApproveRound);
  }
  Reactor* DisqualifyStudent(Ctx* c, const v1::DisqualifyStudentRequest* q, v1::DisqualifyStudentResponse* r) override {
    return Call(c, q, r, &SubsidyApp::DisqualifyStudent);
  }
  Reactor* ResumeEntitlement(Ctx* c, const v1::ResumeEntitlementRequest* q, v1::ResumeEntitlementResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ResumeEntitlement);
  }
  Reactor* GetRound(Ctx* c, const v1::GetRoundRequest* q, v1::GetRoundResponse* r) override {
    return Call(c, q, r, &SubsidyApp::GetRound);
  }
  Reactor* ListRounds(Ctx* c, const v1::ListRoundsRequest* q, v1::ListRoundsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListRounds);
  }
  Reactor* ListApplications(Ctx* c, const v1::ListApplicationsRequest* q, v1::ListApplicationsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListApplications);
  }
  Reactor* ListCoverageTodo(Ctx* c, const v1::ListCoverageTodoRequest* q, v1::ListCoverageTodoResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListCoverageTodo);
  }
  Reactor* ListObjections(Ctx* c, const v1::ListObjectionsRequest* q, v1::ListObjectionsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListObjections);
  }
  Reactor* GetNoticeList(Ctx* c, const v1::GetNoticeListRequest* q, v1::GetNoticeListResponse* r) override {
    return Call(c, q, r, &SubsidyApp::GetNoticeList);
  }
  Reactor* ListEntitlements(Ctx* c, const v1::ListEntitlementsRequest* q, v1::ListEntitlementsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListEntitlements);
  }
  Reactor* ListUnderpaid(Ctx* c, const v1::ListUnderpaidRequest* q, v1::ListUnderpaidResponse* r) override {
    return Call(c, q, r, &SubsidyApp::ListUnderpaid);
  }
  Reactor* GetEntitlementTotals(Ctx* c, const v1::GetEntitlementTotalsRequest* q,
                                v1::GetEntitlementTotalsResponse* r) override {
    return Call(c, q, r, &SubsidyApp::GetEntitlementTotals);
  }
  Reactor* WhatIf(Ctx* c, const v1::WhatIfRequest* q, v1::WhatIfResponse* r) override {
    return Call(c, q, r, &SubsidyApp::WhatIf);
  }
};

}  // namespace zizhu::subsidy
