// gRPC adapter of zizhu.registry.v1.RosterService: one line per RPC naming
// the RosterApp method that serves it.
#pragma once

#include "services/common/grpc/unary.h"
#include "services/registry/app/roster_app.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::registry {

class RosterGrpcService final : public v1::RosterService::CallbackService, public grpc_kit::Endpoint<RosterApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* StartRosterImport(Ctx* c, const v1::StartRosterImportRequest* q, v1::StartRosterImportResponse* r) override {
    return Call(c, q, r, &RosterApp::StartRosterImport);
  }
  Reactor* AppendRosterRows(Ctx* c, const v1::AppendRosterRowsRequest* q, v1::AppendRosterRowsResponse* r) override {
    return Call(c, q, r, &RosterApp::AppendRosterRows);
  }
  Reactor* CompleteRosterImport(Ctx* c, const v1::CompleteRosterImportRequest* q,
                                v1::CompleteRosterImportResponse* r) override {
    return Call(c, q, r, &RosterApp::CompleteRosterImport);
  }
  Reactor* GetRosterImport(Ctx* c, const v1::GetRosterImportRequest* q, v1::GetRosterImportResponse* r) override {
    return Call(c, q, r, &RosterApp::GetRosterImport);
  }
  Reactor* RunCrossMatch(Ctx* c, const v1::RunCrossMatchRequest* q, v1::RunCrossMatchResponse* r) override {
    return Call(c, q, r, &RosterApp::RunCrossMatch);
  }
  Reactor* GetMatchSummary(Ctx* c, const v1::GetMatchSummaryRequest* q, v1::GetMatchSummaryResponse* r) override {
    return Call(c, q, r, &RosterApp::GetMatchSummary);
  }
  Reactor* ListMatchResults(Ctx* c, const v1::ListMatchResultsRequest* q, v1::ListMatchResultsResponse* r) override {
    return Call(c, q, r, &RosterApp::ListMatchResults);
  }
};

}  // namespace zizhu::registry
