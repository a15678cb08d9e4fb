#include "services/common/core/refusal.h"

#include "absl/strings/str_cat.h"

namespace zizhu {

common::v1::ErrorInfo ReasonInfo(absl::string_view reason, ReasonParams params) {
  common::v1::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain("zizhu");
  for (const auto& [name, value] : params) (*info.mutable_metadata())[std::string(name)] = value;
  return info;
}

absl::Status Refusal(absl::StatusCode code, absl::string_view reason, ReasonParams params, absl::string_view message) {
  absl::Status status(code, message);
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(ReasonInfo(reason, params).SerializeAsString()));
  return status;
}

absl::Status FieldRequired(absl::string_view field) {
  return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", std::string(field)}},
                 absl::StrCat(field, " is required"));
}

absl::Status FieldInvalid(absl::string_view field, absl::string_view value, absl::string_view why) {
  return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_VALUE_INVALID",
                 {{"field", std::string(field)}, {"value", std::string(value.substr(0, 60))}},
                 absl::StrCat(field, " '", value.substr(0, 60), "' ", why));
}

absl::Status FieldOutOfRange(absl::string_view field, int64_t value, int64_t min, int64_t max) {
  return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_OUT_OF_RANGE",
                 {{"field", std::string(field)},
                  {"value", std::to_string(value)},
                  {"min", std::to_string(min)},
                  {"max", std::to_string(max)}},
                 absl::StrCat(field, " ", value, " is outside ", min, "-", max));
}

absl::Status FieldNeeds(absl::string_view field, absl::string_view needed) {
  return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_NEEDS",
                 {{"field", std::string(field)}, {"needed", std::string(needed)}},
                 absl::StrCat(field, " needs ", needed));
}

absl::Status NotFound(absl::string_view what, absl::string_view id) {
  return Refusal(absl::StatusCode::kNotFound, "NOT_FOUND",
                 {{"what", std::string(what)}, {"id", std::string(id.substr(0, 80))}},
                 absl::StrCat(what, " '", id.substr(0, 80), "' does not exist"));
}

absl::Status AlreadyExists(absl::string_view what, absl::string_view id) {
  return Refusal(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                 {{"what", std::string(what)}, {"id", std::string(id.substr(0, 80))}},
                 absl::StrCat(what, " '", id.substr(0, 80), "' exists already"));
}

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix, ReasonParams extra) {
  absl::Status out(status.code(), absl::StrCat(prefix, status.message()));
  if (std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status)) {
    for (const auto& [name, value] : extra) (*info->mutable_metadata())[std::string(name)] = value;
    out.SetPayload(kErrorInfoTypeUrl, absl::Cord(info->SerializeAsString()));
  }
  return out;
}

std::optional<common::v1::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);  // absl::optional here
  if (!payload) return std::nullopt;
  common::v1::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}

}  // namespace zizhu
