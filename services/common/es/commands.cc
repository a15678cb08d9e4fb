#include "services/common/es/commands.h"

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

CommandMeta FromRequest(const common::v1::CommandMeta& meta, const google::protobuf::Message& request) {
  CommandMeta out = FromProto(meta);
  out.fingerprint = FingerprintRequest(request);
  return out;
}

}  // namespace zizhu::es
