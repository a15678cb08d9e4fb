// absl::Status <-> grpc::Status. The numeric codes are identical; a refusal's
// reason (core/refusal.h) travels as google.rpc.Status details (the
// grpc-status-details-bin trailer) holding a google.rpc.ErrorInfo.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>

#include "absl/status/status.h"
#include "services/common/core/refusal.h"

namespace zizhu {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status);
  if (!info) return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
  common::v1::RpcStatus details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(kErrorInfoTypeUrl);
  any->set_value(info->SerializeAsString());
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      details.SerializeAsString());
}

// The reason a gRPC status carries in its details, if it carries one.
inline std::optional<common::v1::ErrorInfo> ErrorInfoOf(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  common::v1::RpcStatus details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.type_url() != kErrorInfoTypeUrl) continue;
    common::v1::ErrorInfo info;
    if (info.ParseFromString(any.value())) return info;
  }
  return std::nullopt;
}

}  // namespace zizhu
