#include "services/common/es/commands.h"

#include <future>

namespace zizhu::es {

CommandMeta FromProto(const common::v1::CommandMeta& meta) {
  return CommandMeta{meta.request_id(), meta.actor(), meta.org_scope(), meta.correlation_id(), ""};
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
