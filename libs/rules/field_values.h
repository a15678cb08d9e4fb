// Parsers for the values agencies write in their spreadsheets: dates in
// several formats, stage and status names in Chinese or English, grades like
// 三年级 or 初二, yes/no as 是/否. Pure functions; errors name the value.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::rules {

namespace v1 = ::zizhu::registry::v1;

// Trims ASCII whitespace and the ideographic space U+3000.
std::string Trim(const std::string& s);
absl::StatusOr<v1::Date> ParseDate(const std::string& text);
absl::StatusOr<v1::EducationStage> ParseStage(const std::string& text);
absl::StatusOr<int> ParseGrade(const std::string& text);
// Empty is "no".
absl::StatusOr<bool> ParseYesNo(const std::string& text);
// Empty is ENROLLED.
absl::StatusOr<v1::EnrolmentStatus> ParseStatus(const std::string& text);
// Empty is UNSPECIFIED.
absl::StatusOr<v1::Gender> ParseGender(const std::string& text);
absl::StatusOr<std::vector<v1::PovertyCategory>> ParseCategories(const std::string& text);

}  // namespace zizhu::rules
