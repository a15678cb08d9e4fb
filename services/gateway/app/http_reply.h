// Small helpers for the gateway's HTTP handlers.
#pragma once

#include <httplib.h>

#include <string>

namespace zizhu::gateway {

// Answers `status` with `json` as application/json.
inline void SendJson(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json");
}

// Answers 200 with `content` as a download named `file_name` (any name: an
// ASCII fallback without quotes or controls, and the name itself in UTF-8).
inline void SendDownload(httplib::Response& res, const std::string& file_name, const std::string& content,
                         const std::string& content_type) {
  std::string ascii, encoded;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : file_name) {
    const bool plain =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-' || c == '_';
    ascii += plain ? static_cast<char>(c) : '_';
    if (plain) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
  res.set_content(content, content_type);
}

}  // namespace zizhu::gateway
