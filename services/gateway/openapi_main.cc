// zizhu-openapi: prints the gateway's OpenAPI description (the same the
// running gateway serves) without any service running. The console's typed
// client (console/src/api.gen.d.ts) and its enum labels (labels.gen.ts) are
// generated from it:
//   zizhu-openapi | node console/scripts/api-types.mjs console/src
#include <iostream>

#include "services/gateway/app/openapi.h"
#include "services/gateway/app/upstreams.h"

int main() {
  zizhu::gateway::RpcBridge bridge(
      zizhu::gateway::GatewayUpstreams({}, [](const std::string&) { return std::shared_ptr<grpc::Channel>(); }),
      absl::Seconds(1));
  std::cout << zizhu::gateway::OpenApiJson(bridge) << std::endl;
  return 0;
}
