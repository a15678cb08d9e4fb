#include "services/common/core/random_ids.h"

#include <sodium.h>

namespace zizhu {

std::string NewRandomHexId() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string(hex, 32);
}

std::string NewPrefixedId(const std::string& prefix) { return prefix + "_" + NewRandomHexId(); }

}  // namespace zizhu
