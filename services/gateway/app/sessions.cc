#include "services/gateway/app/sessions.h"

#include <sodium.h>

#include "services/common/core/random_ids.h"

namespace zizhu::gateway {

Session SessionStore::Create(std::string token, std::string login, std::string role, std::string scope,
                             absl::Time expires_at) {
  Session s{NewRandomHexId(), NewRandomHexId(), std::move(token), std::move(login),
            std::move(role),  std::move(scope), expires_at};
  absl::MutexLock lock(&mu_);
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.expires_at < oldest->second.expires_at) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionStore::Find(const std::string& id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_at <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(id);
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zizhu::gateway
