// Agency files arrive in UTF-8 (with or without BOM) or GB18030/GBK.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace zizhu::tools {

enum class TextEncoding { kAuto, kUtf8, kGb18030 };

// Parses "auto", "utf-8"/"utf8", "gbk"/"gb18030"/"gb2312".
absl::StatusOr<TextEncoding> ParseEncodingName(const std::string& name);
bool IsValidUtf8(const std::string& bytes);
// Converts `bytes` to UTF-8. With kAuto: a UTF-8 BOM or valid UTF-8 is taken
// as UTF-8, anything else as GB18030 (a superset of GBK and GB2312). The BOM
// is removed. `detected` (optional) receives the encoding used.
absl::StatusOr<std::string> ToUtf8(const std::string& bytes, TextEncoding encoding, TextEncoding* detected = nullptr);

// Converts UTF-8 text to GB18030 (what many agency systems export); used to
// produce realistic test files.
absl::StatusOr<std::string> Utf8ToGb18030(const std::string& utf8);

}  // namespace zizhu::tools
