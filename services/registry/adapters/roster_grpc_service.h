// gRPC adapter of roster imports and the cross-match queues (callback API).
#pragma once

#include "services/registry/app/roster_app.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::registry {

class RosterGrpcService final : public v1::RosterService::CallbackService {
 public:
  explicit RosterGrpcService(RosterApp* app) : app_(app) {}
  grpc::ServerUnaryReactor* StartRosterImport(grpc::CallbackServerContext* ctx, const v1::StartRosterImportRequest* req,
                                              v1::StartRosterImportResponse* resp) override;
  grpc::ServerUnaryReactor* AppendRosterRows(grpc::CallbackServerContext* ctx, const v1::AppendRosterRowsRequest* req,
                                             v1::AppendRosterRowsResponse* resp) override;
  grpc::ServerUnaryReactor* CompleteRosterImport(grpc::CallbackServerContext* ctx,
                                                 const v1::CompleteRosterImportRequest* req,
                                                 v1::CompleteRosterImportResponse* resp) override;
  grpc::ServerUnaryReactor* GetRosterImport(grpc::CallbackServerContext* ctx, const v1::GetRosterImportRequest* req,
                                            v1::GetRosterImportResponse* resp) override;
  grpc::ServerUnaryReactor* RunCrossMatch(grpc::CallbackServerContext* ctx, const v1::RunCrossMatchRequest* req,
                                          v1::RunCrossMatchResponse* resp) override;
  grpc::ServerUnaryReactor* GetMatchSummary(grpc::CallbackServerContext* ctx, const v1::GetMatchSummaryRequest* req,
                                            v1::GetMatchSummaryResponse* resp) override;
  grpc::ServerUnaryReactor* ListMatchResults(grpc::CallbackServerContext* ctx, const v1::ListMatchResultsRequest* req,
                                             v1::ListMatchResultsResponse* resp) override;

 private:
  RosterApp* app_;
};

}  // namespace zizhu::registry
