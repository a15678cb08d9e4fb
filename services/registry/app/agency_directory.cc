#include "services/registry/app/agency_directory.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/roster_rows.h"

namespace zizhu::registry {

absl::StatusOr<AgencyDirectory> AgencyDirectory::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("agencies file '", path, "' cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = Parse(text.str());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("agencies file '", path, "': ", parsed.status().message()));
  }
  return parsed;
}

absl::StatusOr<AgencyDirectory> AgencyDirectory::Parse(const std::string& text) {
  AgencyDirectory directory;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::vector<std::string> parts = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (parts.size() != 3 && parts.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": expected '<agency> <source> <key sha256> [<area: city or county code>]'"));
    }
    const std::string area = parts.size() == 4 ? parts[3] : "";
    if (!area.empty() &&
        ((area.size() != 4 && area.size() != 6) || area.find_first_not_of("0123456789") != std::string::npos)) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": area '", area.substr(0, 20),
                                                     "' must be a 4-digit city or 6-digit county code"));
    }
    auto source = rules::ParseRosterSource(parts[1]);
    if (!source.ok())
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", source.status().message()));
    std::string hash = absl::AsciiStrToLower(parts[2]);
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": key hash must be 64 hex characters"));
    }
    if (!directory.agencies_.emplace(parts[0], Agency{Grant{*source, area}, hash}).second) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": agency '", parts[0], "' appears twice"));
    }
  }
  return directory;
}

absl::StatusOr<AgencyDirectory::Grant> AgencyDirectory::Authenticate(const std::string& agency,
                                                                     const std::string& key) const {
  auto it = agencies_.find(agency);
  const std::string presented = Sha256Hex(key);
  // Compare in constant time, also for unknown agencies.
  const std::string& expected = it == agencies_.end() ? presented : it->second.key_sha256;
  bool same = CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
  if (it == agencies_.end() || !same || key.empty()) {
    return Refusal(absl::StatusCode::kUnauthenticated, "AGENCY_KEY_WRONG", {{"agency", agency.substr(0, 64)}},
                   absl::StrCat("agency '", agency,
                                "' is unknown or its key is wrong (metadata x-zizhu-agency, x-zizhu-agency-key)"));
  }
  return it->second.grant;
}

}  // namespace zizhu::registry
