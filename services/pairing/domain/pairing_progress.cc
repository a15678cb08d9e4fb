#include "services/pairing/domain/pairing_progress.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "services/common/core/basis_points.h"
#include "services/common/core/refusal.h"

namespace zizhu::pairing {
namespace {

using registry::v1::Date;
using rules::CompareDates;

Date D(int y, int m, int d) { return rules::DateOf(y, m, d); }

bool Inside(const Date& d, const Date& first, const Date& last) {
  return CompareDates(d, first) >= 0 && CompareDates(d, last) <= 0;
}

// The pair's span overlaps [first, last].
bool ActiveDuring(const v1::PairRecord& p, const Date& first, const Date& last) {
  return CompareDates(p.start(), last) <= 0 && (!rules::IsSet(p.end()) || CompareDates(p.end(), first) >= 0);
}

}  // namespace

v1::GetProgressResponse ProgressOf(const v1::PlanRecord& plan, const std::vector<v1::PairRecord>& pairs) {
  v1::GetProgressResponse r;
  *r.mutable_plan() = plan;
  for (const auto& p : pairs) {
    if (p.county_code().rfind(plan.scope(), 0) != 0) continue;
    if (Inside(p.start(), plan.from(), plan.to())) {
      if (p.kind() == v1::PAIR_KIND_SCHOOL) r.set_school_pairs(r.school_pairs() + 1);
      if (p.kind() == v1::PAIR_KIND_TEACHER) r.set_teacher_pairs(r.teacher_pairs() + 1);
    }
    for (const auto& a : p.activities()) {
      if (a.kind() == v1::ACTIVITY_KIND_DEMONSTRATION_LESSON && Inside(a.date(), plan.from(), plan.to())) {
        r.set_demonstration_lessons(r.demonstration_lessons() + 1);
      }
    }
  }
  return r;
}

absl::Status SemesterBounds(const std::string& semester, Date* first, Date* last) {
  std::vector<std::string> parts = absl::StrSplit(semester, '-');
  int year = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &year) || year < 2000 || year > 2100 ||
      (parts[1] != "spring" && parts[1] != "autumn")) {
    return FieldInvalid("semester", semester.substr(0, 20), "must be <year>-spring or <year>-autumn");
  }
  if (parts[1] == "spring") {
    *first = D(year, 2, 1);
    *last = D(year, 7, 31);
  } else {
    *first = D(year, 8, 1);
    *last = D(year + 1, 1, 31);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::MissedActivity>> MissedActivities(const std::vector<v1::PairRecord>& pairs,
                                                                 const std::string& semester,
                                                                 const v1::PairingRules& rules) {
  Date first, last;
  absl::Status bounds = SemesterBounds(semester, &first, &last);
  if (!bounds.ok()) return bounds;
  const bool autumn = semester.find("autumn") != std::string::npos;
  // The school year closing with an autumn semester: Feb 1 of its year to Jan 31 next.
  const Date year_first = D(first.year(), 2, 1);
  std::vector<v1::MissedActivity> missed;
  for (const auto& p : pairs) {
    if (p.kind() != v1::PAIR_KIND_SCHOOL || !ActiveDuring(p, first, last)) continue;
    int research = 0, to_rural = 0, to_urban = 0;
    for (const auto& a : p.activities()) {
      if (a.kind() == v1::ACTIVITY_KIND_JOINT_RESEARCH && Inside(a.date(), first, last)) ++research;
      if (a.kind() == v1::ACTIVITY_KIND_MANAGER_EXCHANGE && Inside(a.date(), year_first, last)) {
        if (a.direction() == v1::DIRECTION_URBAN_TO_RURAL) ++to_rural;
        if (a.direction() == v1::DIRECTION_RURAL_TO_URBAN) ++to_urban;
      }
    }
    std::vector<std::string> missing;
    if (research < rules.joint_research_per_semester()) {
      missing.push_back(absl::StrCat("joint teaching research: ", research, " of ", rules.joint_research_per_semester(),
                                     " this semester"));
    }
    if (autumn && (to_rural < rules.manager_exchanges_each_way_per_year() ||
                   to_urban < rules.manager_exchanges_each_way_per_year())) {
      missing.push_back(absl::StrCat("manager exchange this year: ", to_rural, " urban to rural, ", to_urban,
                                     " rural to urban; at least ", rules.manager_exchanges_each_way_per_year(),
                                     " each way"));
    }
    if (missing.empty()) continue;
    v1::MissedActivity m;
    *m.mutable_pair() = p;
    m.mutable_pair()->clear_activities();
    m.set_missing(absl::StrJoin(missing, "; "));
    missed.push_back(std::move(m));
  }
  return missed;
}

v1::RotationProgress RotationProgressOf(const v1::RotationRecord& record, const v1::PairingRules& rules) {
  v1::RotationProgress r;
  r.set_county_code(record.county_code());
  r.set_year(record.year());
  for (const auto& t : record.teachers()) r.set_backbone_teachers(r.backbone_teachers() + (t.backbone() ? 1 : 0));
  r.set_rotated(record.rotations_size());
  r.set_rate_bp(BasisPoints(r.rotated(), r.backbone_teachers()));
  r.set_target_min_bp(rules.rotation_min_bp());
  r.set_meets_target(r.backbone_teachers() > 0 && r.rate_bp() >= rules.rotation_min_bp());
  return r;
}

absl::StatusOr<v1::PairingRules> ParseRulesFile(const std::string& file, const std::string& text) {
  v1::PairingRules rules;
  auto bad = [&](const YAML::Node& node, const std::string& field, const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", node.IsDefined() ? node.Mark().line + 1 : 1, ": ", field, ": ", why));
  };
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return bad(root, "(file)", "must be a mapping");
    const std::set<std::string> allowed = {"version", "joint_research_per_semester",
                                           "manager_exchanges_each_way_per_year", "rotation_min_percent"};
    for (const auto& item : root) {
      if (!allowed.count(item.first.Scalar())) return bad(item.first, item.first.Scalar(), "unknown field");
    }
    for (const std::string& key : allowed) {
      if (!root[key].IsDefined() || !root[key].IsScalar() || root[key].Scalar().empty()) {
        return bad(root, key, "is required");
      }
    }
    rules.set_version(root["version"].Scalar());
    for (const auto& [key, max] : {std::pair<const char*, int>{"joint_research_per_semester", 20},
                                   {"manager_exchanges_each_way_per_year", 20},
                                   {"rotation_min_percent", 100}}) {
      int value = 0;
      if (!absl::SimpleAtoi(root[key].Scalar(), &value) || value < 0 || value > max) {
        return bad(root[key], key, absl::StrCat("'", root[key].Scalar(), "' must be a whole number from 0 to ", max));
      }
      if (std::string(key) == "joint_research_per_semester") rules.set_joint_research_per_semester(value);
      if (std::string(key) == "manager_exchanges_each_way_per_year") {
        rules.set_manager_exchanges_each_way_per_year(value);
      }
      if (std::string(key) == "rotation_min_percent") rules.set_rotation_min_bp(value * 100);
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
  return rules;
}

}  // namespace zizhu::pairing
