// A refusal the operator reads in their language: the status code, the
// English message (logs, the fallback) and a stable reason code with its
// parameters, carried as a google.rpc.ErrorInfo (zizhu.common.v1.ErrorInfo,
// wire-compatible) in the absl::Status payload — and from there in the gRPC
// status details (grpc/status_convert.h), the gateway's JSON errors, the
// console and the CLI, which render it from the catalogue
// libs/reasons/reasons.tsv.
//
//   return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "semester"}},
//                  "semester is required");
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "zizhu/common/v1/error_details.pb.h"

namespace zizhu {

// The type URL of the payload (google.rpc.ErrorInfo's, so that standard
// clients decode it).
inline constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

using ReasonParams = std::initializer_list<std::pair<absl::string_view, std::string>>;

absl::Status Refusal(absl::StatusCode code, absl::string_view reason, ReasonParams params, absl::string_view message);

// The reason alone (a row's rejection carries it without a status).
common::v1::ErrorInfo ReasonInfo(absl::string_view reason, ReasonParams params);

// The refusals every service gives, each a reason of the catalogue. `field`
// and `what` are rendered by the catalogue's field: and what: rows (a test
// checks every literal one has its words).
//   FieldRequired("semester")                 FIELD_REQUIRED      "semester is required"
//   FieldInvalid("gender", "9", "is not 1-2")  FIELD_VALUE_INVALID "gender '9' is not 1-2"
//   FieldOutOfRange("quota", 7, 0, 5)          FIELD_OUT_OF_RANGE  "quota 7 is outside 0-5"
//   FieldNeeds("class_name", "grade")          FIELD_NEEDS         "class_name filter needs grade"
//   NotFound("student_id", "s1")               NOT_FOUND           "student_id 's1' does not exist"
//   AlreadyExists("import", "i1")              ALREADY_EXISTS      "import 'i1' exists already"
absl::Status FieldRequired(absl::string_view field);
absl::Status FieldInvalid(absl::string_view field, absl::string_view value, absl::string_view why);
absl::Status FieldOutOfRange(absl::string_view field, int64_t value, int64_t min, int64_t max);
absl::Status FieldNeeds(absl::string_view field, absl::string_view needed);
absl::Status NotFound(absl::string_view what, absl::string_view id);
absl::Status AlreadyExists(absl::string_view what, absl::string_view id);

// `status` with its message prefixed (a file's name: "'a.csv': …") and
// `extra` parameters added to its reason, if it carries one; its code and
// reason kept.
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix, ReasonParams extra);

// The reason a status carries, if it carries one.
std::optional<common::v1::ErrorInfo> ErrorInfoOf(const absl::Status& status);

}  // namespace zizhu
