#include "services/registry/adapters/roster_grpc_service.h"

#include "services/common/grpc/unary_finish.h"

namespace zizhu::registry {
namespace {}  // namespace

grpc::ServerUnaryReactor* RosterGrpcService::StartRosterImport(grpc::CallbackServerContext* ctx,
                                                               const v1::StartRosterImportRequest* req,
                                                               v1::StartRosterImportResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->StartRosterImport(*req, Finisher<v1::StartRosterImportResponse>(
                                    reactor, [resp](v1::StartRosterImportResponse r) { *resp = std::move(r); }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::AppendRosterRows(grpc::CallbackServerContext* ctx,
                                                              const v1::AppendRosterRowsRequest* req,
                                                              v1::AppendRosterRowsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->AppendRosterRows(*req, Finisher<v1::AppendRosterRowsResponse>(
                                   reactor, [resp](v1::AppendRosterRowsResponse r) { *resp = std::move(r); }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::CompleteRosterImport(grpc::CallbackServerContext* ctx,
                                                                  const v1::CompleteRosterImportRequest* req,
                                                                  v1::CompleteRosterImportResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->CompleteRosterImport(*req, Finisher<v1::RosterImport>(reactor, [resp](v1::RosterImport r) {
    *resp->mutable_import() = std::move(r);
  }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::GetRosterImport(grpc::CallbackServerContext* ctx,
                                                             const v1::GetRosterImportRequest* req,
                                                             v1::GetRosterImportResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  Finisher<v1::RosterImport>(reactor, [resp](v1::RosterImport r) { *resp->mutable_import() = std::move(r); })(
      app_->GetRosterImport(req->import_id()));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::RunCrossMatch(grpc::CallbackServerContext* ctx,
                                                           const v1::RunCrossMatchRequest* req,
                                                           v1::RunCrossMatchResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->RunCrossMatch(*req, Finisher<v1::MatchSettings>(
                                reactor, [resp](v1::MatchSettings s) { *resp->mutable_settings() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::GetMatchSummary(grpc::CallbackServerContext* ctx,
                                                             const v1::GetMatchSummaryRequest* req,
                                                             v1::GetMatchSummaryResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  Finisher<v1::GetMatchSummaryResponse>(
      reactor, [resp](v1::GetMatchSummaryResponse r) { *resp = std::move(r); })(app_->GetMatchSummary(*req));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::ListMatchResults(grpc::CallbackServerContext* ctx,
                                                              const v1::ListMatchResultsRequest* req,
                                                              v1::ListMatchResultsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  Finisher<v1::ListMatchResultsResponse>(
      reactor, [resp](v1::ListMatchResultsResponse r) { *resp = std::move(r); })(app_->ListMatchResults(*req));
  return reactor;
}

}  // namespace zizhu::registry
