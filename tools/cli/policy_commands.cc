// zizhu policy: check a policy file offline, load it (published or draft),
// publish a draft, list and show versions.
#include <fstream>
#include <iostream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/core/text_file.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/semester.h"
#include "tools/cli/commands.h"
#include "tools/cli/subsidy_stub.h"
#include "tools/cli/table.h"

namespace zizhu::cli {
namespace {

namespace sv1 = zizhu::subsidy::v1;

std::string Shares(const google::protobuf::RepeatedPtrField<sv1::FundShare>& shares) {
  std::vector<std::string> parts;
  for (const auto& s : shares)
    parts.push_back(absl::StrCat(subsidy::FundSourceName(s.source()), " ", s.percent(), "%"));
  return absl::StrJoin(parts, ", ");
}

void PrintPolicy(const Globals& g, const sv1::Policy& policy) {
  if (g.json) return PrintJson(policy);
  std::cout << "policy " << policy.version() << ", in force from " << subsidy::FormatDate(policy.effective_from())
            << ", notice " << policy.notice_days() << " days — " << policy.title() << "\n";
  TableWriter table(std::cout, {{"rule", 26},
                                {"stage", 20},
                                {"class", 15},
                                {"boarding", 8},
                                {"tier", 4},
                                {"base/yr", 9},
                                {"top-up/yr", 9},
                                {"shares (base | top-up)", 0}});
  for (const sv1::PolicyRule& r : policy.rules()) {
    table.Row({r.rule_id(), subsidy::StageName(r.stage()), subsidy::AidClassName(r.aid_class()),
               subsidy::BoardingName(r.boarding()), std::to_string(r.tier()), Yuan(r.base_fen_per_year()),
               Yuan(r.top_up_fen_per_year()),
               absl::StrCat(Shares(r.base_shares()), " | ", Shares(r.top_up_shares()),
                            r.payer() == sv1::PAYER_CIVIL_AFFAIRS ? " (paid by civil affairs)" : "")});
  }
}

class PolicyCommands final : public CommandGroup {
 public:
  explicit PolicyCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override {
    auto* policy = app.add_subcommand("policy", "subsidy policy versions")->require_subcommand(1);
    auto* check = policy->add_subcommand("check", "check a policy file offline (names line and field)");
    check->add_option("file", file_, "YAML policy file")->required();
    check->callback([this] {
      absl::StatusOr<std::string> text = ReadTextFile(file_);
      if (!text.ok()) {
        rc = FailStatus(text.status());
        return;
      }
      absl::StatusOr<sv1::Policy> parsed = subsidy::ParsePolicyFile(file_, *text);
      if (!parsed.ok()) {
        rc = Fail(std::string(parsed.status().message()));
        return;
      }
      PrintPolicy(g, *parsed);
    });

    auto* load = policy->add_subcommand("load", "load a policy file (published, or a draft for what-if)");
    load->add_option("file", file_, "YAML policy file")->required();
    load->add_flag("--draft", draft_, "load as a draft: used by what-if only, until published");
    load->callback([this] {
      absl::StatusOr<std::string> text = ReadTextFile(file_);
      if (!text.ok()) {
        rc = FailStatus(text.status());
        return;
      }
      // Checked here first, so that a broken file never leaves the machine.
      absl::StatusOr<sv1::Policy> parsed = subsidy::ParsePolicyFile(file_, *text);
      if (!parsed.ok()) {
        rc = Fail(std::string(parsed.status().message()));
        return;
      }
      sv1::LoadPolicyRequest request;
      *request.mutable_meta() = Meta(g);
      request.set_file_name(file_.substr(file_.find_last_of('/') + 1));
      request.set_content(*text);
      request.set_draft(draft_);
      sv1::LoadPolicyResponse response;
      grpc::Status status = DialSubsidy(g)->LoadPolicy(Context(g).get(), request, &response);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      if (g.json) return PrintJson(response.policy());
      std::cout << "loaded policy " << response.policy().policy().version()
                << (response.policy().draft() ? " as a draft" : ", published") << " (" << parsed->rules_size()
                << " rules, sha256 " << response.policy().file_hash().substr(0, 16) << ")\n";
    });

    auto* publish = policy->add_subcommand("publish", "publish a draft version (it takes effect on its date)");
    publish->add_option("version", version_, "policy version")->required();
    publish->callback([this] {
      sv1::PublishPolicyVersionRequest request;
      *request.mutable_meta() = Meta(g);
      request.set_version(version_);
      sv1::PublishPolicyVersionResponse response;
      grpc::Status status = DialSubsidy(g)->PublishPolicyVersion(Context(g).get(), request, &response);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      if (g.json) return PrintJson(response.policy());
      std::cout << "published policy " << version_ << "\n";
    });

    auto* list = policy->add_subcommand("list", "list policy versions");
    list->callback([this] {
      sv1::ListPoliciesResponse response;
      grpc::Status status = DialSubsidy(g)->ListPolicies(Context(g).get(), sv1::ListPoliciesRequest(), &response);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      TableWriter table(std::cout, {{"version", 16}, {"effective", 10}, {"state", 9}, {"rules", 5}, {"file", 0}});
      for (const auto& p : response.policies()) {
        if (g.json) {
          PrintJson(p);
          continue;
        }
        table.Row({p.policy().version(), subsidy::FormatDate(p.policy().effective_from()),
                   p.draft() ? "draft" : "published", std::to_string(p.policy().rules_size()), p.file_name()});
      }
    });

    auto* show = policy->add_subcommand("show", "show a version's rules");
    show->add_option("version", version_, "policy version")->required();
    show->callback([this] {
      sv1::GetPolicyRequest request;
      request.set_version(version_);
      sv1::GetPolicyResponse response;
      grpc::Status status = DialSubsidy(g)->GetPolicy(Context(g).get(), request, &response);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      PrintPolicy(g, response.policy().policy());
    });
  }

 private:
  std::string file_;
  std::string version_;
  bool draft_ = false;
};

}  // namespace

std::unique_ptr<CommandGroup> MakePolicyCommands(Cli& cli) { return std::make_unique<PolicyCommands>(cli); }

}  // namespace zizhu::cli
