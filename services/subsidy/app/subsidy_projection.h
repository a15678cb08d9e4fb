// The subsidy service's projections:
//  - SubsidyProjection folds the service's own events (policies, rounds,
//    applications, objections, entitlements, totals);
//  - RegistryFacts folds the registry's events into "up/" rows: schools,
//    students (stage, grade, boarding, categories, status), the poverty
//    office's and civil affairs' evidence per national-ID hash, and the
//    cross-match's transition period.
// Both are stateless and deterministic; neither reads the other's rows.
//
// RowsState implements the domain's SubsidyState over rows: a projection
// batch inside a decision (read-your-writes) or the live store for queries.
#pragma once

#include <functional>
#include <string>

#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"
#include "services/subsidy/domain/ports.h"

namespace zizhu::subsidy {

class SubsidyProjection final : public es::DispatchingProjection {
 public:
  SubsidyProjection();
};

class RegistryFacts final : public es::DispatchingProjection {
 public:
  RegistryFacts();
};

// Reads rows from a batch or a store.
struct RowSource {
  std::function<absl::StatusOr<std::optional<std::string>>(const std::string&)> get;
  std::function<absl::Status(const std::string& prefix,
                             const std::function<bool(const std::string&, const std::string&)>&)>
      scan;
  static RowSource Of(storage::ProjectionBatch& batch);
  static RowSource Of(const storage::ProjectionStore& store);
};

class RowsState final : public SubsidyState {
 public:
  explicit RowsState(RowSource rows) : rows_(std::move(rows)) {}
  absl::StatusOr<std::optional<v1::PolicyRecord>> FindPolicy(const std::string& version) override;
  absl::StatusOr<std::vector<v1::PolicyRecord>> AllPolicies() override;
  absl::StatusOr<std::optional<v1::RoundRecord>> FindRound(const std::string& round_id) override;
  absl::StatusOr<std::optional<v1::ApplicationRecord>> FindApplication(const std::string& round_id,
                                                                       const std::string& student_id) override;
  absl::Status ForEachApplication(const std::string& round_id,
                                  const std::function<bool(const v1::ApplicationRecord&)>& visit) override;
  absl::StatusOr<bool> HasCoverageReason(const std::string& round_id, const std::string& student_id) override;
  absl::StatusOr<std::optional<v1::ObjectionRecord>> FindObjection(const std::string& round_id,
                                                                   const std::string& objection_id) override;
  absl::StatusOr<std::vector<v1::ObjectionRecord>> OpenObjections(const std::string& round_id) override;
  absl::StatusOr<std::vector<v1::EntitlementRecord>> EntitlementsOfStudent(const std::string& student_id) override;
  absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& school_code) override;
  absl::StatusOr<std::optional<v1::UpstreamStudent>> FindStudent(const std::string& student_id) override;
  absl::StatusOr<std::optional<v1::UpstreamPovertyEvidence>> FindEvidence(const std::string& id_hash) override;
  absl::StatusOr<int> ExitTransitionYears() override;
  absl::Status ForEachStudentOfSchool(const std::string& school_code,
                                      const std::function<bool(const v1::UpstreamStudent&)>& visit) override;

 private:
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Load(const std::string& key);
  template <typename Record>
  absl::Status ForEach(const std::string& prefix, const std::function<bool(const Record&)>& visit);

  RowSource rows_;
};

}  // namespace zizhu::subsidy
