// RpcBridge: one HTTP/JSON call to one unary gRPC method of a zizhu service,
// by protobuf's JSON mapping (request fields in lowerCamelCase or as in the
// proto; responses with the proto's field names). No method is written by
// hand: whatever the services' protos declare is reachable, with the
// services' own checks of role and scope (the caller's token rides along).
//
// Thread-safe: calls run on the HTTP server's threads at once.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"

namespace zizhu::gateway {

struct Upstream {
  std::string name;  // path segment: "registry"
  // The service, e.g. ServiceOf<registry::v1::ListStudentsRequest>("RegistryService")
  // (naming a message of the proto links its descriptors into the binary).
  const google::protobuf::ServiceDescriptor* service = nullptr;
  std::shared_ptr<grpc::Channel> channel;
  // Methods not offered over HTTP (identity's Login: the browser logs in
  // through /api/v1/session and never holds a token).
  std::set<std::string> hidden;
};

// The service `name` declared in the proto file of message type M.
template <typename M>
const google::protobuf::ServiceDescriptor* ServiceOf(const std::string& name) {
  return M::descriptor()->file()->FindServiceByName(name);
}

struct Reply {
  int http_status = 200;
  std::string json;  // the response, or {"code": "...", "message": "..."}
};

// {"code": code, "message": message} as JSON.
std::string ErrorJson(const std::string& code, const std::string& message);
// A status as the console reads a refusal: {"code", "message", "reason",
// "params"} (reason and params when it carries them), each `replace` pair
// replaced in the message and the parameters (a temporary path by the
// operator's file name).
std::string StatusJson(const absl::Status& status, const std::map<std::string, std::string>& replace = {});

class RpcBridge {
 public:
  RpcBridge(std::vector<Upstream> upstreams, absl::Duration deadline);

  // Calls `method` of the upstream named `service` with the JSON `body`
  // ("" = {}), as the holder of `token` ("" = anonymous, e.g. a login).
  Reply Call(const std::string& service, const std::string& method, const std::string& body,
             const std::string& token) const;
  // As Call, also for a hidden method: the gateway's own calls (the login of
  // /api/v1/session).
  // `client_address`: the browser's, sent as x-zizhu-client-address (the
  // identity service limits failed logins per client when it trusts the gateway).
  Reply CallHidden(const std::string& service, const std::string& method, const std::string& body,
                   const std::string& token, const std::string& client_address = "") const;

  // The channel of the upstream `name` (nullptr if there is none).
  std::shared_ptr<grpc::Channel> ChannelOf(const std::string& name) const;

  // Every method offered: (upstream name, method), in order.
  std::vector<std::pair<std::string, const google::protobuf::MethodDescriptor*>> Methods() const;

 private:
  Reply Invoke(const std::string& service, const std::string& method, const std::string& body, const std::string& token,
               const std::string& client_address, bool hidden_too) const;
  std::map<std::string, Upstream> upstreams_;
  absl::Duration deadline_;
};

}  // namespace zizhu::gateway
