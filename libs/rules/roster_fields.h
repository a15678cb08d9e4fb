// The columns of the agencies' rosters (poverty office, civil affairs,
// student-status system) and the values agencies write in them: which fields
// a source's rows carry and require, the source's names, assistance types,
// disability categories, household types and the exit status. The format is
// the contract with the agencies; files are read by libs/files, pushes and
// rows are validated by the registry.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::rules {

namespace v1 = ::zizhu::registry::v1;

// Canonical field names a source's rows may carry; the first ones listed by
// RequiredRosterFields are required ("a|b": a or b).
const std::vector<std::string>& RosterFields(v1::RosterSource source);
const std::vector<std::string>& RequiredRosterFields(v1::RosterSource source);
// "poverty" / "civil" / "status" (and the enum names) -> source.
absl::StatusOr<v1::RosterSource> ParseRosterSource(const std::string& text);
// Short name used in ids and messages: "poverty", "civil", "status".
std::string RosterSourceName(v1::RosterSource source);

absl::StatusOr<std::vector<v1::AssistanceType>> ParseAssistanceTypes(const std::string& text);
absl::StatusOr<v1::DisabilityCategory> ParseDisabilityCategory(const std::string& text);
absl::StatusOr<v1::HouseholdType> ParseHouseholdType(const std::string& text);
// 脱贫状态: "已脱贫"/"脱贫"/"exited" -> true; "未脱贫"/""/"poor" -> false.
absl::StatusOr<bool> ParseExited(const std::string& text);

}  // namespace zizhu::rules
