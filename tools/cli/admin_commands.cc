#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/student_importer.h"
#include "libs/rules/field_values.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/roster_rows.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::cli {

using rules::ParseDate;
using rules::ParseStage;
using rules::ParseStatus;

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
    if (g.json) return PrintJson(resp);
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
    if (g.json) return PrintJson(resp);
    std::cout << resp.checksum() << " keys=" << resp.keys() << " offsets=" << absl::StrJoin(resp.applied_offsets(), ",")
              << "\n";
  });

  projection->add_subcommand("subscriptions", "upstream topics followed live, with their lag")->callback([&] {
    connect();
    auto admin = zizhu::common::v1::ProjectionAdminService::NewStub(channel);
    zizhu::common::v1::ListSubscriptionsResponse resp;
    auto status = admin->ListSubscriptions(Context(g).get(), {}, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json) return PrintJson(resp);
    if (resp.subscriptions().empty()) std::cerr << "this service follows no other topic\n";
    TableWriter table(std::cout, {{"topic", 32}, {"lag", 8}, {"applied", 10}, {"reactions", 10}, {"error", 0}});
    for (const auto& s : resp.subscriptions()) {
      table.Row({s.topic(), std::to_string(s.lag_records()), std::to_string(s.applied_events()),
                 std::to_string(s.reactions()), s.last_error()});
    }
  });

  app.add_subcommand("health", "check that the service answers (exit 3 when it does not)")->callback([&] {
    connect();
    // The standard gRPC health check (no token needed): the kit marks a
    // service SERVING once it has caught up with its log and serves.
    const int wait_ms = std::min(g.timeout_ms, 5000);
    grpc::ClientContext context;
    auto* ctx = &context;
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(wait_ms));
    ctx->set_wait_for_ready(true);  // wait out the connection attempt up to the deadline
    grpc::GenericStub generic(channel);
    grpc::Slice empty_request("");
    grpc::ByteBuffer request(&empty_request, 1), response;
    std::promise<grpc::Status> done;
    generic.UnaryCall(ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                      [&done](grpc::Status s) { done.set_value(s); });
    grpc::Status status = done.get_future().get();
    std::vector<grpc::Slice> slices;
    std::string answer;
    if (status.ok() && response.Dump(&slices).ok()) {
      for (const auto& slice : slices) answer.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    if (status.ok() && answer != std::string("\x08\x01", 2)) {  // HealthCheckResponse{status: SERVING}
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE, absl::StrCat(g.server, " is not serving yet"));
    }
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              absl::StrCat("no answer from ", g.server, " within ", wait_ms, " ms"));
      }
      rc = FailRpc(status);
      return;
    }
    if (g.json) {
      google::protobuf::Struct out;
      (*out.mutable_fields())["server"].set_string_value(g.server);
      (*out.mutable_fields())["status"].set_string_value("SERVING");
      return PrintJson(out);
    }
    std::cout << "ok: " << g.server << " answers\n";
  });
}

std::unique_ptr<CommandGroup> MakeAdminCommands(Cli& cli) { return std::make_unique<AdminCommands>(cli); }

}  // namespace zizhu::cli
