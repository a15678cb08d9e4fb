// Paged listing over a projection key range, shared by every list query.
// Page tokens are the last key of the previous page (web-safe base64), and
// must start with the query's prefix.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::storage {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// 0 -> the default; outside 0-1000 -> INVALID_ARGUMENT naming the value.
absl::StatusOr<int> PageSize(int requested);

// One page of rows under `prefix`, after the key named by `page_token`.
// `take(key, value)` returns whether the row became an item of the page.
// Returns the next page token ("" on the last page).
absl::StatusOr<std::string> ScanPage(
    const ProjectionStore& store, const std::string& prefix, const std::string& page_token, int page_size,
    const std::function<absl::StatusOr<bool>(const std::string&, const std::string&)>& take);

}  // namespace zizhu::storage
