// Random identifiers (libsodium's CSPRNG). Used only by command handling,
// never by projections.
#pragma once

#include <string>

namespace zizhu {

// 32 lowercase hex characters (128 random bits).
std::string NewRandomHexId();

// A prefixed id, e.g. NewPrefixedId("stu") = "stu_3f2a...".
std::string NewPrefixedId(const std::string& prefix);

}  // namespace zizhu
