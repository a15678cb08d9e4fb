// The identity projection: one row per account ("acct/<login>"). Stateless
// and deterministic.
#pragma once

#include <string>

#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"
#include "services/identity/domain/identity_decisions.h"

namespace zizhu::identity {

inline constexpr char kAccountPrefix[] = "acct/";
inline std::string AccountKey(const std::string& login) { return kAccountPrefix + login; }

class IdentityProjection final : public es::DispatchingProjection {
 public:
  IdentityProjection();
};

// IdentityState over a projection batch (read-your-writes within a batch).
class BatchIdentityState final : public IdentityState {
 public:
  explicit BatchIdentityState(storage::ProjectionBatch& batch) : batch_(batch) {}
  absl::StatusOr<std::optional<v1::AccountRecord>> FindAccount(const std::string& login) override;

 private:
  storage::ProjectionBatch& batch_;
};

}  // namespace zizhu::identity
