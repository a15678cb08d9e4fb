// Finishing a callback-API unary RPC from an absl::StatusOr result: the value
// goes into the response through `set`, the status becomes the RPC status.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "services/common/grpc/status_convert.h"

namespace zizhu {

template <typename T, typename Set>
std::function<void(absl::StatusOr<T>)> Finisher(grpc::ServerUnaryReactor* reactor, Set set) {
  return [reactor, set](absl::StatusOr<T> result) {
    if (result.ok()) set(std::move(*result));
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

}  // namespace zizhu
