#include "services/common/es/commands.h"

#include <future>

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

absl::StatusOr<common::v1::CommandOutcome> Commands::RunAndWait(CommandMeta meta, DecideFn decide) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<common::v1::CommandOutcome>>>();
  auto future = promise->get_future();
  processor_->Submit(
      std::move(meta), std::move(decide),
      [promise](const absl::StatusOr<common::v1::CommandOutcome>& outcome) { promise->set_value(outcome); });
  return future.get();
}

}  // namespace zizhu::es
