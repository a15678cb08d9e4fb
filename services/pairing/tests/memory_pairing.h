// The pairing rows in memory, for domain tests: the decisions' port and the
// fold's, so decided events are folded with the production fold.
#pragma once

#include <map>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "services/common/testing/decided_folder.h"
#include "services/pairing/domain/pairing_decisions.h"
#include "services/pairing/domain/pairing_evolve.h"

namespace zizhu::pairing::testing {

class MemoryPairing final : public PairingState, public PairingRows {
 public:
  std::map<std::string, v1::UpstreamSchool> schools;
  std::map<std::string, v1::PairRecord> pairs;
  std::map<std::string, v1::PlanRecord> plans;
  std::map<std::string, v1::RotationRecord> rotations;

  template <typename T>
  static std::optional<T> Find(const std::map<std::string, T>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<T>(it->second);
  }
  absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& c) override {
    return Find(schools, c);
  }
  absl::StatusOr<std::optional<v1::PairRecord>> FindPair(const std::string& p) override { return Find(pairs, p); }
  absl::StatusOr<std::optional<v1::PlanRecord>> FindPlan(const std::string& p) override { return Find(plans, p); }
  absl::StatusOr<std::optional<v1::RotationRecord>> FindRotation(const std::string& c, int y) override {
    return Find(rotations, RotationId(c, y));
  }
  absl::StatusOr<std::optional<v1::PairRecord>> Pair(const std::string& p) override { return Find(pairs, p); }
  void PutPair(const v1::PairRecord& p) override { pairs[p.pair_id()] = p; }
  void PutPlan(const v1::PlanRecord& p) override { plans[p.plan_id()] = p; }
  absl::StatusOr<std::optional<v1::RotationRecord>> Rotation(const std::string& c, int y) override {
    return Find(rotations, RotationId(c, y));
  }
  void PutRotation(const v1::RotationRecord& r) override { rotations[RotationId(r.county_code(), r.year())] = r; }

  // Folds decided events through the typed folds, as the projection does.
  absl::Status Apply(const Events& events) {
    static const testing_kit::DecidedFolder<PairingRows> folder(
        PairingEvents{}, [](const auto& e, int64_t v, PairingRows& rows) { return FoldPairingEvent(e, v, rows); });
    return folder.Apply(events, *this);
  }
};

}  // namespace zizhu::pairing::testing
