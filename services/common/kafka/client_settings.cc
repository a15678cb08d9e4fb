#include "services/common/kafka/client_settings.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zizhu::kafka {

absl::StatusOr<ClientSettings> ParseClientSettings(absl::string_view text, const std::string& source) {
  ClientSettings settings;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, " of ", source,
                                                     ": expected name=value, found '",
                                                     line.substr(0, std::min<size_t>(line.size(), 40)), "'"));
    }
    settings.emplace_back(std::string(absl::StripAsciiWhitespace(line.substr(0, eq))),
                          std::string(absl::StripAsciiWhitespace(line.substr(eq + 1))));
  }
  return settings;
}

absl::StatusOr<ClientSettings> LoadClientSettings(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("Kafka client settings ", path, " not found (deploy/kafka/broker.sh makes one per principal)"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("Kafka client settings ", path, " hold a password but are readable by other users (mode 0",
                     (st.st_mode >> 6) & 7, (st.st_mode >> 3) & 7, st.st_mode & 7, "): chmod 600 ", path));
  }
  std::ifstream in(path);
  if (!in) return absl::PermissionDeniedError(absl::StrCat("cannot read Kafka client settings ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseClientSettings(text.str(), path);
}

std::string SettingValue(const ClientSettings& settings, const std::string& name) {
  for (const auto& [key, value] : settings) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace zizhu::kafka
