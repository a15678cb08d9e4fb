// Test helper: a unary call by full method name ("/pkg.Service/Method") with
// a serialized request — how a test calls every method of a service from a
// table, whatever its message types.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <string>
#include <utility>
#include <vector>

namespace zizhu::testing_kit {

struct RawAnswer {
  grpc::Status status;
  std::string bytes;  // the response, serialized (when OK)
};

inline RawAnswer CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                         const std::string& request,
                         const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out, [&done](grpc::Status s) { done.set_value(s); });
  RawAnswer answer{done.get_future().get(), ""};
  std::vector<grpc::Slice> slices;
  if (answer.status.ok() && out.Dump(&slices).ok()) {
    for (const auto& s : slices) answer.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return answer;
}

}  // namespace zizhu::testing_kit
