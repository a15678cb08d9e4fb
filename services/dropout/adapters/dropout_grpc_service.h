// gRPC adapter of zizhu.dropout.v1.DropoutService: one line per RPC, naming
// its row of DropoutApp's table (see services/common/grpc/unary.h).
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
    return Call(c, q, r, &DropoutApp::open_case);
  }
  Reactor* AssignTeam(Ctx* c, const v1::AssignTeamRequest* q, v1::AssignTeamResponse* r) override {
    return Call(c, q, r, &DropoutApp::assign_team);
  }
  Reactor* RecordVisit(Ctx* c, const v1::RecordVisitRequest* q, v1::RecordVisitResponse* r) override {
    return Call(c, q, r, &DropoutApp::record_visit);
  }
  Reactor* RecordExemption(Ctx* c, const v1::RecordExemptionRequest* q, v1::RecordExemptionResponse* r) override {
    return Call(c, q, r, &DropoutApp::record_exemption);
  }
  Reactor* CrossOffCase(Ctx* c, const v1::CrossOffCaseRequest* q, v1::CrossOffCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::cross_off_case);
  }
  Reactor* ReopenCase(Ctx* c, const v1::ReopenCaseRequest* q, v1::ReopenCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::reopen_case);
  }
  Reactor* GetCase(Ctx* c, const v1::GetCaseRequest* q, v1::GetCaseResponse* r) override {
    return Call(c, q, r, &DropoutApp::get_case);
  }
  Reactor* ListCases(Ctx* c, const v1::ListCasesRequest* q, v1::ListCasesResponse* r) override {
    return Call(c, q, r, &DropoutApp::list_cases);
  }
  Reactor* GetRates(Ctx* c, const v1::GetRatesRequest* q, v1::GetRatesResponse* r) override {
    return Call(c, q, r, &DropoutApp::get_rates);
  }
  Reactor* RecordLeftBehindCard(Ctx* c, const v1::RecordLeftBehindCardRequest* q,
                                v1::RecordLeftBehindCardResponse* r) override {
    return Call(c, q, r, &DropoutApp::record_left_behind_card);
  }
  Reactor* ListLeftBehindChildren(Ctx* c, const v1::ListLeftBehindChildrenRequest* q,
                                  v1::ListLeftBehindChildrenResponse* r) override {
    return Call(c, q, r, &DropoutApp::list_left_behind_children);
  }
};

}  // namespace zizhu::dropout
