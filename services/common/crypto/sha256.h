// SHA-256 as lowercase hex (file identities, agency key hashes).
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace zizhu {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace zizhu
