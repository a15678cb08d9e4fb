// Command groups of the zizhu CLI, one file each.
#pragma once

#include <memory>

#include "CLI/CLI.hpp"
#include "libs/files/import/student_row_parser.h"
#include "tools/cli/cli_common.h"

namespace zizhu::cli {

// A group of subcommands. Its options are members, so the group must outlive
// the parse of `app`; the shared state (flags, exit code, connection) is the
// Cli object's, reached through the references below.
class CommandGroup {
 public:
  virtual ~CommandGroup() = default;
  virtual void Add(CLI::App& app) = 0;

 protected:
  explicit CommandGroup(Cli& cli) : g(cli.g), rc(cli.rc), channel(cli.channel), stub(cli.stub), connect(cli.connect) {}
  Globals& g;
  int& rc;
  std::shared_ptr<grpc::Channel>& channel;
  std::unique_ptr<v1::RegistryService::Stub>& stub;
  std::function<void()>& connect;
};

// Reads a header mapping file ("field = header" lines) into `mapping`.
absl::Status AddMappingFile(const std::string& path, tools::HeaderMapping* mapping);
// A progress printer for imports: one updating line on a terminal, else lines.
std::function<void(int done, int total)> ProgressPrinter(const std::string& what);

std::unique_ptr<CommandGroup> MakeRegistryCommands(Cli& cli);  // school, household, student
std::unique_ptr<CommandGroup> MakeImportCommands(Cli& cli);    // import students|poverty|civil|status
std::unique_ptr<CommandGroup> MakeMatchCommands(Cli& cli);     // match run|summary|list, agency-key
std::unique_ptr<CommandGroup> MakeAdminCommands(Cli& cli);     // projection, health
std::unique_ptr<CommandGroup> MakeAccountCommands(Cli& cli);   // login, logout, whoami, account
std::unique_ptr<CommandGroup> MakePolicyCommands(Cli& cli);    // policy check|load|publish|list|show
std::unique_ptr<CommandGroup> MakeAidCommands(Cli& cli);       // aid open|apply|review|notice|approve|...
std::unique_ptr<CommandGroup> MakePayCommands(Cli& cli);       // pay allocate|batch|export|return|reconcile|...
std::unique_ptr<CommandGroup> MakeDropoutCommands(Cli& cli);   // dropout cases|open|team|visit|cross-off|rates|...
std::unique_ptr<CommandGroup> MakePairingCommands(Cli& cli);   // pairing pair|activity|plan|progress|rotate|...
std::unique_ptr<CommandGroup> MakeReportCommands(Cli& cli);    // report monthly|quarterly|half-year|sign-off|lock

}  // namespace zizhu::cli
