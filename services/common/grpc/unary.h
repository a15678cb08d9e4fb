// The one unary gRPC adapter (callback API). A service's gRPC class derives
// from Endpoint<App> and holds one line per RPC, naming the app-layer method
// that serves it:
//
//   class RegistryGrpcService final : public v1::RegistryService::CallbackService,
//                                     public grpc_kit::Endpoint<RegistryApp> {
//     using Endpoint::Endpoint;
//     Reactor* GetStudent(Ctx* c, const GetStudentRequest* q, GetStudentResponse* r) override {
//       return Call(c, q, r, &RegistryApp::GetStudent);
//     }
//
// Every call is authenticated first (the `authorization: Bearer <token>`
// metadata; UNAUTHENTICATED without a valid token) and the app method gets
// the verified auth::Caller — the only source of the actor and org scope it
// may use. The app names a row of its table (service/command_table.h:
// `return Call(c, q, r, &PairingApp::end_pair);`), or a method in one of two
// shapes: asynchronous commands
// `void M(const Caller&, const Req&, Callback<Resp>)` (answered when the
// events are durable, off the gRPC thread) and queries
// `absl::StatusOr<Resp> M(const Caller&, const Req&) const`. The absl::Status
// becomes the RPC status (same numeric codes); a call whose deadline has
// already passed is answered DEADLINE_EXCEEDED without running, and a request
// with a string field over kMaxFieldBytes INVALID_ARGUMENT naming the field
// (see field_limits.h).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "services/common/auth/authenticator.h"
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

// The value of the call's `authorization` metadata ("" when absent).
std::string AuthorizationOf(const grpc::ServerContextBase& ctx);

// The deadline and field-size checks every call gets (OK to go on).
template <typename Req>
absl::Status CheckCall(Ctx* ctx, const Req& request) {
  if (ctx->deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed before the call started");
  }
  return CheckFieldSizes(request);
}

// Checks made before any app method runs: the verified caller, or the
// status to finish the call with (UNAUTHENTICATED comes first).
template <typename Req>
absl::StatusOr<auth::Caller> Admit(Ctx* ctx, const Req& request, const auth::Authenticator& authenticator) {
  absl::StatusOr<auth::Caller> caller = authenticator.Authenticate(AuthorizationOf(*ctx));
  if (!caller.ok()) return caller.status();
  if (absl::Status checked = CheckCall(ctx, request); !checked.ok()) return checked;
  return caller;
}

template <typename App>
class Endpoint {
 public:
  Endpoint(App* app, const auth::Authenticator* authenticator) : app_(app), authenticator_(authenticator) {}

 private:
  // Admits the call, then `invoke(caller, done)`; `done` finishes it.
  template <typename Req, typename Resp, typename Invoke>
  Reactor* Serve(Ctx* ctx, const Req* request, Resp* response, Invoke invoke) {
    Reactor* reactor = ctx->DefaultReactor();
    absl::StatusOr<auth::Caller> caller = Admit(ctx, *request, *authenticator_);
    if (!caller.ok()) {
      reactor->Finish(ToGrpcStatus(caller.status()));
      return reactor;
    }
    invoke(*caller, FinishInto(reactor, response));
    return reactor;
  }

 protected:
  template <typename Req, typename Resp>
  Reactor* Call(Ctx* ctx, const Req* request, Resp* response,
                void (App::*method)(const auth::Caller&, const Req&, Callback<Resp>)) {
    return Serve(ctx, request, response, [&](const auth::Caller& caller, Callback<Resp> done) {
      (app_->*method)(caller, *request, std::move(done));
    });
  }

  template <typename Req, typename Resp>
  Reactor* Call(Ctx* ctx, const Req* request, Resp* response,
                absl::StatusOr<Resp> (App::*method)(const auth::Caller&, const Req&) const) {
    return Serve(ctx, request, response,
                 [&](const auth::Caller& caller, Callback<Resp> done) { done((app_->*method)(caller, *request)); });
  }

  // A row of the app's table (service::Command or service::Query): anything
  // with Run(const auth::Caller&, const Req&, Callback<Resp>) const.
  template <typename Req, typename Resp, typename Row, typename = std::enable_if_t<!std::is_function<Row>::value>>
  Reactor* Call(Ctx* ctx, const Req* request, Resp* response, const Row App::*row) {
    return Serve(ctx, request, response, [&](const auth::Caller& caller, Callback<Resp> done) {
      (app_->*row).Run(caller, *request, std::move(done));
    });
  }

  App* app_;
  const auth::Authenticator* authenticator_;
};

}  // namespace zizhu::grpc_kit
