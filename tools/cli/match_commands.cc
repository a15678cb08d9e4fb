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
#include "google/protobuf/struct.pb.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/student_importer.h"
#include "libs/reasons/reasons.h"
#include "libs/rules/field_values.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/roster_rows.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::cli {

// A result's reasons in the operator's language (from their codes), else its
// English lines (results matched before the codes existed).
std::string ReasonsSaid(const registry::v1::MatchResult& r) {
  return CodedLinesSaid(r.reason_codes(), absl::StrJoin(r.reasons(), "; "));
}

using rules::ParseDate;
using rules::ParseStage;
using rules::ParseStatus;

std::string CategoryName(int c) { return Short(c, v1::MatchCategory_descriptor(), "MATCH_CATEGORY_"); }

// Cross-match work queues and agency keys.
// Options live in this object, which main keeps alive while CLI11 runs.
class MatchCommands final : public CommandGroup {
 public:
  explicit MatchCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  std::string as_of;
  int age_min = 6, age_max = 15;
  int exit_transition_years = -1;  // -1: not given
  std::string summary_county;
  bool summary_detail = false;
  std::string category_text, list_county, list_school;
  bool match_all = false;
  std::string agency_id, agency_source;
};

void MatchCommands::Add(CLI::App& app) {
  // --- cross-match ---
  auto* match = app.add_subcommand("match", "cross-match of rosters and the registry")->require_subcommand(1);
  auto* match_run = match->add_subcommand("run", "re-evaluate everyone with a reference date and school age");
  match_run->add_option("--as-of", as_of, "reference date for ages (2026-09-01)")->required();
  match_run->add_option("--age-min", age_min, "youngest school age")->capture_default_str();
  match_run->add_option("--exit-transition-years", exit_transition_years,
                        "years an exited household's children stay in scope (default: keep the current setting, "
                        "5 at first)");
  match_run->add_option("--age-max", age_max, "oldest school age")->capture_default_str();
  match_run->callback([&] {
    connect();
    auto date = ParseDate(as_of);
    if (!date.ok()) {
      rc = Fail(absl::StrCat("--as-of: ", date.status().message()));
      return;
    }
    zizhu::registry::v1::RunCrossMatchRequest req;
    *req.mutable_meta() = Meta(g);
    *req.mutable_as_of() = *date;
    req.set_school_age_min(age_min);
    if (exit_transition_years >= 0) req.set_exit_transition_years(exit_transition_years);
    req.set_school_age_max(age_max);
    zizhu::registry::v1::RunCrossMatchResponse resp;
    grpc::ClientContext ctx;  // can take long on a large registry
    auto status = zizhu::registry::v1::RosterService::NewStub(channel)->RunCrossMatch(&ctx, req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json) return PrintJson(resp);
    std::cout << "cross-match re-evaluated as of " << as_of << ", school age " << resp.settings().school_age_min()
              << "-" << resp.settings().school_age_max() << ", exited households in scope for "
              << resp.settings().exit_transition_years() << " years after exit\n";
  });
  auto* match_summary = match->add_subcommand("summary", "counts per category, county and school");
  match_summary->add_option("--county", summary_county, "only this county");
  match_summary->add_flag("--detail", summary_detail, "one line per county and school");
  match_summary->callback([&] {
    connect();
    zizhu::registry::v1::GetMatchSummaryRequest req;
    req.set_county(summary_county);
    zizhu::registry::v1::GetMatchSummaryResponse resp;
    auto status = zizhu::registry::v1::RosterService::NewStub(channel)->GetMatchSummary(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json) return PrintJson(resp);
    TableWriter totals(std::cout, {{"category", 26}, {"people", 0}});
    for (const auto& t : resp.totals()) totals.Row({CategoryName(t.category()), std::to_string(t.count())});
    if (summary_detail) {
      std::cout << "\n";
      TableWriter detail(std::cout, {{"category", 26}, {"county", 12}, {"school", 12}, {"people", 0}});
      for (const auto& c : resp.counts()) {
        detail.Row({CategoryName(c.category()), c.county(), c.school_code().empty() ? "-" : c.school_code(),
                    std::to_string(c.count())});
      }
    }
  });
  auto* match_list = match->add_subcommand("list", "the people of one work queue, with the reasons");
  match_list
      ->add_option("--category", category_text,
                   "matched | not_enrolled | poor_in_one_source_only | attribute_conflict | invalid_id | "
                   "duplicate_in_source | no_finding")
      ->required();
  match_list->add_option("--county", list_county, "county");
  match_list->add_option("--school", list_school, "school code (needs --county)");
  match_list->add_flag("--all", match_all, "every page");
  match_list->callback([&] {
    connect();
    zizhu::registry::v1::MatchCategory category;
    if (!zizhu::registry::v1::MatchCategory_Parse("MATCH_CATEGORY_" + absl::AsciiStrToUpper(category_text),
                                                  &category)) {
      rc = Fail(absl::StrCat("--category '", category_text, "' is not a category"));
      return;
    }
    auto roster_stub = zizhu::registry::v1::RosterService::NewStub(channel);
    zizhu::registry::v1::ListMatchResultsRequest req;
    req.set_category(category);
    req.set_county(list_county);
    req.set_school_code(list_school);
    req.set_page_size(1000);
    int total = 0;
    TableWriter table(std::cout, {{"national_id", 18}, {"name", 8}, {"county", 10}, {"school", 12}, {"reasons", 0}});
    do {
      zizhu::registry::v1::ListMatchResultsResponse resp;
      auto status = roster_stub->ListMatchResults(Context(g).get(), req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& r : resp.results()) {
        if (g.json) {
          PrintJson(r);
          continue;
        }
        table.Row({r.national_id_masked(), r.name(), r.county(), r.school_code().empty() ? "-" : r.school_code(),
                   ReasonsSaid(r)});
      }
      total += resp.results_size();
      req.set_page_token(resp.next_page_token());
      if (!match_all && !req.page_token().empty()) {
        std::cerr << "(more: --all for every page)\n";
        break;
      }
    } while (!req.page_token().empty());
    std::cerr << total << " result(s)\n";
  });

  auto* agency_key =
      app.add_subcommand("agency-key", "make a key for an agency system (prints the agencies-file line)");
  agency_key->add_option("agency", agency_id, "agency id, e.g. fpb-210102")->required();
  agency_key->add_option("source", agency_source, "poverty | civil | status")
      ->required()
      ->check(CLI::IsMember({"poverty", "civil", "status"}));
  agency_key->callback([&] {
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1) {
      rc = Fail("no random bytes");
      return;
    }
    std::string key;
    for (unsigned char b : raw) absl::StrAppend(&key, absl::Hex(b, absl::kZeroPad2));
    const std::string hash = zizhu::Sha256Hex(key);
    std::cout << "key for " << agency_id << " (give it to the agency; it is not stored anywhere):\n  " << key
              << "\nline for the registry's --agencies-file:\n  " << agency_id << " " << agency_source << " " << hash
              << "\n";
  });
}

std::unique_ptr<CommandGroup> MakeMatchCommands(Cli& cli) { return std::make_unique<MatchCommands>(cli); }

}  // namespace zizhu::cli
