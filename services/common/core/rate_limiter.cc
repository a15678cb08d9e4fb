#include "services/common/core/rate_limiter.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu {

absl::Status RateLimiter::Check(const std::string& key, absl::Time now, absl::string_view what) {
  std::lock_guard<std::mutex> lock(mu_);
  return CheckLocked(key, now, what);
}

absl::Status RateLimiter::CheckLocked(const std::string& key, absl::Time now, absl::string_view what) {
  if (now - last_sweep_ > window_) {  // forget keys idle for a whole window
    for (auto it = seen_.begin(); it != seen_.end();) {
      it = (it->second.empty() || now - it->second.back() > window_) ? seen_.erase(it) : std::next(it);
    }
    last_sweep_ = now;
  }
  auto found = seen_.find(key);
  if (found == seen_.end()) return absl::OkStatus();
  std::deque<absl::Time>& times = found->second;
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
  if (static_cast<int>(times.size()) >= limit_) {
    const int64_t wait = static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(times.front() + window_ - now)));
    return Refusal(absl::StatusCode::kResourceExhausted, "TOO_MANY_REQUESTS",
                   {{"seconds", std::to_string(std::max<int64_t>(wait, 1))}},
                   absl::StrCat("too many ", what, ": at most ", limit_, " in ", absl::FormatDuration(window_),
                                "; try again in ", std::max<int64_t>(wait, 1), " s"));
  }
  return absl::OkStatus();
}

void RateLimiter::Record(const std::string& key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  seen_[key].push_back(now);
}

absl::Status RateLimiter::Admit(const std::string& key, absl::Time now, absl::string_view what) {
  std::lock_guard<std::mutex> lock(mu_);  // check and count as one step: concurrent callers never exceed the limit
  RETURN_IF_ERROR(CheckLocked(key, now, what));
  seen_[key].push_back(now);
  return absl::OkStatus();
}

}  // namespace zizhu
