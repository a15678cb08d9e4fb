// Agency files arrive in UTF-8 (with or without BOM) or GB18030/GBK.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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

// Streaming form of ToUtf8 for a known encoding (kUtf8 or kGb18030): bytes
// arrive in pieces of any size (a piece may end inside a character); the
// UTF-8 BOM at the start is removed. Errors name the byte offset in the file.
class TextDecoder {
 public:
  explicit TextDecoder(TextEncoding encoding);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // Appends the UTF-8 text of `bytes` (less any incomplete last character,
  // kept for the next piece) to `out`.
  absl::Status Decode(absl::string_view bytes, std::string* out);
  // End of input: what was held back is decoded into `out`; an incomplete
  // last character is an error.
  absl::Status Finish(std::string* out);

 private:
  TextEncoding encoding_;
  void* iconv_ = nullptr;
  std::string carry_;
  uint64_t offset_ = 0;  // bytes of the file consumed before carry_
  bool started_ = false;
};

// Streaming IsValidUtf8 (detection pass over a whole file).
class Utf8Validator {
 public:
  void Feed(absl::string_view bytes);
  bool Finish() const { return valid_ && carry_.empty(); }

 private:
  std::string carry_;
  bool valid_ = true;
};

}  // namespace zizhu::tools
