// Row keys of the registry projection. Index keys separate their parts with
// \x1f, which no validated name or code can contain.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "zizhu/registry/v1/records.pb.h"

namespace zizhu::registry::keys {

inline constexpr char kSep = '\x1f';

inline std::string Student(const std::string& id) { return absl::StrCat("stu/", id); }
inline std::string NationalIdHash(const std::string& hash) { return absl::StrCat("nid/", hash); }
inline std::string School(const std::string& code) { return absl::StrCat("sch/", code); }
inline std::string Household(const std::string& number) { return absl::StrCat("hh/", number); }
inline std::string Access(const std::string& id) { return absl::StrCat("audit/", id); }
// Reveals in time order: "audit-t/<occurred_at, 20-digit ns>/<access id>".
inline constexpr char kAccessByTimePrefix[] = "audit-t/";
inline std::string AccessByTime(int64_t unix_nanos, const std::string& id) {
  return absl::StrCat(kAccessByTimePrefix, absl::Dec(unix_nanos, absl::kZeroPad20), "/", id);
}

inline constexpr char kStudentPrefix[] = "stu/";

// School codes by name: per county (code or name) and across counties
// ("*"); the value is the code, or "" when two schools share the name.
inline std::string SchoolByName(const std::string& county, const std::string& name) {
  return absl::StrCat("ix/school-name/", county, std::string(1, kSep), name);
}
inline std::string CountyByName(const std::string& name) { return absl::StrCat("ix/county-name/", name); }
// Applied rows to look at (a school name that resolved to no school).
inline std::string ImportWarningPrefix(const std::string& id) { return absl::StrCat("rimw/", id, "/"); }
inline std::string ImportWarning(const std::string& id, int row) {
  return absl::StrFormat("%s%09d", ImportWarningPrefix(id), row);
}
inline constexpr char kSchoolPrefix[] = "sch/";

// Students by school, grade and class.
inline std::string BySchoolPrefix(const std::string& school) {
  return absl::StrCat("ix/school/", school, std::string(1, kSep));
}
inline std::string BySchoolGradePrefix(const std::string& school, int grade) {
  return absl::StrCat(BySchoolPrefix(school), absl::StrFormat("%02d", grade), std::string(1, kSep));
}
inline std::string BySchoolClassPrefix(const std::string& school, int grade, const std::string& class_name) {
  return absl::StrCat(BySchoolGradePrefix(school, grade), class_name, std::string(1, kSep));
}
inline std::string BySchool(const v1::StudentRecord& s) {
  return absl::StrCat(BySchoolClassPrefix(s.school_code(), s.grade(), s.class_name()), s.student_id());
}
// Students who moved away from a school (the sending school's list).
inline std::string LeftSchoolPrefix(const std::string& school) {
  return absl::StrCat("ix/left/", school, std::string(1, kSep));
}
inline std::string LeftSchool(const std::string& school, const std::string& student_id) {
  return absl::StrCat(LeftSchoolPrefix(school), student_id);
}
// Students by enrolment status.
inline std::string ByStatusPrefix(int status) { return absl::StrFormat("ix/status/%02d%c", status, kSep); }
inline std::string ByStatus(const v1::StudentRecord& s) {
  return absl::StrCat(ByStatusPrefix(s.status()), s.student_id());
}
// Schools by county.
inline std::string ByCountyPrefix(const std::string& county) {
  return absl::StrCat("ix/county/", county, std::string(1, kSep));
}
inline std::string ByCounty(const v1::SchoolRecord& s) {
  return absl::StrCat(ByCountyPrefix(s.county_code()), s.school_code());
}

// Roster imports and the cross-match.
inline std::string RosterImport(const std::string& id) { return absl::StrCat("rimp/", id); }
inline std::string ImportRejectionPrefix(const std::string& id) { return absl::StrCat("rimr/", id, "/"); }
inline std::string ImportRejection(const std::string& id, int row) {
  return absl::StrFormat("%s%09d", ImportRejectionPrefix(id), row);
}
inline std::string RosterEntry(int source, const std::string& hash) {
  return absl::StrFormat("ros/%d/%s", source, hash);
}
inline constexpr char kMatchPrefix[] = "mr/";
inline std::string Match(const std::string& key) { return absl::StrCat(kMatchPrefix, key); }
inline std::string MatchQueueCategoryPrefix(int category) { return absl::StrFormat("mq/%02d%c", category, kSep); }
inline std::string MatchQueueCountyPrefix(int category, const std::string& county) {
  return absl::StrCat(MatchQueueCategoryPrefix(category), county, std::string(1, kSep));
}
inline std::string MatchQueueSchoolPrefix(int category, const std::string& county, const std::string& school) {
  return absl::StrCat(MatchQueueCountyPrefix(category, county), school, std::string(1, kSep));
}
inline std::string MatchQueue(int category, const std::string& county, const std::string& school,
                              const std::string& key) {
  return absl::StrCat(MatchQueueSchoolPrefix(category, county, school), key);
}
inline constexpr char kMatchCountPrefix[] = "mc/";
inline std::string MatchCount(int category, const std::string& county, const std::string& school) {
  return absl::StrFormat("mc/%02d%c%s%c%s", category, kSep, county, kSep, school);
}
inline constexpr char kMatchSettings[] = "~matchsettings";
// Match results by school, so that registering a school re-evaluates the
// people already matched to it (whatever order events are replayed in).
inline std::string MatchBySchoolPrefix(const std::string& school) {
  return absl::StrCat("ms/", school, std::string(1, kSep));
}
inline std::string MatchBySchool(const std::string& school, const std::string& key) {
  return absl::StrCat(MatchBySchoolPrefix(school), key);
}
// People whose category depends on age (re-evaluated by a cross-match run).
inline constexpr char kAgeSensitivePrefix[] = "ma/";
inline std::string AgeSensitive(const std::string& hash) { return absl::StrCat(kAgeSensitivePrefix, hash); }

}  // namespace zizhu::registry::keys
