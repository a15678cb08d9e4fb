// gRPC adapter of zizhu.registry.v1.RosterService: one line per RPC naming
// the RosterApp method that serves it.
#pragma once

#include "services/common/grpc/unary.h"
#include "services/registry/app/roster_app.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::registry {

class RosterGrpcService final : public v1::RosterService::CallbackService {
 public:
  explicit RosterGrpcService(RosterApp* app) : app_(app) {}
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* StartRosterImport(Ctx* c, const v1::StartRosterImportRequest* q, v1::StartRosterImportResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::StartRosterImport);
  }
  Reactor* AppendRosterRows(Ctx* c, const v1::AppendRosterRowsRequest* q, v1::AppendRosterRowsResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::AppendRosterRows);
  }
  Reactor* CompleteRosterImport(Ctx* c, const v1::CompleteRosterImportRequest* q,
                                v1::CompleteRosterImportResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::CompleteRosterImport);
  }
  Reactor* GetRosterImport(Ctx* c, const v1::GetRosterImportRequest* q, v1::GetRosterImportResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::GetRosterImport);
  }
  Reactor* RunCrossMatch(Ctx* c, const v1::RunCrossMatchRequest* q, v1::RunCrossMatchResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::RunCrossMatch);
  }
  Reactor* GetMatchSummary(Ctx* c, const v1::GetMatchSummaryRequest* q, v1::GetMatchSummaryResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::GetMatchSummary);
  }
  Reactor* ListMatchResults(Ctx* c, const v1::ListMatchResultsRequest* q, v1::ListMatchResultsResponse* r) override {
    return grpc_kit::Unary(c, q, r, app_, &RosterApp::ListMatchResults);
  }

 private:
  RosterApp* app_;
};

}  // namespace zizhu::registry
