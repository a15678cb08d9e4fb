// gRPC ProjectionAdmin for any service: rebuild the projection from offset 0
// and report its checksum. Thin adapter over CommandProcessor/ProjectionStore.
#pragma once

#include "services/common/es/command_processor.h"
#include "services/common/storage/projection_store.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"

namespace zizhu {

class ProjectionAdminService final : public common::v1::ProjectionAdmin::Service {
 public:
  ProjectionAdminService(es::CommandProcessor* processor, storage::ProjectionStore* store, std::string topic)
      : processor_(processor), store_(store), topic_(std::move(topic)) {}

  grpc::Status RebuildProjection(grpc::ServerContext* context, const common::v1::RebuildProjectionRequest* request,
                                 common::v1::RebuildProjectionResponse* response) override;
  grpc::Status GetProjectionChecksum(grpc::ServerContext* context,
                                     const common::v1::GetProjectionChecksumRequest* request,
                                     common::v1::GetProjectionChecksumResponse* response) override;

 private:
  es::CommandProcessor* processor_;
  storage::ProjectionStore* store_;
  std::string topic_;
};

}  // namespace zizhu
