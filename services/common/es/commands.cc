#include "services/common/es/commands.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/crypto/sha256.h"

namespace zizhu::es {

CommandMeta FromProto(const common::v1::CommandMeta& meta) {
  return CommandMeta{meta.request_id(), meta.actor(), meta.org_scope(), meta.correlation_id(), ""};
}

std::string FingerprintRequest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* meta = copy->GetDescriptor()->FindFieldByName("meta"))
    copy->GetReflection()->ClearField(copy.get(), meta);
  return Sha256Hex(SerializeDeterministic(*copy));
}

CommandMeta FromCaller(const auth::Caller& caller, const common::v1::CommandMeta& meta,
                       const google::protobuf::Message& request) {
  CommandMeta out = FromProto(meta);
  out.actor = caller.actor();
  out.org_scope = caller.org_scope();
  out.fingerprint = Sha256Hex(absl::StrCat(FingerprintRequest(request), "|", out.actor));
  return out;
}

}  // namespace zizhu::es
