#include "services/registry/domain/plausibility.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/rules/dates.h"
#include "libs/rules/field_values.h"
#include "libs/rules/national_id.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/registry/domain/cross_match.h"

namespace zizhu::registry {
namespace {

absl::CivilDay ToCivil(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

}  // namespace

absl::StatusOr<PlausibilityPolicy> PlausibilityPolicy::Parse(const std::string& text) {
  PlausibilityPolicy policy;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::string_view line = absl::StripAsciiWhitespace(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    std::vector<std::string> words = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat("plausibility line ", line_number, " '", line, "': ", why));
    };
    if (words[0] == "age") {
      if (words.size() != 4) return bad("expected 'age <stage> <min> <max>'");
      absl::StatusOr<v1::EducationStage> stage = rules::ParseStage(words[1]);
      if (!stage.ok()) return bad(std::string(stage.status().message()));
      int min = 0, max = 0;
      if (!absl::SimpleAtoi(words[2], &min) || !absl::SimpleAtoi(words[3], &max) || min < 0 || max > 120 || min > max) {
        return bad("min and max must be whole years with 0 <= min <= max <= 120");
      }
      policy.age_by_stage[*stage] = {min, max};
    } else if (words[0] == "max_days_ahead") {
      int days = 0;
      if (words.size() != 2 || !absl::SimpleAtoi(words[1], &days) || days < 0 || days > 3660) {
        return bad("expected 'max_days_ahead <days>' with 0-3660 days");
      }
      policy.max_days_ahead = days;
    } else {
      return bad("unknown setting (age, max_days_ahead)");
    }
  }
  return policy;
}

absl::Status CheckBirthDateForStage(const Plausibility& p, const v1::Date& birth, v1::EducationStage stage) {
  if (ToCivil(birth) > ToCivil(p.today)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_AFTER_TODAY",
                   {{"field", "birth_date"}, {"date", rules::FormatDate(birth)}, {"today", rules::FormatDate(p.today)}},
                   absl::StrCat("birth date ", rules::FormatDate(birth), " is in the future (today is ",
                                rules::FormatDate(p.today), ")"));
  }
  auto range = p.policy.age_by_stage.find(stage);
  if (range == p.policy.age_by_stage.end()) return absl::OkStatus();
  const int age = AgeOn(birth, p.today);
  if (age < range->second.first || age > range->second.second) {
    return Refusal(absl::StatusCode::kInvalidArgument, "AGE_OUTSIDE_STAGE",
                   {{"date", rules::FormatDate(birth)},
                    {"age", std::to_string(age)},
                    {"stage", v1::EducationStage_Name(stage)},
                    {"min", std::to_string(range->second.first)},
                    {"max", std::to_string(range->second.second)}},
                   absl::StrCat("a student born ", rules::FormatDate(birth), " is ", age, " years old; stage ",
                                v1::EducationStage_Name(stage), " takes ", range->second.first, "-",
                                range->second.second, " (policy data: --plausibility-file)"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotFarAhead(const Plausibility& p, const std::string& field, const v1::Date& date) {
  const int64_t ahead = ToCivil(date) - ToCivil(p.today);
  if (ahead > p.policy.max_days_ahead) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_TOO_FAR_AHEAD",
                   {{"field", field},
                    {"date", rules::FormatDate(date)},
                    {"days", std::to_string(ahead)},
                    {"today", rules::FormatDate(p.today)},
                    {"max", std::to_string(p.policy.max_days_ahead)}},
                   absl::StrCat(field, " ", rules::FormatDate(date), " is ", ahead, " days after today (",
                                rules::FormatDate(p.today), "); at most ", p.policy.max_days_ahead, " are allowed"));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::registry
