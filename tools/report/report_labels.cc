#include "tools/report/report_labels.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zizhu::report {

std::string StageName(Language l, registry::v1::EducationStage stage) {
  switch (stage) {
    case registry::v1::EDUCATION_STAGE_PRESCHOOL:
      return Say(l, "学前", "preschool");
    case registry::v1::EDUCATION_STAGE_PRIMARY:
      return Say(l, "小学", "primary");
    case registry::v1::EDUCATION_STAGE_JUNIOR_MIDDLE:
      return Say(l, "初中", "junior middle");
    case registry::v1::EDUCATION_STAGE_SENIOR_HIGH:
      return Say(l, "普通高中", "senior high");
    case registry::v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL:
      return Say(l, "中职", "secondary vocational");
    case registry::v1::EDUCATION_STAGE_UNIVERSITY:
      return Say(l, "大学及研究生", "university");
    default:  // e.g. a child on the gap list, enrolled nowhere
      return Say(l, "无学段", "no stage");
  }
}

std::string CategoryName(Language l, registry::v1::PovertyCategory category) {
  switch (category) {
    case registry::v1::POVERTY_CATEGORY_REGISTERED_POOR:
      return Say(l, "建档立卡", "registered poor");
    case registry::v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE:
      return Say(l, "低保", "subsistence allowance");
    case registry::v1::POVERTY_CATEGORY_EXTREME_POVERTY:
      return Say(l, "特困", "extreme poverty");
    case registry::v1::POVERTY_CATEGORY_ORPHAN:
      return Say(l, "孤儿", "orphan");
    case registry::v1::POVERTY_CATEGORY_DISABLED:
      return Say(l, "残疾", "disabled");
    case registry::v1::POVERTY_CATEGORY_LEFT_BEHIND:
      return Say(l, "留守儿童", "left-behind");
    default:
      return Say(l, "未知", "unknown");
  }
}

std::string SourceName(Language l, subsidy::v1::FundSource source) {
  switch (source) {
    case subsidy::v1::FUND_SOURCE_CENTRAL:
      return Say(l, "中央", "central");
    case subsidy::v1::FUND_SOURCE_PROVINCIAL:
      return Say(l, "省级", "provincial");
    case subsidy::v1::FUND_SOURCE_CITY:
      return Say(l, "市级", "city");
    case subsidy::v1::FUND_SOURCE_COUNTY:
      return Say(l, "县级", "county");
    case subsidy::v1::FUND_SOURCE_FOUNDATION:
      return Say(l, "教育基金会", "foundation");
    case subsidy::v1::FUND_SOURCE_CIVIL_AFFAIRS:
      return Say(l, "民政", "civil affairs");
    default:
      return Say(l, "未知", "unknown");
  }
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
