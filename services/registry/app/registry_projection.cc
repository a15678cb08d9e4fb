#include "services/registry/app/registry_projection.h"

#include "absl/strings/numbers.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/registry/app/registry_keys.h"
#include "services/registry/app/roster_projection.h"
#include "services/registry/domain/registry_evolve.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::registry {
namespace {

absl::StatusOr<std::optional<v1::StudentRecord>> LoadStudent(storage::ProjectionBatch& batch, const std::string& id) {
  const std::string key = keys::Student(id);
  ASSIGN_OR_RETURN(auto row, batch.Get(key));
  return ParseRow<v1::StudentRecord>(row, key);
}

void PutStudent(storage::ProjectionBatch& batch, const std::optional<v1::StudentRecord>& before,
                const v1::StudentRecord& after) {
  if (before) {
    if (keys::BySchool(*before) != keys::BySchool(after)) batch.Delete(keys::BySchool(*before));
    if (keys::ByStatus(*before) != keys::ByStatus(after)) batch.Delete(keys::ByStatus(*before));
  }
  batch.Put(keys::Student(after.student_id()), SerializeDeterministic(after));
  batch.Put(keys::BySchool(after), "");
  batch.Put(keys::ByStatus(after), "");
}

template <typename Event>
absl::Status UpdateStudent(storage::ProjectionBatch& batch, const common::v1::EventEnvelope& envelope,
                           const EventStamp& stamp) {
  Event event;
  if (!envelope.payload().UnpackTo(&event)) return absl::DataLossError("payload does not unpack");
  ASSIGN_OR_RETURN(auto before, LoadStudent(batch, event.student_id()));
  if (!before) {
    return absl::DataLossError(std::string("event for unknown student '") + event.student_id() + "'");
  }
  v1::StudentRecord after = *before;
  EvolveStudent(after, event, stamp);
  PutStudent(batch, before, after);
  return RecomputeMatch(after.national_id_hash(), batch);
}

}  // namespace

absl::Status RegistryProjection::Apply(const common::v1::EventEnvelope& envelope, storage::ProjectionBatch& batch) {
  EventStamp stamp{envelope.aggregate_version(), envelope.occurred_at()};
  const google::protobuf::Any& payload = envelope.payload();
  ASSIGN_OR_RETURN(bool roster_event, ApplyRosterEvent(envelope, batch));
  if (roster_event) return absl::OkStatus();
  if (payload.Is<v1::StudentRegistered>()) {
    v1::StudentRegistered event;
    if (!payload.UnpackTo(&event)) return absl::DataLossError("StudentRegistered does not unpack");
    v1::StudentRecord record = EvolveStudent(event, stamp);
    PutStudent(batch, std::nullopt, record);
    batch.Put(keys::NationalIdHash(record.national_id_hash()), record.student_id());
    return RecomputeMatch(record.national_id_hash(), batch);
  }
  if (payload.Is<v1::StudentAttributesUpdated>())
    return UpdateStudent<v1::StudentAttributesUpdated>(batch, envelope, stamp);
  if (payload.Is<v1::EnrolmentStatusChanged>())
    return UpdateStudent<v1::EnrolmentStatusChanged>(batch, envelope, stamp);
  if (payload.Is<v1::ResponsiblePeopleAssigned>())
    return UpdateStudent<v1::ResponsiblePeopleAssigned>(batch, envelope, stamp);
  if (payload.Is<v1::SchoolRegistered>()) {
    v1::SchoolRegistered event;
    if (!payload.UnpackTo(&event)) return absl::DataLossError("SchoolRegistered does not unpack");
    v1::SchoolRecord record = EvolveSchool(event, stamp);
    batch.Put(keys::School(record.school_code()), SerializeDeterministic(record));
    batch.Put(keys::ByCounty(record), "");
    return RecomputeMatchesOfSchool(record.school_code(), batch);
  }
  if (payload.Is<v1::HouseholdRegistered>()) {
    v1::HouseholdRegistered event;
    if (!payload.UnpackTo(&event)) return absl::DataLossError("HouseholdRegistered does not unpack");
    v1::HouseholdRecord record = EvolveHousehold(event, stamp);
    batch.Put(keys::Household(record.household_number()), SerializeDeterministic(record));
    return absl::OkStatus();
  }
  if (payload.Is<v1::PersonalDataRevealed>()) {
    // The audit trail of clear-text reads: the envelope says who and when.
    common::v1::EventEnvelope audit = envelope;
    batch.Put(keys::Access(envelope.aggregate_id()), SerializeDeterministic(audit));
    return absl::OkStatus();
  }
  return absl::OkStatus();  // unknown events are skipped (newer writers)
}

absl::StatusOr<std::optional<v1::StudentRecord>> BatchRegistryState::FindStudent(const std::string& student_id) {
  return LoadStudent(batch_, student_id);
}

absl::StatusOr<std::optional<std::string>> BatchRegistryState::FindStudentIdByNationalIdHash(const std::string& hash) {
  return batch_.Get(keys::NationalIdHash(hash));
}

absl::StatusOr<std::optional<v1::SchoolRecord>> BatchRegistryState::FindSchool(const std::string& school_code) {
  const std::string key = keys::School(school_code);
  ASSIGN_OR_RETURN(auto row, batch_.Get(key));
  return ParseRow<v1::SchoolRecord>(row, key);
}

absl::StatusOr<std::optional<v1::HouseholdRecord>> BatchRegistryState::FindHousehold(const std::string& number) {
  const std::string key = keys::Household(number);
  ASSIGN_OR_RETURN(auto row, batch_.Get(key));
  return ParseRow<v1::HouseholdRecord>(row, key);
}

absl::StatusOr<std::optional<v1::RosterImportRecord>> BatchRegistryState::FindRosterImport(
    const std::string& import_id) {
  const std::string key = keys::RosterImport(import_id);
  ASSIGN_OR_RETURN(auto row, batch_.Get(key));
  return ParseRow<v1::RosterImportRecord>(row, key);
}

absl::StatusOr<std::optional<int32_t>> BatchRegistryState::FindImportRowByHash(const std::string& import_id,
                                                                               const std::string& hash) {
  // The roster entry of the person in the import's source names the import
  // and row that last wrote it.
  const std::string import_key = keys::RosterImport(import_id);
  ASSIGN_OR_RETURN(auto import_row, batch_.Get(import_key));
  ASSIGN_OR_RETURN(auto import, ParseRow<v1::RosterImportRecord>(import_row, import_key));
  if (!import) return std::optional<int32_t>();
  const std::string entry_key = keys::RosterEntry(import->source(), hash);
  ASSIGN_OR_RETURN(auto entry_row, batch_.Get(entry_key));
  ASSIGN_OR_RETURN(auto entry, ParseRow<v1::RosterEntry>(entry_row, entry_key));
  if (!entry || entry->import_id() != import_id) return std::optional<int32_t>();
  return std::optional<int32_t>(entry->row_number());
}

absl::StatusOr<std::optional<v1::MatchSettings>> BatchRegistryState::FindMatchSettings() {
  ASSIGN_OR_RETURN(auto row, batch_.Get(keys::kMatchSettings));
  return ParseRow<v1::MatchSettings>(row, keys::kMatchSettings);
}

}  // namespace zizhu::registry
