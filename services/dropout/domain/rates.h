// Rates against targets (pure): the dropout rate per county and stage
// (dropped out / (enrolled + dropped out), in basis points rounded half up)
// and the enrolment rate of disabled children of the three categories. The
// targets are policy data (services/dropout/policy/targets.yaml).
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/core/basis_points.h"
#include "zizhu/dropout/v1/records.pb.h"

namespace zizhu::dropout {

struct StageCount {
  int64_t enrolled = 0;
  int64_t dropped_out = 0;
};

struct CountyCounts {
  std::map<registry::v1::EducationStage, StageCount> stages;
  int64_t disabled_children = 0;
  int64_t disabled_enrolled = 0;
  int64_t open_cases = 0;
  int64_t cases_without_full_team = 0;
};

// The three categories whose enrolment is targeted: visual, hearing, intellectual.
bool IsThreeCategoryDisability(registry::v1::DisabilityCategory category);

v1::CountyRates RatesOf(const std::string& county_code, const CountyCounts& counts, const v1::Targets& targets);

// The targets file: version, dropout_rate_max_percent per stage (primary,
// junior_middle), disabled_enrolment_min_percent; percents with at most two
// decimals. Refusals name the file, line and field.
absl::StatusOr<v1::Targets> ParseTargetsFile(const std::string& file_name, const std::string& text);

}  // namespace zizhu::dropout
