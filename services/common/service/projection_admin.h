// zizhu.common.v1.ProjectionAdminService for any service hosted by
// ServiceHost: rebuild, checksum, subscription lag. Thin adapter.
#pragma once

#include "services/common/auth/authenticator.h"
#include "services/common/service/service_host.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"

namespace zizhu::service {

class ProjectionAdmin final : public common::v1::ProjectionAdminService::Service {
 public:
  ProjectionAdmin(ServiceHost* host, const auth::Authenticator* authenticator, std::string city)
      : host_(host), authenticator_(authenticator), city_(std::move(city)) {}

  grpc::Status RebuildProjection(grpc::ServerContext* context, const common::v1::RebuildProjectionRequest* request,
                                 common::v1::RebuildProjectionResponse* response) override;
  grpc::Status GetProjectionChecksum(grpc::ServerContext* context,
                                     const common::v1::GetProjectionChecksumRequest* request,
                                     common::v1::GetProjectionChecksumResponse* response) override;
  grpc::Status ListSubscriptions(grpc::ServerContext* context, const common::v1::ListSubscriptionsRequest* request,
                                 common::v1::ListSubscriptionsResponse* response) override;

 private:
  // OK when the call's caller may administer the service.
  grpc::Status Authorize(const grpc::ServerContext& context) const;
  ServiceHost* host_;
  const auth::Authenticator* authenticator_;
  std::string city_;
};

}  // namespace zizhu::service
