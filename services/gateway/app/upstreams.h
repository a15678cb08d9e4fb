// The services the gateway stands in front of: one Upstream per gRPC service
// (path segment, service descriptor, channel, methods not offered over HTTP).
// The gateway's main and zizhu-openapi (which prints the API without any
// service running) read the same list.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "services/gateway/app/rpc_bridge.h"

namespace zizhu::gateway {

struct UpstreamAddresses {
  std::string identity, registry, subsidy, disbursement, dropout, pairing;
};

// `channel` makes the channel to an address (called once per address; may
// return nullptr when nothing is called, as for zizhu-openapi).
std::vector<Upstream> GatewayUpstreams(
    const UpstreamAddresses& addresses,
    const std::function<std::shared_ptr<grpc::Channel>(const std::string&)>& channel);

}  // namespace zizhu::gateway
