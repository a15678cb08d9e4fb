// Token revocation, kept by every service in its own projection: rows
// "kit/revoked/<login>" hold the time before which the login's tokens are
// void — the time its account was locked, or its role, scope or password
// changed (a new login after that issues a valid token). Every service but
// identity follows the identity topic for them (RevocationProjection, set up
// by ServiceHost); the identity service writes them from its own events. The
// kit's authenticator checks them on every call.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::service {

inline constexpr char kRevokedPrefix[] = "kit/revoked/";

void PutRevokedBefore(storage::ProjectionBatch& batch, const std::string& login, absl::Time since);
absl::StatusOr<std::optional<absl::Time>> LoadRevokedBefore(const storage::ProjectionStore& store,
                                                            const std::string& login);

// The rows above from zizhu.identity.v1 events (AccountLocked,
// AccountRoleChanged, PasswordChanged at the event's time).
class RevocationProjection final : public es::DispatchingProjection {
 public:
  RevocationProjection();
};

}  // namespace zizhu::service
