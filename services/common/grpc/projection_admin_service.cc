#include "services/common/grpc/projection_admin_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc/status_convert.h"

namespace zizhu {

grpc::Status ProjectionAdminService::RebuildProjection(grpc::ServerContext*,
                                                       const common::v1::RebuildProjectionRequest*,
                                                       common::v1::RebuildProjectionResponse* response) {
  absl::Time start = absl::Now();
  absl::StatusOr<int64_t> applied = processor_->Rebuild();
  if (!applied.ok()) return ToGrpcStatus(applied.status());
  absl::StatusOr<storage::StoreChecksum> checksum = store_->Checksum();
  if (!checksum.ok()) return ToGrpcStatus(checksum.status());
  response->set_events_applied(*applied);
  response->set_checksum(checksum->hex);
  response->set_duration_ms(absl::ToInt64Milliseconds(absl::Now() - start));
  return grpc::Status::OK;
}

grpc::Status ProjectionAdminService::GetProjectionChecksum(grpc::ServerContext*,
                                                           const common::v1::GetProjectionChecksumRequest*,
                                                           common::v1::GetProjectionChecksumResponse* response) {
  // Exclusive so that no batch is half-way between append and commit.
  absl::StatusOr<storage::StoreChecksum> checksum = absl::InternalError("not computed");
  absl::StatusOr<es::OffsetMap> offsets = absl::InternalError("not read");
  absl::Status status = processor_->RunExclusive([&] {
    checksum = store_->Checksum();
    offsets = store_->LoadAppliedOffsets(topic_);
    return absl::OkStatus();
  });
  if (!status.ok()) return ToGrpcStatus(status);
  if (!checksum.ok()) return ToGrpcStatus(checksum.status());
  if (!offsets.ok()) return ToGrpcStatus(offsets.status());
  response->set_checksum(checksum->hex);
  response->set_keys(checksum->keys);
  for (const auto& [partition, offset] : *offsets) {
    response->add_applied_offsets(absl::StrCat(partition, ":", offset.value()));
  }
  return grpc::Status::OK;
}

}  // namespace zizhu
