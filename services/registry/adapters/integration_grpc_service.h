// gRPC adapter of zizhu.integration.v1.AgencyIntegrationService: authenticates the
// calling agency from metadata, then calls RosterApp scoped to its source.
#pragma once

#include "services/registry/app/agency_directory.h"
#include "services/registry/app/roster_app.h"
#include "zizhu/integration/v1/integration_service.grpc.pb.h"

namespace zizhu::registry {

class IntegrationGrpcService final : public integration::v1::AgencyIntegrationService::CallbackService {
 public:
  IntegrationGrpcService(RosterApp* app, const AgencyDirectory* agencies) : app_(app), agencies_(agencies) {}
  grpc::ServerUnaryReactor* PushRosterChanges(grpc::CallbackServerContext* ctx,
                                              const integration::v1::PushRosterChangesRequest* req,
                                              integration::v1::PushRosterChangesResponse* resp) override;
  grpc::ServerUnaryReactor* PullMatchResults(grpc::CallbackServerContext* ctx,
                                             const integration::v1::PullMatchResultsRequest* req,
                                             integration::v1::PullMatchResultsResponse* resp) override;

 private:
  // The caller's agency id and roster source.
  absl::StatusOr<std::pair<std::string, AgencyDirectory::Grant>> Caller(grpc::CallbackServerContext* ctx) const;
  RosterApp* app_;
  const AgencyDirectory* agencies_;
};

}  // namespace zizhu::registry
