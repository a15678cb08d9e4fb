// The registry projection: student, school and household records plus the
// indexes queries need (national-ID hash, school/grade/class, status, county).
// Stateless and deterministic; safe to share between threads.
#pragma once

#include "services/common/es/projection.h"
#include "services/common/storage/rows.h"
#include "services/registry/domain/ports.h"

namespace zizhu::registry {

class RegistryProjection final : public es::DispatchingProjection {
 public:
  RegistryProjection();
};

// RegistryState over a projection batch (read-your-writes within a command
// batch). Lives for one decision.
class BatchRegistryState final : public RegistryState {
 public:
  explicit BatchRegistryState(storage::ProjectionBatch& batch) : batch_(batch) {}
  absl::StatusOr<std::optional<v1::StudentRecord>> FindStudent(const std::string& student_id) override;
  absl::StatusOr<std::optional<std::string>> FindStudentIdByNationalIdHash(const std::string& hash) override;
  absl::StatusOr<std::optional<v1::SchoolRecord>> FindSchool(const std::string& school_code) override;
  absl::StatusOr<std::optional<v1::HouseholdRecord>> FindHousehold(const std::string& household_number) override;
  absl::StatusOr<std::optional<v1::RosterImportRecord>> FindRosterImport(const std::string& import_id) override;
  absl::StatusOr<std::optional<int32_t>> FindImportRowByHash(const std::string& import_id,
                                                             const std::string& hash) override;
  absl::StatusOr<std::optional<v1::MatchSettings>> FindMatchSettings() override;
  absl::StatusOr<PersonEvidence> FindPersonEvidence(const std::string& hash) override;
  absl::StatusOr<std::vector<std::string>> ListAgeSensitivePeople() override;
  absl::StatusOr<std::optional<std::string>> FindSchoolCodeByName(const std::string& county,
                                                                  const std::string& name) override;
  absl::StatusOr<std::optional<std::string>> FindCountyCodeByName(const std::string& name) override;

 private:
  storage::ProjectionBatch& batch_;
};

}  // namespace zizhu::registry
