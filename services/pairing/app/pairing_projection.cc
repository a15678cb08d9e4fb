#include "services/pairing/app/pairing_projection.h"

#include <type_traits>

#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"
#include "zizhu/pairing/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::pairing {
namespace {

using Envelope = common::v1::EventEnvelope;
using Batch = storage::ProjectionBatch;

template <typename Event>
void OnOwnEvent(es::EventDispatcher<Batch&>& on) {
  on.On<Event>([](const Event& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    RowsPairing rows(batch);
    return FoldPairingEvent(event, envelope.aggregate_version(), rows);
  });
}

}  // namespace

PairingProjection::PairingProjection() {
  PairingEvents::ForEach([this](auto tag) { OnOwnEvent<es::EventOfTag<decltype(tag)>>(on_); });
}

RegistrySchools::RegistrySchools() {
  on_.On<registry::v1::SchoolRegistered>(
      [](const registry::v1::SchoolRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
        v1::UpstreamSchool s;
        s.set_school_code(e.school_code());
        s.set_name(e.name());
        s.set_county_code(e.county_code());
        s.set_rural(e.rural());
        batch.Put(keys::School(e.school_code()), SerializeDeterministic(s));
        return absl::OkStatus();
      });
}

template <typename Record>
absl::StatusOr<std::optional<Record>> RowsPairing::Load(const std::string& key) {
  if (batch_ != nullptr) return storage::LoadRow<Record>(*batch_, key);
  return storage::LoadRow<Record>(*store_, key);
}

absl::StatusOr<std::optional<v1::UpstreamSchool>> RowsPairing::FindSchool(const std::string& code) {
  if (code.empty() || code.size() > 32) return std::optional<v1::UpstreamSchool>();
  return Load<v1::UpstreamSchool>(keys::School(code));
}

absl::StatusOr<std::optional<v1::PlanRecord>> RowsPairing::FindPlan(const std::string& id) {
  return Load<v1::PlanRecord>(keys::Plan(id));
}

absl::StatusOr<std::optional<v1::PairRecord>> RowsPairing::Pair(const std::string& id) {
  if (id.empty() || id.size() > 200) return std::optional<v1::PairRecord>();
  return Load<v1::PairRecord>(keys::Pair(id));
}

void RowsPairing::PutPair(const v1::PairRecord& pair) {
  batch_->Put(keys::PairIndex(pair.county_code(), pair.pair_id()), "");
  batch_->Put(keys::Pair(pair.pair_id()), SerializeDeterministic(pair));
}

void RowsPairing::PutPlan(const v1::PlanRecord& plan) {
  batch_->Put(keys::Plan(plan.plan_id()), SerializeDeterministic(plan));
}

absl::StatusOr<std::optional<v1::RotationRecord>> RowsPairing::Rotation(const std::string& county, int year) {
  return Load<v1::RotationRecord>(keys::Rotation(county, year));
}

void RowsPairing::PutRotation(const v1::RotationRecord& rotation) {
  batch_->Put(keys::Rotation(rotation.county_code(), rotation.year()), SerializeDeterministic(rotation));
}

absl::Status RowsPairing::ForEachPair(const std::string& county_prefix,
                                      const std::function<bool(const v1::PairRecord&)>& visit) {
  absl::Status failure;
  auto each = [&](const std::string& key, const std::string&) {
    absl::StatusOr<std::optional<v1::PairRecord>> pair = Pair(key.substr(key.rfind('/') + 1));
    if (!pair.ok()) {
      failure = pair.status();
      return false;
    }
    return !*pair || visit(**pair);
  };
  const std::string prefix = keys::PairIndexPrefix(county_prefix);
  RETURN_IF_ERROR(batch_ != nullptr ? batch_->Scan(prefix, each) : store_->Scan(prefix, "", each));
  return failure;
}

absl::StatusOr<std::string> RowsPairing::ScanPage(
    const std::string& prefix, const std::string& page_token, int page_size,
    const std::function<absl::StatusOr<bool>(const std::string& key)>& take) {
  if (store_ == nullptr) return absl::InternalError("a page is read from the store, not from a batch");
  return storage::ScanPage(*store_, prefix, page_token, page_size,
                           [&](const std::string& key, const std::string&) { return take(key); });
}

}  // namespace zizhu::pairing
