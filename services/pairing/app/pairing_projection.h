// The pairing service's projections: PairingProjection folds its own events
// (FoldPairingEvent) into pair (with a per-county index), plan and rotation
// rows; RegistrySchools keeps the registry's schools ("up/school/": county,
// rural or not). RowsPairing reads and writes them over a batch or reads
// them from the store.
#pragma once

#include <functional>
#include <string>

#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"
#include "services/pairing/domain/pairing_decisions.h"
#include "services/pairing/domain/pairing_evolve.h"

namespace zizhu::pairing {

namespace keys {
inline std::string Pair(const std::string& id) { return "pair/" + id; }
inline std::string PairIndexPrefix(const std::string& county) { return "ixpair/" + county; }
inline std::string PairIndex(const std::string& county, const std::string& id) { return "ixpair/" + county + "/" + id; }
inline std::string Plan(const std::string& id) { return "plan/" + id; }
inline std::string Rotation(const std::string& county, int year) {
  return "rot/" + county + "/" + std::to_string(year);
}
inline std::string School(const std::string& code) { return "up/school/" + code; }
}  // namespace keys

class PairingProjection final : public es::DispatchingProjection {
 public:
  PairingProjection();
};

class RegistrySchools final : public es::DispatchingProjection {
 public:
  RegistrySchools();
};

class RowsPairing final : public PairingState, public PairingRows {
 public:
  explicit RowsPairing(storage::ProjectionBatch& batch) : batch_(&batch) {}
  explicit RowsPairing(const storage::ProjectionStore& store) : store_(&store) {}
  absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& code) override;
  absl::StatusOr<std::optional<v1::PairRecord>> FindPair(const std::string& id) override { return Pair(id); }
  absl::StatusOr<std::optional<v1::PlanRecord>> FindPlan(const std::string& id) override;
  absl::StatusOr<std::optional<v1::RotationRecord>> FindRotation(const std::string& county, int year) override {
    return Rotation(county, year);
  }
  absl::StatusOr<std::optional<v1::PairRecord>> Pair(const std::string& id) override;
  void PutPair(const v1::PairRecord& pair) override;
  void PutPlan(const v1::PlanRecord& plan) override;
  absl::StatusOr<std::optional<v1::RotationRecord>> Rotation(const std::string& county, int year) override;
  void PutRotation(const v1::RotationRecord& rotation) override;
  // The pairs of counties under `county_prefix` (a county, a city, "" = all).
  absl::Status ForEachPair(const std::string& county_prefix, const std::function<bool(const v1::PairRecord&)>& visit);
  // One page of keys under `prefix` (storage::ScanPage; over the store only).
  absl::StatusOr<std::string> ScanPage(const std::string& prefix, const std::string& page_token, int page_size,
                                       const std::function<absl::StatusOr<bool>(const std::string& key)>& take);

 private:
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Load(const std::string& key);
  storage::ProjectionBatch* batch_ = nullptr;
  const storage::ProjectionStore* store_ = nullptr;
};

}  // namespace zizhu::pairing
