// zizhu: the command-line client of the zizhu services (gRPC).
//
//   zizhu school register --code 3121000001 --name 红星小学 --county 210102 --stages primary
//   zizhu household register --number H001 --head 张大山 --type general
//   zizhu student register --name 张小明 --national-id 2101... --school 3121000001 --stage primary --grade 3
//   zizhu student get STUDENT_ID [--reveal --reason "..."]
//   zizhu student find NATIONAL_ID
//   zizhu student list [--school S --grade G --class C --status dropped_out] [--all]
//   zizhu student set-status STUDENT_ID --status dropped_out --date 2026-11-02 --reason ...
//   zizhu import students FILE.csv [--encoding auto|utf-8|gbk] [--mapping FILE] [--errors FILE]
//   zizhu projection rebuild | checksum
//   zizhu health
//   zizhu import poverty|civil|status FILE      (CSV in UTF-8/GBK, or XLSX)
//   zizhu match run --as-of DATE | summary | list --category C
//   zizhu agency-key AGENCY SOURCE
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"zizhu: command-line client of the zizhu student-aid services"};
  app.require_subcommand(1);
  zizhu::cli::Cli cli;
  zizhu::cli::Globals& g = cli.g;
  app.add_option("--server", g.server, "registry gRPC address")->envname("ZIZHU_SERVER")->capture_default_str();
  app.add_option("--actor", g.actor, "operator id recorded on events (default cli:$USER)")->envname("ZIZHU_ACTOR");
  app.add_option("--org-scope", g.org_scope, "organisation scope, e.g. city:2101/county:210102")
      ->envname("ZIZHU_ORG_SCOPE");
  app.add_option("--request-id", g.request_id,
                 "request id of the command (default: random); repeat it to retry safely");
  app.add_flag("--json", g.json, "print results as JSON");
  app.add_option("--timeout-ms", g.timeout_ms, "deadline per call")->capture_default_str();
  std::vector<std::unique_ptr<zizhu::cli::CommandGroup>> groups;
  groups.push_back(zizhu::cli::MakeRegistryCommands(cli));
  groups.push_back(zizhu::cli::MakeImportCommands(cli));
  groups.push_back(zizhu::cli::MakeMatchCommands(cli));
  groups.push_back(zizhu::cli::MakeAdminCommands(cli));
  for (auto& group : groups) group->Add(app);
  CLI11_PARSE(app, argc, argv);
  return cli.rc;
}
