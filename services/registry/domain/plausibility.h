// Plausibility of dates and ages, as policy data: a birth date in the
// future, a student far too old or too young for the stage, or an event dated
// far ahead is refused with the reason. The decision date ("today") comes
// from the command's decision time, never from a clock inside the domain.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::registry {

struct PlausibilityPolicy {
  // Age in whole years on the decision date a student of each stage may have
  // (inclusive). Wide on purpose: late starts, repeated years and adult
  // vocational learners are real; a 76-year-old in primary grade 3 is not.
  std::map<v1::EducationStage, std::pair<int, int>> age_by_stage = {
      {v1::EDUCATION_STAGE_PRESCHOOL, {2, 8}},
      {v1::EDUCATION_STAGE_PRIMARY, {5, 18}},
      {v1::EDUCATION_STAGE_JUNIOR_MIDDLE, {10, 22}},
      {v1::EDUCATION_STAGE_SENIOR_HIGH, {12, 25}},
      {v1::EDUCATION_STAGE_SECONDARY_VOCATIONAL, {12, 35}},
      {v1::EDUCATION_STAGE_UNIVERSITY, {14, 50}},
  };
  // How far after the decision date an event may be dated (a status change
  // decided now for the start of next month is normal; 2099 is not).
  int max_days_ahead = 62;

  // Lines "age <stage> <min> <max>" (stage as 小学 / primary / …) and
  // "max_days_ahead <days>"; '#' starts a comment. Unnamed stages keep their
  // defaults. Errors name the line.
  static absl::StatusOr<PlausibilityPolicy> Parse(const std::string& text);
};

// What a decision checks against: the policy and the decision date.
struct Plausibility {
  PlausibilityPolicy policy;
  v1::Date today;
};

// Birth date not after today; age on today within the stage's range.
absl::Status CheckBirthDateForStage(const Plausibility& p, const v1::Date& birth, v1::EducationStage stage);
// `date` (named `field`) at most max_days_ahead after today.
absl::Status CheckNotFarAhead(const Plausibility& p, const std::string& field, const v1::Date& date);

}  // namespace zizhu::registry
