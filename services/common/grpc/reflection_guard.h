// ReflectionGuard: gRPC server reflection lists every service, method and
// message of a server. Only a caller with a valid token is shown them
// (grpcurl: -H 'authorization: Bearer <token>'); anyone else gets, in place
// of each answer, the reflection protocol's own error response and the call
// ends UNAUTHENTICATED (probe finding 11: reflection answered callers
// without a token). The handler still runs — gRPC 1.51's server interceptors
// cannot refuse a call before it — but what it answers never leaves.
//
// Lifecycle: one factory per server, given to the ServerBuilder; it and the
// authenticator outlive the server. The interceptors it makes live for one
// call each; gRPC calls them on one thread at a time per call.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include "services/common/auth/authenticator.h"

namespace zizhu::grpc_kit {

class ReflectionGuardFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ReflectionGuardFactory(const auth::Authenticator* authenticator) : authenticator_(authenticator) {}
  // An interceptor for reflection calls; none (nullptr) for every other call.
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  const auth::Authenticator* authenticator_;
};

}  // namespace zizhu::grpc_kit
