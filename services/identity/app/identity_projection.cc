#include "services/identity/app/identity_projection.h"

#include <type_traits>

#include "google/protobuf/util/time_util.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/service/revocations.h"
#include "services/common/storage/rows.h"

namespace zizhu::identity {
namespace {

template <typename Event>
void EvolveRowOn(es::EventDispatcher<storage::ProjectionBatch&>& on) {
  on.On<Event>([](const Event& event, const common::v1::EventEnvelope& envelope,
                  storage::ProjectionBatch& batch) -> absl::Status {
    const std::string key = AccountKey(event.login());
    ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::AccountRecord>(batch, key));
    v1::AccountRecord after = record.value_or(v1::AccountRecord());
    absl::Time at =
        absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(envelope.occurred_at()));
    Evolve(after, event, at);
    after.mutable_account()->set_version(envelope.aggregate_version());
    batch.Put(key, SerializeDeterministic(after));
    // Tokens issued before a lock or a change of role, scope or password
    // are void (the kit's authenticator checks these rows).
    if constexpr (std::is_same_v<Event, v1::AccountLocked> || std::is_same_v<Event, v1::AccountRoleChanged> ||
                  std::is_same_v<Event, v1::PasswordChanged>) {
      service::PutRevokedBefore(batch, event.login(), at);
    }
    return absl::OkStatus();
  });
}

}  // namespace

IdentityProjection::IdentityProjection() {
  EvolveRowOn<v1::AccountCreated>(on_);
  EvolveRowOn<v1::AccountRoleChanged>(on_);
  EvolveRowOn<v1::AccountLocked>(on_);
  EvolveRowOn<v1::AccountUnlocked>(on_);
  EvolveRowOn<v1::PasswordChanged>(on_);
  EvolveRowOn<v1::LoginSucceeded>(on_);
  EvolveRowOn<v1::LoginFailed>(on_);
}

absl::StatusOr<std::optional<v1::AccountRecord>> BatchIdentityState::FindAccount(const std::string& login) {
  return storage::LoadRow<v1::AccountRecord>(batch_, AccountKey(login));
}

}  // namespace zizhu::identity
