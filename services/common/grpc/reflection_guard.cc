#include "services/common/grpc/reflection_guard.h"

#include <grpcpp/support/byte_buffer.h>

#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace zizhu::grpc_kit {
namespace {

constexpr char kRefusal[] = "需要登录令牌才能列出本服务的接口 (a token is required to list this server's services)";

// A grpc.reflection.v1alpha.ServerReflectionResponse holding only
// error_response (field 7) {error_code (1) = UNAUTHENTICATED, error_message (2)}.
// Written by hand: Debian's gRPC ships no header for the reflection proto.
std::string ErrorResponseBytes() {
  std::string inner, outer;
  {
    google::protobuf::io::StringOutputStream out(&inner);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.WriteTag((1 << 3) | 0);
    coded.WriteVarint32(static_cast<uint32_t>(grpc::StatusCode::UNAUTHENTICATED));
    coded.WriteTag((2 << 3) | 2);
    coded.WriteVarint32(static_cast<uint32_t>(std::strlen(kRefusal)));
    coded.WriteRaw(kRefusal, static_cast<int>(std::strlen(kRefusal)));
  }
  {
    google::protobuf::io::StringOutputStream out(&outer);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.WriteTag((7 << 3) | 2);
    coded.WriteVarint32(static_cast<uint32_t>(inner.size()));
    coded.WriteRaw(inner.data(), static_cast<int>(inner.size()));
  }
  return outer;
}

class ReflectionGuard final : public grpc::experimental::Interceptor {
 public:
  explicit ReflectionGuard(const auth::Authenticator* authenticator) : authenticator_(authenticator) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) {
      std::string authorization;
      auto* metadata = methods->GetRecvInitialMetadata();
      if (auto it = metadata->find("authorization"); it != metadata->end()) {
        authorization.assign(it->second.data(), it->second.size());
      }
      allowed_ = authenticator_->Authenticate(authorization).ok();
    }
    if (!allowed_ && methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE)) {
      const std::string bytes = ErrorResponseBytes();
      grpc::Slice slice(bytes);
      *methods->GetSerializedSendMessage() = grpc::ByteBuffer(&slice, 1);
    }
    if (!allowed_ && methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      methods->ModifySendStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, kRefusal));
    }
    methods->Proceed();
  }

 private:
  const auth::Authenticator* authenticator_;
  bool allowed_ = false;
};

}  // namespace

grpc::experimental::Interceptor* ReflectionGuardFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (!absl::StartsWith(info->method(), "/grpc.reflection.")) return nullptr;
  return new ReflectionGuard(authenticator_);
}

}  // namespace zizhu::grpc_kit
