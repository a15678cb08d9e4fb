// RateLimiter: at most `limit` events per `window` for each key (a caller, a
// source address), counted over a sliding window. For what a caller may do
// often but not without bound: lookups by a full national ID, login attempts.
//
// Lifecycle: owned by the component that limits; thread-safe (one mutex).
// Memory: one small deque per key seen within the last window; keys idle for
// a window are dropped as others are admitted.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zizhu {

class RateLimiter {
 public:
  RateLimiter(int limit, absl::Duration window) : limit_(limit), window_(window) {}

  // Counts one event of `key` at `now` and answers OK, or answers
  // RESOURCE_EXHAUSTED naming `what`, the limit and when to try again (and
  // counts nothing).
  absl::Status Admit(const std::string& key, absl::Time now, absl::string_view what);
  // The same check without counting; Record counts. For limits on what went
  // wrong (failed logins): check before, count only the failures.
  absl::Status Check(const std::string& key, absl::Time now, absl::string_view what);
  void Record(const std::string& key, absl::Time now);

 private:
  absl::Status CheckLocked(const std::string& key, absl::Time now, absl::string_view what);  // mu_ held
  const int limit_;
  const absl::Duration window_;
  std::mutex mu_;
  std::map<std::string, std::deque<absl::Time>> seen_;
  absl::Time last_sweep_ = absl::InfinitePast();
};

}  // namespace zizhu
