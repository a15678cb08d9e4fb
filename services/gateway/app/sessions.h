// Browser sessions: the gateway keeps each operator's token on the server
// and gives the browser only a random session id (an HttpOnly, Secure,
// SameSite=Strict cookie) and a CSRF token that every state-changing request
// repeats in a header. A session ends at logout or when its token expires.
//
// Thread-safe; held by the gateway for its lifetime; at most kMaxSessions
// (the oldest to expire goes first).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zizhu::gateway {

struct Session {
  std::string id;    // the cookie's value (128 random bits, hex)
  std::string csrf;  // the X-CSRF-Token the console sends back (128 random bits, hex)
  std::string token;
  std::string login;
  std::string role;
  std::string scope;
  absl::Time expires_at;
};

class SessionStore {
 public:
  static constexpr size_t kMaxSessions = 20000;

  Session Create(std::string token, std::string login, std::string role, std::string scope, absl::Time expires_at);
  // The session of `id` while it has not expired at `now`.
  std::optional<Session> Find(const std::string& id, absl::Time now);
  void Remove(const std::string& id);

 private:
  absl::Mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
};

// Constant-time comparison (a CSRF token must not leak by timing).
bool SameSecret(const std::string& a, const std::string& b);

}  // namespace zizhu::gateway
