#include "services/subsidy/domain/policy_file.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/core/money.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/subsidy/domain/semester.h"

namespace zizhu::subsidy {
namespace {

using registry::v1::EducationStage;

const std::map<std::string, EducationStage>& Stages() {
  static const auto* stages = new std::map<std::string, EducationStage>{
      {"preschool", registry::v1::EDUCATION_STAGE_PRESCHOOL},
      {"primary", registry::v1::EDUCATION_STAGE_PRIMARY},
      {"junior_middle", registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE},
      {"senior_high", registry::v1::EDUCATION_STAGE_SENIOR_HIGH},
      {"secondary_vocational", registry::v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL},
      {"university", registry::v1::EDUCATION_STAGE_UNIVERSITY}};
  return *stages;
}
const std::map<std::string, v1::AidClass>& Classes() {
  static const auto* classes = new std::map<std::string, v1::AidClass>{
      {"registered_poor", v1::AID_CLASS_REGISTERED_POOR}, {"hardship", v1::AID_CLASS_HARDSHIP}};
  return *classes;
}
const std::map<std::string, v1::BoardingMatch>& Boardings() {
  static const auto* boardings = new std::map<std::string, v1::BoardingMatch>{
      {"any", v1::BOARDING_MATCH_ANY}, {"boarding", v1::BOARDING_MATCH_BOARDING}, {"day", v1::BOARDING_MATCH_DAY}};
  return *boardings;
}
const std::map<std::string, v1::FundSource>& Sources() {
  static const auto* sources =
      new std::map<std::string, v1::FundSource>{{"central", v1::FUND_SOURCE_CENTRAL},
                                                {"provincial", v1::FUND_SOURCE_PROVINCIAL},
                                                {"city", v1::FUND_SOURCE_CITY},
                                                {"county", v1::FUND_SOURCE_COUNTY},
                                                {"foundation", v1::FUND_SOURCE_FOUNDATION},
                                                {"civil_affairs", v1::FUND_SOURCE_CIVIL_AFFAIRS}};
  return *sources;
}
const std::map<std::string, v1::Waiver>& Waivers() {
  static const auto* waivers = new std::map<std::string, v1::Waiver>{{"tuition", v1::WAIVER_TUITION},
                                                                     {"textbooks", v1::WAIVER_TEXTBOOKS},
                                                                     {"boarding", v1::WAIVER_BOARDING},
                                                                     {"fees", v1::WAIVER_FEES}};
  return *waivers;
}
const std::map<std::string, v1::Payer>& Payers() {
  static const auto* payers = new std::map<std::string, v1::Payer>{{"education", v1::PAYER_EDUCATION},
                                                                   {"civil_affairs", v1::PAYER_CIVIL_AFFAIRS}};
  return *payers;
}

template <typename Enum>
std::string NameOf(const std::map<std::string, Enum>& names, Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "unspecified";
}

template <typename Enum>
std::string Choices(const std::map<std::string, Enum>& names) {
  std::vector<std::string> keys;
  for (const auto& entry : names) keys.push_back(entry.first);
  return absl::StrJoin(keys, ", ");
}

// Reads one YAML document into a Policy, naming file, line and path.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  absl::Status Error(const YAML::Node& node, const std::string& path, const std::string& what) const {
    const int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    const std::string where = line > 0 ? absl::StrCat(file_, ":", line, ": ") : absl::StrCat(file_, ": ");
    // The file, line and YAML path said in the operator's language; the
    // problem itself names the file's (English) keys, so it stays as written.
    return Refusal(absl::StatusCode::kInvalidArgument, "POLICY_FILE_PROBLEM",
                   {{"file", file_}, {"where", line > 0 ? absl::StrCat(line) : "-"}, {"path", path}, {"problem", what}},
                   path.empty() ? absl::StrCat(where, what) : absl::StrCat(where, path, ": ", what));
  }

  // A mapping with only `allowed` keys.
  absl::Status CheckMap(const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) const {
    if (!node.IsMap()) return Error(node, path, "must be a mapping of key: value");
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      if (!allowed.count(key)) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        return Error(entry.first, path.empty() ? key : absl::StrCat(path, ".", key),
                     absl::StrCat("unknown field (expected one of: ", absl::StrJoin(names, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Text(const YAML::Node& parent, const std::string& key, const std::string& path,
                                   bool required) const {
    const YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) return Error(parent, Join(path, key), "is required");
      return std::string();
    }
    if (!node.IsScalar()) return Error(node, Join(path, key), "must be a single value");
    return node.Scalar();
  }

  absl::StatusOr<int> Int(const YAML::Node& parent, const std::string& key, const std::string& path, int min, int max,
                          std::optional<int> fallback) const {
    ASSIGN_OR_RETURN(std::string text, Text(parent, key, path, !fallback.has_value()));
    if (text.empty()) return *fallback;
    int value = 0;
    if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
      return Error(parent[key], Join(path, key),
                   absl::StrCat("'", text, "' must be a whole number from ", min, " to ", max));
    }
    return value;
  }

  absl::StatusOr<int64_t> Yuan(const YAML::Node& parent, const std::string& key, const std::string& path) const {
    ASSIGN_OR_RETURN(std::string text, Text(parent, key, path, true));
    absl::StatusOr<Fen> fen = Fen::ParseYuan(text);
    if (!fen.ok() || fen->fen() < 0 || fen->fen() > 100'000'000) {
      return Error(parent[key], Join(path, key),
                   absl::StrCat("'", text, "' must be an amount in yuan from 0 to 1000000, at most two decimals"));
    }
    return fen->fen();
  }

  template <typename Enum>
  absl::StatusOr<Enum> OneOf(const YAML::Node& parent, const std::string& key, const std::string& path,
                             const std::map<std::string, Enum>& names, std::optional<Enum> fallback) const {
    ASSIGN_OR_RETURN(std::string text, Text(parent, key, path, !fallback.has_value()));
    if (text.empty()) return *fallback;
    auto it = names.find(text);
    if (it == names.end()) {
      return Error(parent[key], Join(path, key), absl::StrCat("'", text, "' is not one of: ", Choices(names)));
    }
    return it->second;
  }

  absl::StatusOr<Date> DateField(const YAML::Node& parent, const std::string& key, const std::string& path) const {
    ASSIGN_OR_RETURN(std::string text, Text(parent, key, path, true));
    Date date;
    int y = 0, m = 0, d = 0;
    const bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                       absl::SimpleAtoi(text.substr(0, 4), &y) && absl::SimpleAtoi(text.substr(5, 2), &m) &&
                       absl::SimpleAtoi(text.substr(8, 2), &d);
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
    if (!shape || !ValidateDate("date", date).ok()) {
      return Error(parent[key], Join(path, key), absl::StrCat("'", text, "' must be a date YYYY-MM-DD"));
    }
    return date;
  }

  absl::Status Shares(const YAML::Node& parent, const std::string& key, const std::string& path,
                      google::protobuf::RepeatedPtrField<v1::FundShare>* out) const {
    const YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return absl::OkStatus();
    const std::string here = Join(path, key);
    if (!node.IsMap())
      return Error(node, here, "must be a mapping of fund source: percent, e.g. {central: 80, provincial: 20}");
    for (const auto& entry : node) {
      const std::string name = entry.first.as<std::string>();
      auto source = Sources().find(name);
      if (source == Sources().end()) {
        return Error(entry.first, Join(here, name),
                     absl::StrCat("unknown fund source (expected one of: ", Choices(Sources()), ")"));
      }
      ASSIGN_OR_RETURN(int percent, Int(node, name, here, 1, 100, std::nullopt));
      v1::FundShare* share = out->Add();
      share->set_source(source->second);
      share->set_percent(percent);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<v1::PolicyRule> Rule(const YAML::Node& node, const std::string& path) const {
    RETURN_IF_ERROR(CheckMap(node, path,
                             {"id", "stage", "class", "boarding", "tier", "base_yuan_per_year", "top_up_yuan_per_year",
                              "base_shares", "top_up_shares", "waivers", "payer", "description"}));
    v1::PolicyRule rule;
    ASSIGN_OR_RETURN(*rule.mutable_rule_id(), Text(node, "id", path, true));
    ASSIGN_OR_RETURN(EducationStage stage, OneOf(node, "stage", path, Stages(), std::optional<EducationStage>()));
    rule.set_stage(stage);
    ASSIGN_OR_RETURN(v1::AidClass aid_class, OneOf(node, "class", path, Classes(), std::optional<v1::AidClass>()));
    rule.set_aid_class(aid_class);
    ASSIGN_OR_RETURN(v1::BoardingMatch boarding,
                     OneOf(node, "boarding", path, Boardings(), std::optional(v1::BOARDING_MATCH_ANY)));
    rule.set_boarding(boarding);
    ASSIGN_OR_RETURN(int tier, Int(node, "tier", path, 1, 9, 1));
    rule.set_tier(tier);
    ASSIGN_OR_RETURN(int64_t base, Yuan(node, "base_yuan_per_year", path));
    rule.set_base_fen_per_year(base);
    ASSIGN_OR_RETURN(int64_t top_up, Yuan(node, "top_up_yuan_per_year", path));
    rule.set_top_up_fen_per_year(top_up);
    RETURN_IF_ERROR(Shares(node, "base_shares", path, rule.mutable_base_shares()));
    RETURN_IF_ERROR(Shares(node, "top_up_shares", path, rule.mutable_top_up_shares()));
    const YAML::Node waivers = node["waivers"];
    if (waivers.IsDefined() && !waivers.IsNull()) {
      if (!waivers.IsSequence())
        return Error(waivers, Join(path, "waivers"), "must be a list, e.g. [tuition, textbooks]");
      for (size_t i = 0; i < waivers.size(); ++i) {
        const std::string here = absl::StrCat(Join(path, "waivers"), "[", i, "]");
        const std::string name = waivers[i].IsScalar() ? waivers[i].Scalar() : "";
        auto it = Waivers().find(name);
        if (it == Waivers().end()) {
          return Error(waivers[i], here, absl::StrCat("'", name, "' is not one of: ", Choices(Waivers())));
        }
        rule.add_waivers(it->second);
      }
    }
    ASSIGN_OR_RETURN(v1::Payer payer, OneOf(node, "payer", path, Payers(), std::optional(v1::PAYER_EDUCATION)));
    rule.set_payer(payer);
    ASSIGN_OR_RETURN(*rule.mutable_description(), Text(node, "description", path, false));
    return rule;
  }

  absl::StatusOr<v1::TermCalendar> Term(const YAML::Node& parent, const std::string& key,
                                        const std::string& path) const {
    const YAML::Node node = parent[key];
    const std::string here = Join(path, key);
    if (!node.IsDefined()) return Error(parent, here, "is required");
    RETURN_IF_ERROR(CheckMap(node, here, {"first_month", "months", "application_month"}));
    v1::TermCalendar term;
    ASSIGN_OR_RETURN(int first, Int(node, "first_month", here, 1, 12, std::nullopt));
    ASSIGN_OR_RETURN(int months, Int(node, "months", here, 1, 12, std::nullopt));
    ASSIGN_OR_RETURN(int application, Int(node, "application_month", here, 1, 12, std::nullopt));
    term.set_first_month(first);
    term.set_months(months);
    term.set_application_month(application);
    return term;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : absl::StrCat(path, ".", key);
  }

 private:
  std::string file_;
};

}  // namespace

std::string StageName(EducationStage stage) { return NameOf(Stages(), stage); }
std::string AidClassName(v1::AidClass aid_class) { return NameOf(Classes(), aid_class); }
std::string BoardingName(v1::BoardingMatch boarding) { return NameOf(Boardings(), boarding); }
std::string FundSourceName(v1::FundSource source) { return NameOf(Sources(), source); }
std::string WaiverName(v1::Waiver waiver) { return NameOf(Waivers(), waiver); }

absl::StatusOr<v1::Policy> ParsePolicyFile(const std::string& file_name, const std::string& text) {
  Reader reader(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Refusal(absl::StatusCode::kInvalidArgument, "POLICY_FILE_PROBLEM",
                   {{"file", file_name}, {"where", absl::StrCat(e.mark.line + 1)}, {"path", ""}, {"problem", e.msg}},
                   absl::StrCat(file_name, ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
  v1::Policy policy;
  try {
    RETURN_IF_ERROR(reader.CheckMap(
        root, "", {"version", "effective_from", "title", "notice_days", "credit_loan", "terms", "rules"}));
    ASSIGN_OR_RETURN(*policy.mutable_version(), reader.Text(root, "version", "", true));
    ASSIGN_OR_RETURN(*policy.mutable_effective_from(), reader.DateField(root, "effective_from", ""));
    ASSIGN_OR_RETURN(*policy.mutable_title(), reader.Text(root, "title", "", false));
    ASSIGN_OR_RETURN(int notice_days, reader.Int(root, "notice_days", "", 1, 60, 7));
    policy.set_notice_days(notice_days);
    if (const YAML::Node loan = root["credit_loan"]; loan.IsDefined()) {
      RETURN_IF_ERROR(reader.CheckMap(loan, "credit_loan", {"university_cap_yuan_per_year"}));
      ASSIGN_OR_RETURN(int64_t cap, reader.Yuan(loan, "university_cap_yuan_per_year", "credit_loan"));
      policy.set_credit_loan_cap_fen_per_year(cap);
    }
    const YAML::Node terms = root["terms"];
    if (!terms.IsDefined()) return reader.Error(root, "terms", "is required (spring and autumn calendars)");
    RETURN_IF_ERROR(reader.CheckMap(terms, "terms", {"spring", "autumn"}));
    ASSIGN_OR_RETURN(*policy.mutable_spring(), reader.Term(terms, "spring", "terms"));
    ASSIGN_OR_RETURN(*policy.mutable_autumn(), reader.Term(terms, "autumn", "terms"));
    const YAML::Node rules = root["rules"];
    if (!rules.IsDefined() || !rules.IsSequence() || rules.size() == 0) {
      return reader.Error(rules.IsDefined() ? rules : root, "rules", "must be a non-empty list of rules");
    }
    for (size_t i = 0; i < rules.size(); ++i) {
      const std::string path = absl::StrCat("rules[", i, "]");
      ASSIGN_OR_RETURN(*policy.add_rules(), reader.Rule(rules[i], path));
      absl::Status valid = ValidatePolicy(policy);
      // Rule-level problems (shares, overlaps) name the rule's line.
      if (!valid.ok() && valid.message().find("rules[") != absl::string_view::npos) {
        return reader.Error(rules[i], "", std::string(valid.message()));
      }
    }
  } catch (const YAML::Exception& e) {
    return Refusal(absl::StatusCode::kInvalidArgument, "POLICY_FILE_PROBLEM",
                   {{"file", file_name}, {"where", absl::StrCat(e.mark.line + 1)}, {"path", ""}, {"problem", e.msg}},
                   absl::StrCat(file_name, ":", e.mark.line + 1, ": ", e.msg));
  }
  absl::Status valid = ValidatePolicy(policy);
  if (!valid.ok()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "POLICY_FILE_PROBLEM",
                   {{"file", file_name}, {"where", "-"}, {"path", ""}, {"problem", std::string(valid.message())}},
                   absl::StrCat(file_name, ": ", valid.message()));
  }
  return policy;
}

absl::Status ValidatePolicy(const v1::Policy& policy) {
  const std::string& version = policy.version();
  bool version_ok = !version.empty() && version.size() <= 40;
  for (char c : version) {
    version_ok &= absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  }
  if (!version_ok) {
    return absl::InvalidArgumentError(absl::StrCat("version '", version.substr(0, 40),
                                                   "' must be 1-40 characters of letters, digits, '.', '_', '-'"));
  }
  RETURN_IF_ERROR(ValidateDate("effective_from", policy.effective_from()));
  if (policy.notice_days() < 1 || policy.notice_days() > 60) {
    return absl::InvalidArgumentError(absl::StrCat("notice_days ", policy.notice_days(), " must be 1-60"));
  }
  for (const auto* term : {&policy.spring(), &policy.autumn()}) {
    if (term->first_month() < 1 || term->first_month() > 12 || term->months() < 1 || term->months() > 12 ||
        term->application_month() < 1 || term->application_month() > 12) {
      return absl::InvalidArgumentError("terms: first_month, months and application_month must be 1-12");
    }
  }
  if (policy.rules().empty()) return absl::InvalidArgumentError("rules: a policy needs at least one rule");
  std::set<std::string> ids;
  std::set<std::tuple<int, int, int, int>> keys;  // stage, class, boarding (expanded), tier
  for (int i = 0; i < policy.rules_size(); ++i) {
    const v1::PolicyRule& rule = policy.rules(i);
    const std::string path = absl::StrCat("rules[", i, "]");
    if (rule.rule_id().empty() || rule.rule_id().size() > 60) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".id: must be 1-60 characters"));
    }
    if (!ids.insert(rule.rule_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".id: '", rule.rule_id(), "' is used by an earlier rule"));
    }
    if (rule.stage() == registry::v1::EDUCATION_STAGE_UNSPECIFIED || rule.aid_class() == v1::AID_CLASS_UNSPECIFIED ||
        rule.boarding() == v1::BOARDING_MATCH_UNSPECIFIED || rule.tier() < 1 || rule.tier() > 9) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " (", rule.rule_id(), "): stage, class, boarding and tier 1-9 are required"));
    }
    if (rule.base_fen_per_year() < 0 || rule.top_up_fen_per_year() < 0 || rule.base_fen_per_year() > 100'000'000 ||
        rule.top_up_fen_per_year() > 100'000'000) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " (", rule.rule_id(), "): amounts must be 0 to 1000000 yuan a year"));
    }
    const std::pair<const char*, const google::protobuf::RepeatedPtrField<v1::FundShare>*> components[] = {
        {"base_shares", &rule.base_shares()}, {"top_up_shares", &rule.top_up_shares()}};
    const int64_t amounts[] = {rule.base_fen_per_year(), rule.top_up_fen_per_year()};
    for (int c = 0; c < 2; ++c) {
      int sum = 0;
      std::set<int> sources;
      for (const v1::FundShare& share : *components[c].second) {
        sum += share.percent();
        if (share.source() == v1::FUND_SOURCE_UNSPECIFIED || !sources.insert(share.source()).second) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ".", components[c].first, ": each fund source at most once"));
        }
      }
      if (amounts[c] > 0 && sum != 100) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ".", components[c].first, ": the shares add up to ", sum, " percent, not 100"));
      }
    }
    std::vector<int> boardings = {static_cast<int>(rule.boarding())};
    if (rule.boarding() == v1::BOARDING_MATCH_ANY) boardings = {v1::BOARDING_MATCH_BOARDING, v1::BOARDING_MATCH_DAY};
    for (int boarding : boardings) {
      if (!keys.insert({rule.stage(), rule.aid_class(), boarding, rule.tier()}).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, " (", rule.rule_id(), "): another rule already covers stage ", StageName(rule.stage()),
                         ", class ", AidClassName(rule.aid_class()), ", ",
                         BoardingName(static_cast<v1::BoardingMatch>(boarding)), ", tier ", rule.tier()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace zizhu::subsidy
