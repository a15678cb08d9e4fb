// AgencyDirectory: the agencies allowed to use the system-to-system API, each
// bound to one roster source, with the SHA-256 of its key.
//
// File format, one agency per line ('#' starts a comment):
//   <agency id> <poverty|civil|status> <sha256 hex of the key> [<area>]
// <area>: the 4-digit city or 6-digit county the agency serves; it pulls
// results of that area only. Without it, the whole deployment (a city-level
// office); give a county's office its county.
// `zizhu agency-key` prints a new key and the line to add.
// Immutable after loading; thread-safe.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/crypto/sha256.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::registry {

class AgencyDirectory {
 public:
  AgencyDirectory() = default;  // empty: nobody may call
  static absl::StatusOr<AgencyDirectory> Load(const std::string& path);
  static absl::StatusOr<AgencyDirectory> Parse(const std::string& text);

  struct Grant {
    v1::RosterSource source;
    std::string area;  // "" = the whole deployment
  };
  // The agency's roster source and area when `key` is its key;
  // UNAUTHENTICATED otherwise.
  absl::StatusOr<Grant> Authenticate(const std::string& agency, const std::string& key) const;
  size_t size() const { return agencies_.size(); }

 private:
  struct Agency {
    Grant grant;
    std::string key_sha256;
  };
  std::map<std::string, Agency> agencies_;
};

}  // namespace zizhu::registry
