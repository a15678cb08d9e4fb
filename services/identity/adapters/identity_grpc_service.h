// gRPC adapter of zizhu.identity.v1.IdentityService: one line per RPC (see
// services/common/grpc/unary.h). Login is the one RPC without a token.
#pragma once

#include "absl/strings/str_cat.h"
#include "services/common/grpc/unary.h"
#include "services/identity/app/identity_app.h"
#include "zizhu/identity/v1/identity_service.grpc.pb.h"

namespace zizhu::identity {

class IdentityGrpcService final : public v1::IdentityService::CallbackService, public grpc_kit::Endpoint<IdentityApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* Login(Ctx* c, const v1::LoginRequest* q, v1::LoginResponse* r) override {
    Reactor* reactor = c->DefaultReactor();
    if (absl::Status checked = grpc_kit::CheckCall(c, *q); !checked.ok()) {
      reactor->Finish(ToGrpcStatus(checked));
      return reactor;
    }
    // The source: the peer's address without its port — or, from a trusted
    // proxy (the gateway), the client address it forwards.
    std::string source = c->peer();
    if (size_t colon = source.rfind(':'); colon != std::string::npos) source.resize(colon);
    if (app_->TrustsProxy(source)) {
      auto forwarded = c->client_metadata().find("x-zizhu-client-address");
      if (forwarded != c->client_metadata().end()) {
        source = absl::StrCat("via ", source, ": ", std::string(forwarded->second.data(), forwarded->second.size()));
      }
    }
    app_->Login(*q, source, grpc_kit::FinishInto(reactor, r));
    return reactor;
  }
  Reactor* WhoAmI(Ctx* c, const v1::WhoAmIRequest* q, v1::WhoAmIResponse* r) override {
    return Call(c, q, r, &IdentityApp::WhoAmI);
  }
  Reactor* CreateAccount(Ctx* c, const v1::CreateAccountRequest* q, v1::CreateAccountResponse* r) override {
    return Call(c, q, r, &IdentityApp::CreateAccount);
  }
  Reactor* ChangeRole(Ctx* c, const v1::ChangeRoleRequest* q, v1::ChangeRoleResponse* r) override {
    return Call(c, q, r, &IdentityApp::ChangeRole);
  }
  Reactor* LockAccount(Ctx* c, const v1::LockAccountRequest* q, v1::LockAccountResponse* r) override {
    return Call(c, q, r, &IdentityApp::LockAccount);
  }
  Reactor* UnlockAccount(Ctx* c, const v1::UnlockAccountRequest* q, v1::UnlockAccountResponse* r) override {
    return Call(c, q, r, &IdentityApp::UnlockAccount);
  }
  Reactor* ChangePassword(Ctx* c, const v1::ChangePasswordRequest* q, v1::ChangePasswordResponse* r) override {
    return Call(c, q, r, &IdentityApp::ChangePassword);
  }
  Reactor* GetAccount(Ctx* c, const v1::GetAccountRequest* q, v1::GetAccountResponse* r) override {
    return Call(c, q, r, &IdentityApp::GetAccount);
  }
  Reactor* ListAccounts(Ctx* c, const v1::ListAccountsRequest* q, v1::ListAccountsResponse* r) override {
    return Call(c, q, r, &IdentityApp::ListAccounts);
  }
};

}  // namespace zizhu::identity
