// The policy file: a readable YAML version of a policy table
// (services/subsidy/policy/default-policy.yaml is the domain page's policy).
// Pure: parses and validates text; every refusal names the file, the line,
// the field path and the value ("policy.yaml:14: rules[2].tier: ...").
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "zizhu/subsidy/v1/policy.pb.h"

namespace zizhu::subsidy {

namespace v1 = zizhu::subsidy::v1;

// Parses and validates (ValidatePolicy) a policy file. `file_name` only
// names the file in messages.
absl::StatusOr<v1::Policy> ParsePolicyFile(const std::string& file_name, const std::string& text);

// The rules a policy must keep, whatever its source: a version name, an
// effective date, calendars, rules with unique ids, amounts >= 0, shares of
// each non-zero component adding up to 100, and no two rules matching the
// same student (stage, class, boarding, tier).
absl::Status ValidatePolicy(const v1::Policy& policy);

// Names used in the file and in messages: "junior_middle", "registered_poor",
// "boarding", "central", "tuition".
std::string StageName(registry::v1::EducationStage stage);
std::string AidClassName(v1::AidClass aid_class);
std::string BoardingName(v1::BoardingMatch boarding);
std::string FundSourceName(v1::FundSource source);
std::string WaiverName(v1::Waiver waiver);

}  // namespace zizhu::subsidy
