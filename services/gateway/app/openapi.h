// The OpenAPI 3 description of the gateway's HTTP/JSON API, made from the
// services' own proto descriptors (so it always matches what is served):
// the session endpoints and POST /api/v1/<service>/<Method> for every unary
// method, with the request and response schemas of protobuf's JSON mapping.
#pragma once

#include <string>

#include "services/gateway/app/rpc_bridge.h"

namespace zizhu::gateway {

std::string OpenApiJson(const RpcBridge& bridge);

}  // namespace zizhu::gateway
