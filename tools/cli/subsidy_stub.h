// The subsidy service's stub for the CLI's policy and aid commands.
#pragma once

#include <memory>

#include "libs/files/csv_out.h"
#include "services/common/core/money.h"
#include "tools/cli/cli_common.h"
#include "zizhu/subsidy/v1/subsidy_service.grpc.pb.h"

namespace zizhu::cli {

// Dials --subsidy with the saved token; a TLS set-up that cannot be read
// ends the program with its reason (exit 1).
inline std::unique_ptr<subsidy::v1::SubsidyService::Stub> DialSubsidy(const Globals& g) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Dial(g, g.subsidy, true);
  if (!channel.ok()) std::exit(FailStatus(channel.status()));
  return subsidy::v1::SubsidyService::NewStub(*channel);
}

}  // namespace zizhu::cli
