#include "services/common/service/revocations.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "zizhu/identity/v1/identity.pb.h"

namespace zizhu::service {
namespace {

template <typename Event>
void RevokeOn(es::EventDispatcher<storage::ProjectionBatch&>& on) {
  on.On<Event>([](const Event& event, const common::v1::EventEnvelope& envelope, storage::ProjectionBatch& batch) {
    PutRevokedBefore(
        batch, event.login(),
        absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(envelope.occurred_at())));
    return absl::OkStatus();
  });
}

}  // namespace

void PutRevokedBefore(storage::ProjectionBatch& batch, const std::string& login, absl::Time since) {
  batch.Put(absl::StrCat(kRevokedPrefix, login), absl::StrCat(absl::ToUnixNanos(since)));
}

absl::StatusOr<std::optional<absl::Time>> LoadRevokedBefore(const storage::ProjectionStore& store,
                                                            const std::string& login) {
  const std::string key = absl::StrCat(kRevokedPrefix, login);
  absl::StatusOr<std::optional<std::string>> row = store.Get(key);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::nullopt;
  int64_t nanos = 0;
  if (!absl::SimpleAtoi(**row, &nanos)) return absl::DataLossError(absl::StrCat("bad revocation row '", key, "'"));
  return absl::FromUnixNanos(nanos);
}

RevocationProjection::RevocationProjection() {
  RevokeOn<identity::v1::AccountLocked>(on_);
  RevokeOn<identity::v1::AccountRoleChanged>(on_);
  RevokeOn<identity::v1::PasswordChanged>(on_);
}

}  // namespace zizhu::service
