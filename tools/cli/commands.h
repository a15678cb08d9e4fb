// Command groups of the zizhu CLI, one file each.
#pragma once

#include <memory>

#include "CLI/CLI.hpp"
#include "tools/cli/cli_common.h"

namespace zizhu::cli {

class CommandGroup {
 public:
  virtual ~CommandGroup() = default;
  // Registers the group's subcommands; the group must outlive `app`'s parse.
  virtual void Add(CLI::App& app) = 0;
};

std::unique_ptr<CommandGroup> MakeRegistryCommands(Cli& cli);  // school, household, student
std::unique_ptr<CommandGroup> MakeImportCommands(Cli& cli);    // import students|poverty|civil|status
std::unique_ptr<CommandGroup> MakeMatchCommands(Cli& cli);     // match run|summary|list, agency-key
std::unique_ptr<CommandGroup> MakeAdminCommands(Cli& cli);     // projection, health

}  // namespace zizhu::cli
