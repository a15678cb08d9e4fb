#include "tools/report/report_labels.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/enum_label.h"

namespace zizhu::report {

// The proto's label of each value (services/common/core/enum_label.h); what
// the report says where the value is unset.
std::string StageName(Language l, registry::v1::EducationStage stage) {
  if (stage == registry::v1::EDUCATION_STAGE_UNSPECIFIED) {
    return Say(l, "无学段", "no stage");  // e.g. a child on the gap list, enrolled nowhere
  }
  return EnumLabel(stage, l == Language::kChinese);
}

std::string CategoryName(Language l, registry::v1::PovertyCategory category) {
  if (category == registry::v1::POVERTY_CATEGORY_UNSPECIFIED) return Say(l, "未知", "unknown");
  return EnumLabel(category, l == Language::kChinese);
}

std::string SourceName(Language l, subsidy::v1::FundSource source) {
  if (source == subsidy::v1::FUND_SOURCE_UNSPECIFIED) return Say(l, "未知", "unknown");
  return EnumLabel(source, l == Language::kChinese);
}

std::string YesNo(Language l, bool yes) { return yes ? Say(l, "是", "yes") : Say(l, "否", "no"); }

std::string ReportScope::id() const {
  switch (kind) {
    case Kind::kCity:
      return code.empty() ? "city" : absl::StrCat("city-", code);
    case Kind::kCounty:
      return absl::StrCat("county-", code);
    case Kind::kSchool:
      return absl::StrCat("school-", code);
  }
  return "?";
}

bool ReportScope::CoversCounty(const std::string& county_code) const {
  switch (kind) {
    case Kind::kCity:
      return absl::StartsWith(county_code, code);
    case Kind::kCounty:
      return county_code == code;
    case Kind::kSchool:
      return false;
  }
  return false;
}

bool ReportScope::CoversSchool(const std::string& county_code, const std::string& school_code) const {
  return kind == Kind::kSchool ? school_code == code : CoversCounty(county_code);
}

absl::StatusOr<ReportScope> ParseScope(const std::string& kind, const std::string& code) {
  auto digits = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  ReportScope scope;
  scope.code = code;
  if (kind == "city") {
    if (!code.empty() && (!digits(code) || code.size() != 4)) {
      return absl::InvalidArgumentError(absl::StrCat("--city '", code, "' is not a city code (4 digits, e.g. 2101)"));
    }
    scope.kind = ReportScope::Kind::kCity;
  } else if (kind == "county") {
    if (!digits(code) || code.size() != 6) {
      return absl::InvalidArgumentError(
          absl::StrCat("--county '", code, "' is not a county code (6 digits, e.g. 210102); --scope county needs it"));
    }
    scope.kind = ReportScope::Kind::kCounty;
  } else if (kind == "school") {
    if (code.empty()) return absl::InvalidArgumentError("--scope school needs --school <school code>");
    scope.kind = ReportScope::Kind::kSchool;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--scope '", kind, "' is not one of city, county, school"));
  }
  return scope;
}

}  // namespace zizhu::report
