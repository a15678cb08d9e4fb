// What the registry's decisions need from the outside world, as interfaces
// the domain owns: the current state (implemented over the projection) and
// personal-data protection (implemented with the vault). Tests use fakes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/registry/domain/cross_match.h"
#include "zizhu/registry/v1/records.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"
#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::registry {

class RegistryState {
 public:
  virtual ~RegistryState() = default;
  virtual absl::StatusOr<std::optional<v1::StudentRecord>> FindStudent(const std::string& student_id) = 0;
  virtual absl::StatusOr<std::optional<std::string>> FindStudentIdByNationalIdHash(const std::string& hash) = 0;
  virtual absl::StatusOr<std::optional<v1::SchoolRecord>> FindSchool(const std::string& school_code) = 0;
  virtual absl::StatusOr<std::optional<v1::HouseholdRecord>> FindHousehold(const std::string& household_number) = 0;
  virtual absl::StatusOr<std::optional<v1::RosterImportRecord>> FindRosterImport(const std::string& import_id) = 0;
  // Row number at which `hash` was applied in the import, if it was.
  virtual absl::StatusOr<std::optional<int32_t>> FindImportRowByHash(const std::string& import_id,
                                                                     const std::string& hash) = 0;
  virtual absl::StatusOr<std::optional<v1::MatchSettings>> FindMatchSettings() = 0;
  // What the rosters and the registry say of a person (the cross-match's
  // evidence) as applied so far.
  virtual absl::StatusOr<PersonEvidence> FindPersonEvidence(const std::string& hash) = 0;
  // The people whose finding depends on the reference date or the school age
  // (MatchResult.age_sensitive).
  virtual absl::StatusOr<std::vector<std::string>> ListAgeSensitivePeople() = 0;
  // The code of the registered school called `name` in `county` (a county
  // code or name); with `county` empty, of the only school of that name.
  // nullopt when none, or when the name is ambiguous.
  virtual absl::StatusOr<std::optional<std::string>> FindSchoolCodeByName(const std::string& county,
                                                                          const std::string& name) = 0;
  // The code of the county called `name` by the registered schools ("和平区"
  // -> "210102"); nullopt when no school names it, or when two codes share it.
  virtual absl::StatusOr<std::optional<std::string>> FindCountyCodeByName(const std::string& name) = 0;
};

// Personal data fields; the name is bound into each sealed value.
enum class PersonalField { kNationalId, kBankCard, kPhone };
const char* PersonalFieldName(PersonalField field);

class PersonalDataProtector {
 public:
  virtual ~PersonalDataProtector() = default;
  // Seals `plain` and computes its public mask.
  virtual absl::StatusOr<v1::ProtectedValue> Protect(absl::string_view plain, PersonalField field) = 0;
  // Keyed hash of a normalised national ID for lookups.
  virtual std::string NationalIdHash(absl::string_view normalized_id) = 0;
};

}  // namespace zizhu::registry
