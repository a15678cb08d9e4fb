#include "services/dropout/domain/rates.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/core/money.h"

namespace zizhu::dropout {

bool IsThreeCategoryDisability(registry::v1::DisabilityCategory c) {
  return c == registry::v1::DISABILITY_CATEGORY_VISUAL || c == registry::v1::DISABILITY_CATEGORY_HEARING ||
         c == registry::v1::DISABILITY_CATEGORY_INTELLECTUAL;
}
namespace {

using registry::v1::EducationStage;

absl::Status Bad(const std::string& file, const YAML::Node& node, const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", node.IsDefined() ? node.Mark().line + 1 : 1, ": ", field, ": ", why));
}

// "0.6" -> 60 basis points (a percent with at most two decimals, 0-100).
absl::StatusOr<int32_t> Percent(const std::string& file, const YAML::Node& parent, const std::string& key,
                                const std::string& field) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || !node.IsScalar()) return Bad(file, parent, field, "is required (a percent)");
  absl::StatusOr<Fen> hundredths = Fen::ParseYuan(node.Scalar());  // two decimals, exactly
  if (!hundredths.ok() || hundredths->fen() < 0 || hundredths->fen() > 10000) {
    return Bad(file, node, field, absl::StrCat("'", node.Scalar(), "' must be a percent from 0 to 100, two decimals"));
  }
  return static_cast<int32_t>(hundredths->fen());
}

}  // namespace

v1::CountyRates RatesOf(const std::string& county_code, const CountyCounts& counts, const v1::Targets& targets) {
  v1::CountyRates r;
  r.set_county_code(county_code);
  for (const auto& [stage, count] : counts.stages) {
    v1::StageRate* s = r.add_stages();
    s->set_stage(stage);
    s->set_dropped_out(count.dropped_out);
    s->set_base(count.enrolled + count.dropped_out);
    s->set_rate_bp(BasisPoints(count.dropped_out, s->base()));
    const int32_t target = stage == registry::v1::EDUCATION_STAGE_PRIMARY ? targets.primary_dropout_max_bp()
                           : stage == registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE
                               ? targets.junior_middle_dropout_max_bp()
                               : 0;
    s->set_target_max_bp(target);
    s->set_meets_target(target == 0 || s->rate_bp() < target);
  }
  r.set_disabled_children(counts.disabled_children);
  r.set_disabled_enrolled(counts.disabled_enrolled);
  r.set_disabled_enrolment_bp(BasisPoints(counts.disabled_enrolled, counts.disabled_children));
  r.set_disabled_target_min_bp(targets.disabled_enrolment_min_bp());
  r.set_disabled_meets_target(counts.disabled_children == 0 ||
                              r.disabled_enrolment_bp() >= targets.disabled_enrolment_min_bp());
  r.set_open_cases(counts.open_cases);
  r.set_cases_without_full_team(counts.cases_without_full_team);
  return r;
}

absl::StatusOr<v1::Targets> ParseTargetsFile(const std::string& file, const std::string& text) {
  v1::Targets targets;
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return Bad(file, root, "(file)", "must be a mapping");
    const std::set<std::string> allowed = {"version", "dropout_rate_max_percent", "disabled_enrolment_min_percent"};
    for (const auto& item : root) {
      if (!allowed.count(item.first.Scalar())) return Bad(file, item.first, item.first.Scalar(), "unknown field");
    }
    if (!root["version"].IsDefined() || root["version"].Scalar().empty()) {
      return Bad(file, root, "version", "is required");
    }
    targets.set_version(root["version"].Scalar());
    const YAML::Node rates = root["dropout_rate_max_percent"];
    if (!rates.IsMap()) return Bad(file, root, "dropout_rate_max_percent", "is required (primary, junior_middle)");
    for (const auto& item : rates) {
      const std::string key = item.first.Scalar();
      if (key != "primary" && key != "junior_middle") {
        return Bad(file, item.first, "dropout_rate_max_percent." + key, "unknown stage (primary, junior_middle)");
      }
    }
    auto primary = Percent(file, rates, "primary", "dropout_rate_max_percent.primary");
    if (!primary.ok()) return primary.status();
    auto junior = Percent(file, rates, "junior_middle", "dropout_rate_max_percent.junior_middle");
    if (!junior.ok()) return junior.status();
    auto disabled = Percent(file, root, "disabled_enrolment_min_percent", "disabled_enrolment_min_percent");
    if (!disabled.ok()) return disabled.status();
    targets.set_primary_dropout_max_bp(*primary);
    targets.set_junior_middle_dropout_max_bp(*junior);
    targets.set_disabled_enrolment_min_bp(*disabled);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
  return targets;
}

}  // namespace zizhu::dropout
