// Kafka client settings: the librdkafka properties a process connects with —
// above all its own principal's credentials (security.protocol=SASL_SSL,
// sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location), made by
// deploy/kafka/broker.sh into $ZIZHU_SECRETS/kafka/<principal>.properties.
//
// The file is "name=value" per line; '#' starts a comment line; blank lines
// are skipped. Because it holds a password it must not be readable by other
// users: a file with any group or other permission bit is refused, as ssh
// refuses a private key.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zizhu::kafka {

// Settings in file order; applied after the built-in ones, so they win.
using ClientSettings = std::vector<std::pair<std::string, std::string>>;

// Parses settings text; `source` names it in errors ("line 3 of <source>").
absl::StatusOr<ClientSettings> ParseClientSettings(absl::string_view text, const std::string& source);

// Reads and parses `path`, refusing a file readable by group or others.
absl::StatusOr<ClientSettings> LoadClientSettings(const std::string& path);

// The value of `name`, or "" when absent.
std::string SettingValue(const ClientSettings& settings, const std::string& name);

}  // namespace zizhu::kafka
