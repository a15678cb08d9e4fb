// The HTTP status of a gRPC status (the usual mapping of google.rpc codes):
// INVALID_ARGUMENT and FAILED_PRECONDITION 400, UNAUTHENTICATED 401,
// PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS and ABORTED 409,
// RESOURCE_EXHAUSTED 429, UNIMPLEMENTED 501, UNAVAILABLE 503,
// DEADLINE_EXCEEDED 504, anything else 500.
#pragma once

#include <grpcpp/support/status.h>

namespace zizhu::gateway {

int HttpStatusOf(grpc::StatusCode code);
// "NOT_FOUND" ...
const char* CodeName(grpc::StatusCode code);

}  // namespace zizhu::gateway
