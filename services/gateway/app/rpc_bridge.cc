#include "services/gateway/app/rpc_bridge.h"

#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/core/refusal.h"
#include "services/common/grpc/status_convert.h"
#include "services/gateway/app/http_status.h"

namespace zizhu::gateway {
namespace {

using google::protobuf::MethodDescriptor;

const MethodDescriptor* FindMethod(const Upstream& upstream, const std::string& method, bool hidden_too) {
  if (upstream.service == nullptr || (!hidden_too && upstream.hidden.count(method))) return nullptr;
  const MethodDescriptor* m = upstream.service->FindMethodByName(method);
  if (m == nullptr || m->client_streaming() || m->server_streaming()) return nullptr;
  return m;
}

}  // namespace

std::string ErrorJson(const std::string& code, const std::string& message) {
  return nlohmann::json{{"code", code}, {"message", message}}.dump();
}

namespace {

// What the console reads of a refusal: {"code", "message"} and, when it
// carries one, its reason and parameters, to say it in the operator's
// language (the message stays English). Each `replace` pair is replaced in
// the message and the parameters.
std::string RefusalJson(grpc::StatusCode code, absl::string_view message,
                        const std::optional<common::v1::ErrorInfo>& info,
                        const std::map<std::string, std::string>& replace) {
  auto replaced = [&](absl::string_view text) {
    std::string out(text);
    for (const auto& [from, to] : replace) out = absl::StrReplaceAll(out, {{from, to}});
    return out;
  };
  nlohmann::json body = {{"code", CodeName(code)}, {"message", replaced(message)}};
  if (info) {
    body["reason"] = info->reason();
    body["params"] = nlohmann::json::object();
    for (const auto& [name, value] : info->metadata()) body["params"][name] = replaced(value);
  }
  return body.dump();
}

}  // namespace

std::string StatusJson(const absl::Status& status, const std::map<std::string, std::string>& replace) {
  return RefusalJson(static_cast<grpc::StatusCode>(status.code()), status.message(), ErrorInfoOf(status), replace);
}

RpcBridge::RpcBridge(std::vector<Upstream> upstreams, absl::Duration deadline) : deadline_(deadline) {
  for (Upstream& u : upstreams) upstreams_[u.name] = std::move(u);
}

std::shared_ptr<grpc::Channel> RpcBridge::ChannelOf(const std::string& name) const {
  auto it = upstreams_.find(name);
  return it == upstreams_.end() ? nullptr : it->second.channel;
}

std::vector<std::pair<std::string, const MethodDescriptor*>> RpcBridge::Methods() const {
  std::vector<std::pair<std::string, const MethodDescriptor*>> out;
  for (const auto& [name, u] : upstreams_) {
    const google::protobuf::ServiceDescriptor* service = u.service;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* m = service->method(i);
      if (!m->client_streaming() && !m->server_streaming() && !u.hidden.count(m->name())) out.emplace_back(name, m);
    }
  }
  return out;
}

Reply RpcBridge::Call(const std::string& service, const std::string& method, const std::string& body,
                      const std::string& token) const {
  return Invoke(service, method, body, token, "", false);
}

Reply RpcBridge::CallHidden(const std::string& service, const std::string& method, const std::string& body,
                            const std::string& token, const std::string& client_address) const {
  return Invoke(service, method, body, token, client_address, true);
}

Reply RpcBridge::Invoke(const std::string& service, const std::string& method, const std::string& body,
                        const std::string& token, const std::string& client_address, bool hidden_too) const {
  auto upstream = upstreams_.find(service);
  const MethodDescriptor* m = upstream == upstreams_.end() ? nullptr : FindMethod(upstream->second, method, hidden_too);
  if (m == nullptr) {
    return {404, ErrorJson("NOT_FOUND", absl::StrCat("no method '", method, "' of service '", service, "'"))};
  }
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(m->input_type())->New());
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(body.empty() ? "{}" : body, request.get(), parse);
  if (!parsed.ok()) {
    return {400, ErrorJson("INVALID_ARGUMENT", absl::StrCat("request body of ", service, "/", method, ": ",
                                                            std::string(parsed.message())))};
  }
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!token.empty()) ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  if (!client_address.empty()) ctx.AddMetadata("x-zizhu-client-address", client_address);
  grpc::GenericStub stub(upstream->second.channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, absl::StrCat("/", m->service()->full_name(), "/", m->name()), grpc::StubOptions(),
                 &request_buffer, &response_buffer, [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return {HttpStatusOf(status.error_code()),
            RefusalJson(status.error_code(), status.error_message(), ErrorInfoOf(status), {})};
  }
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return {502, ErrorJson("INTERNAL", "unreadable response")};
  std::string response_bytes;
  for (const grpc::Slice& s : slices) response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<google::protobuf::Message> response(factory->GetPrototype(m->output_type())->New());
  if (!response->ParseFromString(response_bytes)) return {502, ErrorJson("INTERNAL", "response does not parse")};
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  std::string json;
  auto printed = google::protobuf::util::MessageToJsonString(*response, &json, print);
  if (!printed.ok()) return {500, ErrorJson("INTERNAL", std::string(printed.message()))};
  return {200, json};
}

}  // namespace zizhu::gateway
