#include "libs/files/import/text_encoding.h"

#include <iconv.h>

#include <cerrno>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {

absl::StatusOr<TextEncoding> ParseEncodingName(const std::string& name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return TextEncoding::kAuto;
  if (n == "utf-8" || n == "utf8") return TextEncoding::kUtf8;
  if (n == "gbk" || n == "gb18030" || n == "gb2312" || n == "cp936") return TextEncoding::kGb18030;
  return absl::InvalidArgumentError(absl::StrCat("encoding '", name, "' is not one of auto, utf-8, gbk, gb18030"));
}

bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned int cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c >> 5) == 0x6) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

absl::StatusOr<std::string> ToUtf8(const std::string& bytes, TextEncoding encoding, TextEncoding* detected) {
  static const std::string kBom = "\xEF\xBB\xBF";
  bool has_bom = bytes.compare(0, kBom.size(), kBom) == 0;
  if (encoding == TextEncoding::kAuto) {
    encoding = (has_bom || IsValidUtf8(bytes)) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
  }
  if (detected) *detected = encoding;
  if (encoding == TextEncoding::kUtf8) {
    std::string out = has_bom ? bytes.substr(kBom.size()) : bytes;
    if (!IsValidUtf8(out)) {
      return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NOT_UTF8", {{"byte", "0"}},
                     "file is not valid UTF-8; try --encoding gbk");
    }
    return out;
  }
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return absl::UnavailableError("iconv has no GB18030 converter");
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        size_t used = out.size() - out_left;
        out.resize(out.size() * 2);
        out_ptr = out.data() + used;
        out_left = out.size() - used;
        continue;
      }
      return Refusal(
          absl::StatusCode::kInvalidArgument, "FILE_NOT_GBK", {{"byte", std::to_string(bytes.size() - in_left)}},
          absl::StrCat("file is not valid GB18030/GBK at byte ", bytes.size() - in_left, "; try --encoding utf-8"));
    }
  }
  out.resize(out.size() - out_left);
  return out;
}

absl::StatusOr<std::string> Utf8ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return absl::UnavailableError("iconv has no GB18030 converter");
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) {
    return absl::InvalidArgumentError(absl::StrCat("text is not valid UTF-8 at byte ", utf8.size() - in_left));
  }
  out.resize(out.size() - out_left);
  return out;
}

namespace {

// Bytes at the end of `text` that start a character not complete in it.
size_t IncompleteTail(absl::string_view text) {
  for (size_t back = 1; back <= 3 && back <= text.size(); ++back) {
    unsigned char c = static_cast<unsigned char>(text[text.size() - back]);
    if ((c >> 6) == 0x2) continue;  // a continuation byte: look further back
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return len > back ? back : 0;
  }
  return 0;
}

}  // namespace

void Utf8Validator::Feed(absl::string_view bytes) {
  if (!valid_) return;
  std::string text = carry_;
  text.append(bytes.data(), bytes.size());
  size_t tail = IncompleteTail(text);
  carry_ = text.substr(text.size() - tail);
  text.resize(text.size() - tail);
  valid_ = IsValidUtf8(text);
}

TextDecoder::TextDecoder(TextEncoding encoding) : encoding_(encoding) {
  if (encoding_ == TextEncoding::kGb18030) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_ = cd;
  }
}

TextDecoder::~TextDecoder() {
  if (iconv_) iconv_close(static_cast<iconv_t>(iconv_));
}

absl::Status TextDecoder::Decode(absl::string_view bytes, std::string* out) {
  std::string text = std::move(carry_);
  carry_.clear();
  text.append(bytes.data(), bytes.size());
  if (!started_) {
    static const std::string kBom = "\xEF\xBB\xBF";
    if (text.size() < kBom.size() && kBom.compare(0, text.size(), text) == 0) {
      carry_ = std::move(text);  // too short to tell yet
      return absl::OkStatus();
    }
    started_ = true;
    if (encoding_ == TextEncoding::kUtf8 && text.compare(0, kBom.size(), kBom) == 0) {
      text.erase(0, kBom.size());
      offset_ += kBom.size();
    }
  }
  if (encoding_ == TextEncoding::kUtf8) {
    size_t tail = IncompleteTail(text);
    absl::string_view complete(text.data(), text.size() - tail);
    if (!IsValidUtf8(std::string(complete))) {
      return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NOT_UTF8", {{"byte", std::to_string(offset_)}},
                     absl::StrCat("file is not valid UTF-8 (near byte ", offset_, "); try --encoding gbk"));
    }
    out->append(complete.data(), complete.size());
    offset_ += complete.size();
    carry_ = text.substr(complete.size());
    return absl::OkStatus();
  }
  if (!iconv_) return absl::UnavailableError("iconv has no GB18030 converter");
  char* in_ptr = text.data();
  size_t in_left = text.size();
  size_t used = out->size();
  out->resize(used + text.size() * 2 + 16);
  char* out_ptr = out->data() + used;
  size_t out_left = out->size() - used;
  while (in_left > 0) {
    if (iconv(static_cast<iconv_t>(iconv_), &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t written = out_ptr - out->data();
      out->resize(out->size() * 2);
      out_ptr = out->data() + written;
      out_left = out->size() - written;
      continue;
    }
    if (errno == EINVAL) break;  // an incomplete character at the end: kept for the next piece
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NOT_GBK",
                   {{"byte", std::to_string(offset_ + (text.size() - in_left))}},
                   absl::StrCat("file is not valid GB18030/GBK at byte ", offset_ + (text.size() - in_left),
                                "; try --encoding utf-8"));
  }
  out->resize(out_ptr - out->data());
  offset_ += text.size() - in_left;
  carry_.assign(in_ptr, in_left);
  return absl::OkStatus();
}

absl::Status TextDecoder::Finish(std::string* out) {
  if (!started_ && !carry_.empty()) {  // a file shorter than a BOM
    started_ = true;
    std::string rest = std::move(carry_);
    carry_.clear();
    if (auto decoded = Decode(rest, out); !decoded.ok()) return decoded;
  }
  if (carry_.empty()) return absl::OkStatus();
  return Refusal(absl::StatusCode::kInvalidArgument, "FILE_ENDS_INSIDE_CHARACTER", {{"byte", std::to_string(offset_)}},
                 absl::StrCat("file ends inside a character (byte ", offset_, ")"));
}

}  // namespace zizhu::tools
