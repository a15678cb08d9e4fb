// gRPC adapter of zizhu.dropout.v1.DropoutService: one line per RPC (see
// services/common/grpc/unary.h).
#pragma once

#include "services/common/grpc/unary.h"
#include "services/dropout/app/dropout_app.h"
#include "zizhu/dropout/v1/dropout_service.grpc.pb.h"

namespace zizhu::dropout {

class DropoutGrpcService final : public v1::DropoutService::CallbackService, public grpc_kit::Endpoint<DropoutApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* OpenCase(Ctx* c, const v1::OpenCaseRequest* q, v1::OpenCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::OpenCase);
  }
  Reactor* AssignTeam(Ctx* c, const v1::AssignTeamRequest* q, v1::AssignTeamResponse* r) override {
    return Call(c, q, r, &DropoutApp::AssignTeam);
  }
  Reactor* RecordVisit(Ctx* c, const v1::RecordVisitRequest* q, v1::RecordVisitResponse* r) override {
    return Call(c, q, r, &DropoutApp::RecordVisit);
  }
  Reactor* RecordExemption(Ctx* c, const v1::RecordExemptionRequest* q, v1::RecordExemptionResponse* r) override {
    return Call(c, q, r, &DropoutApp::RecordExemption);
  }
  Reactor* CrossOffCase(Ctx* c, const v1::CrossOffCaseRequest* q, v1::CrossOffCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::CrossOffCase);
  }
  Reactor* ReopenCase(Ctx* c, const v1::ReopenCaseRequest* q, v1::ReopenCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::ReopenCase);
  }
  Reactor* GetCase(Ctx* c, const v1::GetCaseRequest* q, v1::GetCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::GetCase);
  }
  Reactor* ListCases(Ctx* c, const v1::ListCasesRequest* q, v1::ListCasesResponse* r) override {
    return Call(c, q, r, &DropoutApp::ListCases);
  }
  Reactor* GetRates(Ctx* c, const v1::GetRatesRequest* q, v1::GetRatesResponse* r) override {
    return Call(c, q, r, &DropoutApp::GetRates);
  }
  Reactor* RecordLeftBehindCard(Ctx* c, const v1::RecordLeftBehindCardRequest* q,
                                v1::RecordLeftBehindCardResponse* r) override {
    return Call(c, q, r, &DropoutApp::RecordLeftBehindCard);
  }
  Reactor* ListLeftBehindChildren(Ctx* c, const v1::ListLeftBehindChildrenRequest* q,
                                  v1::ListLeftBehindChildrenResponse* r) override {
    return Call(c, q, r, &DropoutApp::ListLeftBehindChildren);
  }
};

}  // namespace zizhu::dropout
