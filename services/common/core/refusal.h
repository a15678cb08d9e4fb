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

// The reason a status carries, if it carries one.
std::optional<common::v1::ErrorInfo> ErrorInfoOf(const absl::Status& status);

}  // namespace zizhu
