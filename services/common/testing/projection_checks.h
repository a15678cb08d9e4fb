// Checks every service test makes of its projection (header only).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "gtest/gtest.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"

namespace zizhu::testing_kit {

// A rebuild from offset 0 gives the same bytes as the projection kept live
// (ProjectionAdminService on `channel`, called as a caller who may
// administer).
inline ::testing::AssertionResult RebuildGivesTheLiveChecksum(const std::shared_ptr<grpc::Channel>& channel) {
  auto admin = common::v1::ProjectionAdminService::NewStub(channel);
  auto context = [] {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return ctx;
  };
  common::v1::GetProjectionChecksumResponse live;
  auto live_ctx = context();
  grpc::Status status = admin->GetProjectionChecksum(live_ctx.get(), {}, &live);
  if (!status.ok()) return ::testing::AssertionFailure() << "checksum: " << status.error_message();
  common::v1::RebuildProjectionResponse rebuilt;
  auto rebuild_ctx = context();
  status = admin->RebuildProjection(rebuild_ctx.get(), {}, &rebuilt);
  if (!status.ok()) return ::testing::AssertionFailure() << "rebuild: " << status.error_message();
  if (rebuilt.checksum() != live.checksum()) {
    return ::testing::AssertionFailure() << "rebuilt " << rebuilt.checksum() << " != live " << live.checksum();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace zizhu::testing_kit
