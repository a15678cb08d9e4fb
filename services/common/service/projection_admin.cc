#include "services/common/service/projection_admin.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/auth/access.h"
#include "services/common/grpc/status_convert.h"
#include "services/common/grpc/unary.h"

namespace zizhu::service {
namespace {

template <typename Repeated>
void AddOffsets(const es::OffsetMap& offsets, Repeated* out) {
  for (const auto& [partition, offset] : offsets) out->Add(absl::StrCat(partition, ":", offset.value()));
}

}  // namespace

grpc::Status ProjectionAdmin::Authorize(const grpc::ServerContext& context) const {
  absl::StatusOr<auth::Caller> caller = authenticator_->Authenticate(grpc_kit::AuthorizationOf(context));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(auth::RequireCityWide(*caller, auth::kAdminister, city_));
}

grpc::Status ProjectionAdmin::RebuildProjection(grpc::ServerContext* context,
                                                const common::v1::RebuildProjectionRequest*,
                                                common::v1::RebuildProjectionResponse* response) {
  if (grpc::Status allowed = Authorize(*context); !allowed.ok()) return allowed;
  absl::Time start = absl::Now();
  absl::StatusOr<int64_t> applied = host_->Rebuild();
  if (!applied.ok()) return ToGrpcStatus(applied.status());
  absl::StatusOr<storage::StoreChecksum> checksum = absl::InternalError("not computed");
  absl::Status status = host_->processor().RunExclusive([&] {
    checksum = host_->store().Checksum();
    return absl::OkStatus();
  });
  if (!status.ok()) return ToGrpcStatus(status);
  if (!checksum.ok()) return ToGrpcStatus(checksum.status());
  response->set_events_applied(*applied);
  response->set_checksum(checksum->hex);
  response->set_duration_ms(absl::ToInt64Milliseconds(absl::Now() - start));
  return grpc::Status::OK;
}

grpc::Status ProjectionAdmin::GetProjectionChecksum(grpc::ServerContext* context,
                                                    const common::v1::GetProjectionChecksumRequest*,
                                                    common::v1::GetProjectionChecksumResponse* response) {
  if (grpc::Status allowed = Authorize(*context); !allowed.ok()) return allowed;
  // Exclusive so that no batch is half-way between append and commit.
  absl::StatusOr<storage::StoreChecksum> checksum = absl::InternalError("not computed");
  absl::StatusOr<es::OffsetMap> offsets = absl::InternalError("not read");
  absl::Status status = host_->processor().RunExclusive([&] {
    checksum = host_->store().Checksum();
    offsets = host_->store().LoadAppliedOffsets(host_->topic());
    return absl::OkStatus();
  });
  if (!status.ok()) return ToGrpcStatus(status);
  if (!checksum.ok()) return ToGrpcStatus(checksum.status());
  if (!offsets.ok()) return ToGrpcStatus(offsets.status());
  response->set_checksum(checksum->hex);
  response->set_keys(checksum->keys);
  AddOffsets(*offsets, response->mutable_applied_offsets());
  return grpc::Status::OK;
}

grpc::Status ProjectionAdmin::ListSubscriptions(grpc::ServerContext* context,
                                                const common::v1::ListSubscriptionsRequest*,
                                                common::v1::ListSubscriptionsResponse* response) {
  if (grpc::Status allowed = Authorize(*context); !allowed.ok()) return allowed;
  for (const es::SubscriptionStatus& s : host_->Subscriptions()) {
    common::v1::Subscription* out = response->add_subscriptions();
    out->set_topic(s.topic);
    out->set_lag_records(s.lag_records);
    out->set_applied_events(s.applied_events);
    out->set_reactions(s.reactions);
    out->set_reactions_refused(s.reactions_refused);
    out->set_skipped_events(s.skipped_events);
    AddOffsets(s.applied_offsets, out->mutable_applied_offsets());
    out->set_last_error(s.last_error);
  }
  return grpc::Status::OK;
}

}  // namespace zizhu::service
