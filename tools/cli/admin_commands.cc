#include <grpcpp/grpcpp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/field_parsers.h"
#include "services/registry/domain/roster_rows.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "tools/cli/import/roster_headers.h"
#include "tools/cli/import/roster_importer.h"
#include "tools/cli/import/student_importer.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::cli {

using registry::ParseDate;
using registry::ParseStage;
using registry::ParseStatus;

// Projection maintenance and health.
// Options live in this object, which main keeps alive while CLI11 runs.
class AdminCommands final : public CommandGroup {
 public:
  explicit AdminCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;
};

void AdminCommands::Add(CLI::App& app) {
  // --- projection admin ---
  auto* projection = app.add_subcommand("projection", "projection maintenance")->require_subcommand(1);
  projection->add_subcommand("rebuild", "wipe the projection and replay the log from offset 0")->callback([&] {
    connect();
    auto admin = zizhu::common::v1::ProjectionAdminService::NewStub(channel);
    zizhu::common::v1::RebuildProjectionResponse resp;
    grpc::ClientContext ctx;  // no deadline: a rebuild can take long
    auto status = admin->RebuildProjection(&ctx, {}, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << "rebuilt: " << resp.events_applied() << " events in " << resp.duration_ms() << " ms, checksum "
              << resp.checksum() << "\n";
  });
  projection->add_subcommand("checksum", "checksum of the projection")->callback([&] {
    connect();
    auto admin = zizhu::common::v1::ProjectionAdminService::NewStub(channel);
    zizhu::common::v1::GetProjectionChecksumResponse resp;
    auto status = admin->GetProjectionChecksum(Context(g).get(), {}, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << resp.checksum() << " keys=" << resp.keys() << " offsets=" << absl::StrJoin(resp.applied_offsets(), ",")
              << "\n";
  });

  app.add_subcommand("health", "check that the service answers")->callback([&] {
    connect();
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::milliseconds(g.timeout_ms))) {
      rc = Fail(absl::StrCat("no answer from ", g.server));
      return;
    }
    v1::ListSchoolsRequest req;
    req.set_page_size(1);
    v1::ListSchoolsResponse resp;
    auto status = stub->ListSchools(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << "ok: " << g.server << " answers\n";
  });
}

std::unique_ptr<CommandGroup> MakeAdminCommands(Cli& cli) { return std::make_unique<AdminCommands>(cli); }

}  // namespace zizhu::cli
