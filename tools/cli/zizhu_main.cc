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
//   zizhu login LOGIN [--password-stdin] | logout | whoami
//   zizhu account create LOGIN --role R --scope S | lock | unlock | list
//   zizhu policy check FILE | load FILE [--draft] | publish VERSION | list | show VERSION
//   zizhu aid open --school S --semester 2026-spring --quota N
//   zizhu student register|get|find|list [--left]|update|set-status|transfer-in ...
//   zizhu aid apply|review ROUND --file F | --student S | reason | notice | notice-list | object | resolve | approve
//   zizhu aid disqualify|resume ROUND --student S ...
//   zizhu aid status|rounds|applications|todo|objections|entitlements|underpaid|totals|what-if ...
//   zizhu pay accounts|allocate|payments|batch|export|return|retry|reconcile ...
#include <sys/stat.h>

#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  // What the CLI writes — bank files with card numbers in clear, row-error
  // reports, reports, the token — is private to the user who ran it.
  umask(077);
  CLI::App app{"zizhu: command-line client of the zizhu student-aid services"};
  app.require_subcommand(1);
  zizhu::cli::Cli cli;
  zizhu::cli::Globals& g = cli.g;
  app.add_option("--server", g.server, "registry gRPC address")->envname("ZIZHU_SERVER")->capture_default_str();
  app.add_option("--identity", g.identity, "identity service gRPC address (login)")
      ->envname("ZIZHU_IDENTITY")
      ->capture_default_str();
  app.add_option("--subsidy", g.subsidy, "subsidy service gRPC address (policy, aid rounds)")
      ->envname("ZIZHU_SUBSIDY")
      ->capture_default_str();
  app.add_option("--disbursement", g.disbursement, "disbursement service gRPC address (funds, payments)")
      ->envname("ZIZHU_DISBURSEMENT")
      ->capture_default_str();
  app.add_option("--dropout", g.dropout, "dropout service gRPC address (the 三帮一 ledger)")
      ->envname("ZIZHU_DROPOUT")
      ->capture_default_str();
  app.add_option("--pairing", g.pairing, "pairing service gRPC address (school pairing, rotation)")
      ->envname("ZIZHU_PAIRING")
      ->capture_default_str();
  g.ca_file = zizhu::cli::DefaultCaFile();
  g.token_file = zizhu::cli::DefaultTokenFile();
  app.add_option("--ca", g.ca_file, "PEM CA of the servers' certificates")->envname("ZIZHU_CA")->capture_default_str();
  app.add_option("--cert", g.cert_file, "PEM client certificate (mutual TLS)")->envname("ZIZHU_CERT");
  app.add_option("--key", g.key_file, "PEM key of the client certificate")->envname("ZIZHU_KEY");
  app.add_option("--server-name", g.server_name, "name the server certificate must carry (default: the host dialled)")
      ->envname("ZIZHU_SERVER_NAME");
  app.add_flag("--insecure-plaintext", g.insecure_plaintext, "DEVELOPMENT ONLY: connect without TLS")
      ->envname("ZIZHU_INSECURE_PLAINTEXT");
  app.add_option("--token-file", g.token_file, "where `zizhu login` keeps the token")
      ->envname("ZIZHU_TOKEN_FILE")
      ->capture_default_str();
  app.add_option("--request-id", g.request_id,
                 "request id of the command (default: random); repeat it to retry safely");
  app.add_flag("--json", g.json, "print results as JSON");
  std::string lang = "zh";
  app.add_option("--lang", lang, "language of refusals: zh (中文) or en")
      ->envname("ZIZHU_LANG")
      ->check(CLI::IsMember({"zh", "en"}))
      ->capture_default_str();
  zizhu::cli::SetLanguageSource(&lang);
  app.add_option("--timeout-ms", g.timeout_ms, "deadline per call")->capture_default_str();
  std::vector<std::unique_ptr<zizhu::cli::CommandGroup>> groups;
  groups.push_back(zizhu::cli::MakeRegistryCommands(cli));
  groups.push_back(zizhu::cli::MakeImportCommands(cli));
  groups.push_back(zizhu::cli::MakeMatchCommands(cli));
  groups.push_back(zizhu::cli::MakeAdminCommands(cli));
  groups.push_back(zizhu::cli::MakeAccountCommands(cli));
  groups.push_back(zizhu::cli::MakePolicyCommands(cli));
  groups.push_back(zizhu::cli::MakeAidCommands(cli));
  groups.push_back(zizhu::cli::MakePayCommands(cli));
  groups.push_back(zizhu::cli::MakeDropoutCommands(cli));
  groups.push_back(zizhu::cli::MakePairingCommands(cli));
  groups.push_back(zizhu::cli::MakeReportCommands(cli));
  for (auto& group : groups) group->Add(app);
  CLI11_PARSE(app, argc, argv);
  return cli.rc;
}
