// Writing CSV cells for the files the CLI produces (notice lists, bank
// files, disclosure lists): a cell holding a comma, a quote or a line break
// is quoted, its quotes doubled.
#pragma once

#include <string>

#include "services/common/core/money.h"

namespace zizhu::cli {

// Yuan with two decimals from integer fen: 112500 -> "1125.00".
inline std::string Yuan(int64_t fen) { return Fen::FromFen(fen).ToYuanString(); }

inline std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace zizhu::cli
