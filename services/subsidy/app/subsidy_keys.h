// Projection keys of the subsidy service (README "Projection rows").
// Own rows are folds of the service's own events; "up/" rows are its copy of
// the registry's facts, written only by the upstream projection.
#pragma once

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zizhu::subsidy::keys {

inline std::string Policy(const std::string& version) { return absl::StrCat("pol/", version); }
inline constexpr char kPolicyPrefix[] = "pol/";
inline std::string Round(const std::string& round_id) { return absl::StrCat("rnd/", round_id); }
// Rounds by semester and county: "ixr/<semester>/<county>/<school>".
inline std::string RoundIndexPrefix(const std::string& semester) { return absl::StrCat("ixr/", semester, "/"); }
inline std::string RoundIndex(const std::string& semester, const std::string& county, const std::string& school) {
  return absl::StrCat(RoundIndexPrefix(semester), county, "/", school);
}
inline std::string ApplicationPrefix(const std::string& round_id) { return absl::StrCat("app/", round_id, "/"); }
inline std::string Application(const std::string& round_id, const std::string& student) {
  return ApplicationPrefix(round_id) + student;
}
// Applications by state: "ixa/<round>/<state nn>/<student>".
inline std::string ApplicationStatePrefix(const std::string& round_id, int state) {
  return absl::StrCat("ixa/", round_id, "/", state < 10 ? "0" : "", state, "/");
}
inline std::string CoverageReason(const std::string& round_id, const std::string& student) {
  return absl::StrCat("cov/", round_id, "/", student);
}
inline std::string ObjectionPrefix(const std::string& round_id) { return absl::StrCat("obj/", round_id, "/"); }
inline std::string Objection(const std::string& round_id, const std::string& id) {
  return ObjectionPrefix(round_id) + id;
}
inline std::string OpenObjectionPrefix(const std::string& round_id) { return absl::StrCat("objopen/", round_id, "/"); }
// Entitlements of a student: "ent/<student>/<semester>/<school>" (a student
// who moves school mid-semester has one at each school).
inline std::string EntitlementPrefix(const std::string& student) { return absl::StrCat("ent/", student, "/"); }
inline std::string EntitlementSemesterPrefix(const std::string& student, const std::string& semester) {
  return absl::StrCat(EntitlementPrefix(student), semester, "/");
}
inline std::string Entitlement(const std::string& student, const std::string& semester, const std::string& school) {
  return EntitlementSemesterPrefix(student, semester) + school;
}
// The school and student of an index key ".../<school>/<student>".
inline std::pair<std::string, std::string> SchoolAndStudentOf(const std::string& index_key) {
  const size_t last = index_key.rfind('/');
  const size_t before = index_key.rfind('/', last - 1);
  return {index_key.substr(before + 1, last - before - 1), index_key.substr(last + 1)};
}
// Entitlements by school and by county: "ixes/<semester>/<school>/<student>",
// "ixec/<semester>/<county>/<school>/<student>".
inline std::string EntitlementSchoolPrefix(const std::string& semester, const std::string& school) {
  return absl::StrCat("ixes/", semester, "/", school, "/");
}
inline std::string EntitlementCountyRoot(const std::string& semester) { return absl::StrCat("ixec/", semester, "/"); }
inline std::string EntitlementCountyPrefix(const std::string& semester, const std::string& county) {
  return absl::StrCat(EntitlementCountyRoot(semester), county, "/");
}
inline std::string SchoolTotalsPrefix(const std::string& semester) { return absl::StrCat("tot/", semester, "/"); }
// Totals per school: "tot/<semester>/<county>/<school>".
inline std::string SchoolTotals(const std::string& semester, const std::string& county, const std::string& school) {
  return absl::StrCat(SchoolTotalsPrefix(semester), county, "/", school);
}

// Upstream (registry) rows.
inline std::string UpSchool(const std::string& code) { return absl::StrCat("up/sch/", code); }
inline std::string UpStudent(const std::string& id) { return absl::StrCat("up/stu/", id); }
inline std::string UpSchoolStudentsPrefix(const std::string& school) { return absl::StrCat("up/six/", school, "/"); }
inline std::string UpSchoolStudent(const std::string& school, const std::string& id) {
  return UpSchoolStudentsPrefix(school) + id;
}
inline std::string UpEvidence(const std::string& hash) { return absl::StrCat("up/ev/", hash); }
inline constexpr char kUpSettings[] = "up/settings";

}  // namespace zizhu::subsidy::keys
