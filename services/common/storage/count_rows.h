// Count rows: a projection row holding a number as text ("12"), kept by
// adding and subtracting; a count that reaches 0 is deleted.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::storage {

inline absl::Status AddToCount(ProjectionBatch& batch, const std::string& key, int64_t delta) {
  absl::StatusOr<std::optional<std::string>> row = batch.Get(key);
  if (!row.ok()) return row.status();
  int64_t count = 0;
  if (*row && !absl::SimpleAtoi(**row, &count)) return absl::DataLossError(absl::StrCat("bad count row '", key, "'"));
  count += delta;
  if (count == 0) {
    batch.Delete(key);
  } else {
    batch.Put(key, std::to_string(count));
  }
  return absl::OkStatus();
}

}  // namespace zizhu::storage
