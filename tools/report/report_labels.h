// Words of the reports in Chinese (default) and English: stage, category,
// fund source and yes/no; and the report's scope (city, county, school).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "tools/report/report_table.h"
#include "zizhu/registry/v1/types.pb.h"
#include "zizhu/subsidy/v1/policy.pb.h"

namespace zizhu::report {

// `zh` or `en` by language.
inline const std::string& Say(Language language, const std::string& zh, const std::string& en) {
  return language == Language::kChinese ? zh : en;
}

std::string StageName(Language language, registry::v1::EducationStage stage);
std::string CategoryName(Language language, registry::v1::PovertyCategory category);
std::string SourceName(Language language, subsidy::v1::FundSource source);
std::string YesNo(Language language, bool yes);

struct ReportScope {
  enum class Kind { kCity, kCounty, kSchool };
  Kind kind = Kind::kCity;
  std::string code;  // a city code prefix ("" = every county), a county code or a school code

  // "city", "city-2101", "county-210102", "school-2101020001"
  std::string id() const;
  bool CoversCounty(const std::string& county_code) const;
  bool CoversSchool(const std::string& county_code, const std::string& school_code) const;
};

// `kind` "city", "county" or "school" with its code (a county's six digits,
// a school's code; a city's code is optional). INVALID_ARGUMENT names the flag.
absl::StatusOr<ReportScope> ParseScope(const std::string& kind, const std::string& code);

}  // namespace zizhu::report
