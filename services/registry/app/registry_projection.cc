#include "services/registry/app/registry_projection.h"

#include "absl/strings/numbers.h"
#include "google/protobuf/util/time_util.h"
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
  return storage::LoadRow<v1::StudentRecord>(batch, key);
}

void PutStudent(storage::ProjectionBatch& batch, const std::optional<v1::StudentRecord>& before,
                const v1::StudentRecord& after) {
  if (before) {
    if (!before->school_code().empty() && before->school_code() != after.school_code()) {
      batch.Put(keys::LeftSchool(before->school_code(), after.student_id()), "");
    }
    if (keys::BySchool(*before) != keys::BySchool(after)) batch.Delete(keys::BySchool(*before));
    if (keys::ByStatus(*before) != keys::ByStatus(after)) batch.Delete(keys::ByStatus(*before));
  }
  batch.Put(keys::Student(after.student_id()), SerializeDeterministic(after));
  batch.Put(keys::BySchool(after), "");
  batch.Put(keys::ByStatus(after), "");
}

EventStamp Stamp(const common::v1::EventEnvelope& envelope) {
  return EventStamp{envelope.aggregate_version(), envelope.occurred_at()};
}

template <typename Event>
absl::Status UpdateStudent(const Event& event, const common::v1::EventEnvelope& envelope,
                           storage::ProjectionBatch& batch) {
  ASSIGN_OR_RETURN(auto before, LoadStudent(batch, event.student_id()));
  if (!before) {
    return absl::DataLossError(std::string("event for unknown student '") + event.student_id() + "'");
  }
  v1::StudentRecord after = *before;
  EvolveStudent(after, event, Stamp(envelope));
  PutStudent(batch, before, after);
  return RecomputeMatch(after.national_id_hash(), batch);
}

}  // namespace

RegistryProjection::RegistryProjection() {
  using Envelope = common::v1::EventEnvelope;
  using Batch = storage::ProjectionBatch;
  AddRosterHandlers(on_);
  on_.On<v1::StudentRegistered>([](const v1::StudentRegistered& event, const Envelope& envelope, Batch& batch) {
    v1::StudentRecord record = EvolveStudent(event, Stamp(envelope));
    PutStudent(batch, std::nullopt, record);
    batch.Put(keys::NationalIdHash(record.national_id_hash()), record.student_id());
    return RecomputeMatch(record.national_id_hash(), batch);
  });
  on_.On<v1::StudentAttributesUpdated>(UpdateStudent<v1::StudentAttributesUpdated>);
  on_.On<v1::EnrolmentStatusChanged>(UpdateStudent<v1::EnrolmentStatusChanged>);
  on_.On<v1::ResponsiblePeopleAssigned>(UpdateStudent<v1::ResponsiblePeopleAssigned>);
  on_.On<v1::SchoolRegistered>([](const v1::SchoolRegistered& event, const Envelope& envelope, Batch& batch) {
    v1::SchoolRecord record = EvolveSchool(event, Stamp(envelope));
    batch.Put(keys::School(record.school_code()), SerializeDeterministic(record));
    batch.Put(keys::ByCounty(record), "");
    for (const std::string& county : {record.county_code(), record.county_name(), std::string("*")}) {
      if (county.empty()) continue;
      const std::string key = keys::SchoolByName(county, record.name());
      ASSIGN_OR_RETURN(auto existing, batch.Get(key));
      batch.Put(key, existing && *existing != record.school_code() ? "" : record.school_code());
    }
    if (!record.county_name().empty() && !record.county_code().empty()) {
      // A county's name as the schools give it, for rosters that name counties ("" when two codes share it).
      const std::string key = keys::CountyByName(record.county_name());
      ASSIGN_OR_RETURN(auto existing, batch.Get(key));
      batch.Put(key, existing && *existing != record.county_code() ? "" : record.county_code());
    }
    return RecomputeMatchesOfSchool(record.school_code(), batch);
  });
  on_.On<v1::HouseholdRegistered>([](const v1::HouseholdRegistered& event, const Envelope& envelope, Batch& batch) {
    v1::HouseholdRecord record = EvolveHousehold(event, Stamp(envelope));
    batch.Put(keys::Household(record.household_number()), SerializeDeterministic(record));
    return absl::OkStatus();
  });
  on_.On<v1::PersonalDataRevealed>([](const v1::PersonalDataRevealed&, const Envelope& envelope, Batch& batch) {
    // The audit trail of clear-text reads: the envelope says who and when.
    batch.Put(keys::Access(envelope.aggregate_id()), SerializeDeterministic(envelope));
    batch.Put(keys::AccessByTime(google::protobuf::util::TimeUtil::TimestampToNanoseconds(envelope.occurred_at()),
                                 envelope.aggregate_id()),
              "");
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<v1::StudentRecord>> BatchRegistryState::FindStudent(const std::string& student_id) {
  return LoadStudent(batch_, student_id);
}

absl::StatusOr<std::optional<std::string>> BatchRegistryState::FindStudentIdByNationalIdHash(const std::string& hash) {
  return batch_.Get(keys::NationalIdHash(hash));
}

absl::StatusOr<std::optional<std::string>> BatchRegistryState::FindSchoolCodeByName(const std::string& county,
                                                                                    const std::string& name) {
  ASSIGN_OR_RETURN(auto code, batch_.Get(keys::SchoolByName(county.empty() ? "*" : county, name)));
  if (!code || code->empty()) return std::optional<std::string>();
  return code;
}

absl::StatusOr<std::optional<std::string>> BatchRegistryState::FindCountyCodeByName(const std::string& name) {
  ASSIGN_OR_RETURN(auto code, batch_.Get(keys::CountyByName(name)));
  if (!code || code->empty()) return std::optional<std::string>();
  return code;
}

absl::StatusOr<std::optional<v1::SchoolRecord>> BatchRegistryState::FindSchool(const std::string& school_code) {
  const std::string key = keys::School(school_code);
  return storage::LoadRow<v1::SchoolRecord>(batch_, key);
}

absl::StatusOr<std::optional<v1::HouseholdRecord>> BatchRegistryState::FindHousehold(const std::string& number) {
  const std::string key = keys::Household(number);
  return storage::LoadRow<v1::HouseholdRecord>(batch_, key);
}

absl::StatusOr<std::optional<v1::RosterImportRecord>> BatchRegistryState::FindRosterImport(
    const std::string& import_id) {
  const std::string key = keys::RosterImport(import_id);
  return storage::LoadRow<v1::RosterImportRecord>(batch_, key);
}

absl::StatusOr<std::optional<int32_t>> BatchRegistryState::FindImportRowByHash(const std::string& import_id,
                                                                               const std::string& hash) {
  // The roster entry of the person in the import's source names the import
  // and row that last wrote it.
  const std::string import_key = keys::RosterImport(import_id);
  ASSIGN_OR_RETURN(auto import_row, batch_.Get(import_key));
  ASSIGN_OR_RETURN(auto import, storage::ParseRow<v1::RosterImportRecord>(import_row, import_key));
  if (!import) return std::optional<int32_t>();
  const std::string entry_key = keys::RosterEntry(import->source(), hash);
  ASSIGN_OR_RETURN(auto entry_row, batch_.Get(entry_key));
  ASSIGN_OR_RETURN(auto entry, storage::ParseRow<v1::RosterEntry>(entry_row, entry_key));
  if (!entry || entry->import_id() != import_id) return std::optional<int32_t>();
  return std::optional<int32_t>(entry->row_number());
}

absl::StatusOr<std::optional<v1::MatchSettings>> BatchRegistryState::FindMatchSettings() {
  ASSIGN_OR_RETURN(auto row, batch_.Get(keys::kMatchSettings));
  return storage::ParseRow<v1::MatchSettings>(row, keys::kMatchSettings);
}

absl::StatusOr<PersonEvidence> BatchRegistryState::FindPersonEvidence(const std::string& hash) {
  return LoadPersonEvidence(hash, batch_);
}

absl::StatusOr<std::vector<std::string>> BatchRegistryState::ListAgeSensitivePeople() {
  std::vector<std::string> hashes;
  RETURN_IF_ERROR(batch_.Scan(keys::kAgeSensitivePrefix, [&](const std::string& key, const std::string&) {
    hashes.push_back(key.substr(sizeof(keys::kAgeSensitivePrefix) - 1));
    return true;
  }));
  return hashes;
}

}  // namespace zizhu::registry
