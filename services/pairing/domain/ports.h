// What the pairing decisions read, and what a fold of the service's own
// events writes. Implemented over projection rows by the app layer and in
// memory by the domain tests.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "zizhu/pairing/v1/records.pb.h"

namespace zizhu::pairing {

namespace v1 = zizhu::pairing::v1;

class PairingState {
 public:
  virtual ~PairingState() = default;
  virtual absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& school_code) = 0;
  virtual absl::StatusOr<std::optional<v1::PairRecord>> FindPair(const std::string& pair_id) = 0;
  virtual absl::StatusOr<std::optional<v1::PlanRecord>> FindPlan(const std::string& plan_id) = 0;
  virtual absl::StatusOr<std::optional<v1::RotationRecord>> FindRotation(const std::string& county, int year) = 0;
};

class PairingRows {
 public:
  virtual ~PairingRows() = default;
  virtual absl::StatusOr<std::optional<v1::PairRecord>> Pair(const std::string& pair_id) = 0;
  virtual void PutPair(const v1::PairRecord& pair) = 0;
  virtual void PutPlan(const v1::PlanRecord& plan) = 0;
  virtual absl::StatusOr<std::optional<v1::RotationRecord>> Rotation(const std::string& county, int year) = 0;
  virtual void PutRotation(const v1::RotationRecord& rotation) = 0;
};

}  // namespace zizhu::pairing
