// Reading protobuf rows of a projection.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace zizhu::storage {

// Parses a row read from the store; nullopt when absent, DATA_LOSS (naming
// the key) when the bytes are not a `Record`.
template <typename Record>
absl::StatusOr<std::optional<Record>> ParseRow(const std::optional<std::string>& row, const std::string& key) {
  if (!row) return std::optional<Record>();
  Record record;
  if (!record.ParseFromString(*row)) {
    return absl::DataLossError(
        absl::StrCat("projection row '", key, "' does not parse as ", Record::descriptor()->full_name()));
  }
  return std::optional<Record>(std::move(record));
}

// Reads and parses `key` from anything with Get(key) -> StatusOr<optional<string>>
// (a ProjectionStore for queries, a ProjectionBatch inside a decision).
template <typename Record, typename Source>
absl::StatusOr<std::optional<Record>> LoadRow(Source& source, const std::string& key) {
  auto row = source.Get(key);
  if (!row.ok()) return row.status();
  return ParseRow<Record>(*row, key);
}

}  // namespace zizhu::storage
