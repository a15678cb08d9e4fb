#include "services/common/storage/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu::storage {
namespace {

absl::StatusOr<std::string> DecodePageToken(const std::string& token, const std::string& prefix) {
  if (token.empty()) return std::string();
  std::string key;
  if (!absl::WebSafeBase64Unescape(token, &key) || key.rfind(prefix, 0) != 0) {
    return FieldInvalid("page_token", token, "does not belong to this query");
  }
  return key;
}

}  // namespace

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return FieldOutOfRange("page_size", requested, 1, kMaxPageSize);
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

absl::StatusOr<std::string> ScanPage(
    const ProjectionStore& store, const std::string& prefix, const std::string& page_token, int page_size,
    const std::function<absl::StatusOr<bool>(const std::string&, const std::string&)>& take) {
  ASSIGN_OR_RETURN(std::string start, DecodePageToken(page_token, prefix));
  int taken = 0;
  std::string last_key, next_token;
  absl::Status row_error;
  RETURN_IF_ERROR(store.Scan(prefix, start, [&](const std::string& key, const std::string& value) {
    if (key == start) return true;  // the token names the last key of the previous page
    if (taken == page_size) {
      next_token = absl::WebSafeBase64Escape(last_key);
      return false;
    }
    last_key = key;
    absl::StatusOr<bool> took = take(key, value);
    if (!took.ok()) {
      row_error = took.status();
      return false;
    }
    taken += *took ? 1 : 0;
    return true;
  }));
  RETURN_IF_ERROR(row_error);
  return next_token;
}

}  // namespace zizhu::storage
