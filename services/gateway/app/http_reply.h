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

// Answers 200 with `content` as a download named `file_name`.
inline void SendDownload(httplib::Response& res, const std::string& file_name, const std::string& content,
                         const std::string& content_type) {
  res.set_header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  res.set_content(content, content_type);
}

}  // namespace zizhu::gateway
