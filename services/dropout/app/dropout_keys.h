// Projection keys of the dropout service (README "Projection rows").
#pragma once

#include <string>

#include "absl/strings/str_cat.h"

namespace zizhu::dropout::keys {

inline std::string Subject(const std::string& subject) { return absl::StrCat("sub/", subject); }
inline std::string Case(const std::string& case_id) { return absl::StrCat("case/", case_id); }
// Cases by county, school ("-" for none) and state: "ixc/<county>/<school>/<state>/<case>".
inline std::string CaseIndexPrefix(const std::string& county) { return absl::StrCat("ixc/", county, "/"); }
inline std::string CaseIndex(const std::string& county, const std::string& school, int state,
                             const std::string& case_id) {
  return absl::StrCat(CaseIndexPrefix(county), school.empty() ? "-" : school, "/", state, "/", case_id);
}
inline std::string Card(const std::string& student) { return absl::StrCat("lb/", student); }

// Upstream rows (the registry's facts).
inline std::string Child(const std::string& student) { return absl::StrCat("up/child/", student); }
inline std::string ChildByHash(const std::string& hash) { return absl::StrCat("up/hash/", hash); }
inline std::string SchoolCounty(const std::string& school) { return absl::StrCat("up/school/", school); }
// A county's code by its name (从学校登记: 和平区 -> 210102), for rosters that name counties.
inline std::string CountyByName(const std::string& name) { return absl::StrCat("up/countyname/", name); }
// Students per county, stage and enrolment status: a count.
inline std::string CountPrefix(const std::string& county) { return absl::StrCat("up/count/", county, "/"); }
inline std::string Count(const std::string& county, int stage, int status) {
  return absl::StrCat(CountPrefix(county), stage, "/", status);
}
inline std::string LeftBehindPrefix(const std::string& county) { return absl::StrCat("up/lb/", county, "/"); }
inline std::string LeftBehind(const std::string& county, const std::string& school, const std::string& student) {
  return absl::StrCat(LeftBehindPrefix(county), school, "/", student);
}
inline constexpr char kDisabledPrefix[] = "up/disabled/";
inline std::string Disabled(const std::string& hash) { return absl::StrCat(kDisabledPrefix, hash); }
inline std::string StatusRosterEnrolled(const std::string& hash) { return absl::StrCat("up/status/", hash); }

}  // namespace zizhu::dropout::keys
