#include "services/registry/adapters/integration_grpc_service.h"

#include "services/common/grpc/status_convert.h"
#include "services/common/grpc/unary.h"

namespace zizhu::registry {
namespace {

std::string Metadata(grpc::CallbackServerContext* ctx, const char* name) {
  auto range = ctx->client_metadata().equal_range(name);
  if (range.first == range.second) return "";
  return std::string(range.first->second.data(), range.first->second.size());
}

}  // namespace

absl::StatusOr<std::pair<std::string, AgencyDirectory::Grant>> IntegrationGrpcService::Caller(
    grpc::CallbackServerContext* ctx) const {
  std::string agency = Metadata(ctx, "x-zizhu-agency");
  absl::StatusOr<AgencyDirectory::Grant> grant = agencies_->Authenticate(agency, Metadata(ctx, "x-zizhu-agency-key"));
  if (!grant.ok()) return grant.status();
  return std::make_pair(agency, *grant);
}

grpc::ServerUnaryReactor* IntegrationGrpcService::PushRosterChanges(
    grpc::CallbackServerContext* ctx, const integration::v1::PushRosterChangesRequest* req,
    integration::v1::PushRosterChangesResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto caller = Caller(ctx);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (absl::Status checked = grpc_kit::CheckCall(ctx, *req); !checked.ok()) {
    reactor->Finish(ToGrpcStatus(checked));
    return reactor;
  }
  app_->PushRosterChanges(caller->first, caller->second, req->request_id(),
                          {req->changes().begin(), req->changes().end()},
                          [reactor, resp](absl::StatusOr<RosterApp::PushResult> result) {
                            if (result.ok()) {
                              resp->set_import_id(result->import_id);
                              resp->set_applied(result->rows.applied());
                              *resp->mutable_rejected() = result->rows.rejected();
                            }
                            reactor->Finish(ToGrpcStatus(result.status()));
                          });
  return reactor;
}

grpc::ServerUnaryReactor* IntegrationGrpcService::PullMatchResults(grpc::CallbackServerContext* ctx,
                                                                   const integration::v1::PullMatchResultsRequest* req,
                                                                   integration::v1::PullMatchResultsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto caller = Caller(ctx);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  v1::ListMatchResultsRequest list;
  list.set_category(req->category());
  list.set_county(req->county());
  list.set_page_size(req->page_size());
  list.set_page_token(req->page_token());
  absl::StatusOr<v1::ListMatchResultsResponse> results = app_->ListMatchResultsOfAgency(list, caller->second);
  if (results.ok()) {
    *resp->mutable_results() = std::move(*results->mutable_results());
    resp->set_next_page_token(results->next_page_token());
  }
  reactor->Finish(ToGrpcStatus(results.status()));
  return reactor;
}

}  // namespace zizhu::registry
