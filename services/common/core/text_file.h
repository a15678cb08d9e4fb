// Reading a whole (small) file: policy, targets and rules files, PEM files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace zizhu {

// The file's bytes; NOT_FOUND "cannot read <what> '<path>'" when it cannot be
// opened (`what` may be empty).
inline absl::StatusOr<std::string> ReadTextFile(const std::string& path, const std::string& what = "") {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, what.empty() ? "" : " ", "'", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace zizhu
