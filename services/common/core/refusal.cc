#include "services/common/core/refusal.h"

namespace zizhu {

absl::Status Refusal(absl::StatusCode code, absl::string_view reason, ReasonParams params, absl::string_view message) {
  absl::Status status(code, message);
  common::v1::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain("zizhu");
  for (const auto& [name, value] : params) (*info.mutable_metadata())[std::string(name)] = value;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::optional<common::v1::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);  // absl::optional here
  if (!payload) return std::nullopt;
  common::v1::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}

}  // namespace zizhu
