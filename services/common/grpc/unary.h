// The one unary gRPC adapter (callback API). A service's gRPC class holds
// one line per RPC, naming the app-layer method that serves it:
//
//   Reactor* GetStudent(Ctx* c, const GetStudentRequest* q, GetStudentResponse* r) override {
//     return Unary(c, q, r, app_, &RegistryApp::GetStudent);
//   }
//
// App methods come in two shapes: asynchronous commands
// `void M(const Req&, Callback<Resp>)` (answered when the events are durable,
// off the gRPC thread) and queries `absl::StatusOr<Resp> M(const Req&) const`.
// The absl::Status becomes the RPC status (same numeric codes); a call whose
// deadline has already passed is answered DEADLINE_EXCEEDED without running,
// and a request with a string field over kMaxFieldBytes INVALID_ARGUMENT
// naming the field (see field_limits.h).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <utility>

#include "absl/status/statusor.h"
#include "services/common/es/commands.h"
#include "services/common/grpc/field_limits.h"
#include "services/common/grpc/status_convert.h"

namespace zizhu::grpc_kit {

using Reactor = grpc::ServerUnaryReactor;
using Ctx = grpc::CallbackServerContext;

// Finishes `reactor` with `result` moved into `*response`.
template <typename Resp>
Callback<Resp> FinishInto(Reactor* reactor, Resp* response) {
  return [reactor, response](absl::StatusOr<Resp> result) {
    if (result.ok()) *response = std::move(*result);
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

// Checks made before any app method runs; OK to go on.
template <typename Req>
grpc::Status Admit(Ctx* ctx, const Req& request) {
  if (ctx->deadline() < std::chrono::system_clock::now()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed before the call started");
  }
  return ToGrpcStatus(CheckFieldSizes(request));
}

template <typename App, typename Req, typename Resp>
Reactor* Unary(Ctx* ctx, const Req* request, Resp* response, App* app,
               void (App::*method)(const Req&, Callback<Resp>)) {
  Reactor* reactor = ctx->DefaultReactor();
  if (grpc::Status admitted = Admit(ctx, *request); !admitted.ok()) {
    reactor->Finish(admitted);
    return reactor;
  }
  (app->*method)(*request, FinishInto(reactor, response));
  return reactor;
}

template <typename App, typename Req, typename Resp>
Reactor* Unary(Ctx* ctx, const Req* request, Resp* response, const App* app,
               absl::StatusOr<Resp> (App::*method)(const Req&) const) {
  Reactor* reactor = ctx->DefaultReactor();
  if (grpc::Status admitted = Admit(ctx, *request); !admitted.ok()) {
    reactor->Finish(admitted);
    return reactor;
  }
  FinishInto(reactor, response)((app->*method)(*request));
  return reactor;
}

}  // namespace zizhu::grpc_kit
