#include "services/registry/app/roster_projection.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/rules/dates.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/storage/count_rows.h"
#include "services/registry/app/registry_keys.h"
#include "services/registry/app/registry_projection.h"
#include "services/registry/domain/cross_match.h"
#include "services/registry/domain/plausibility.h"
#include "services/registry/domain/roster_rows.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::registry {
namespace {

// Replaces the stored match result under result.key() (queues and counts too).
absl::Status StoreMatch(storage::ProjectionBatch& batch, const v1::MatchResult& result) {
  const std::string serialized = SerializeDeterministic(result);
  ASSIGN_OR_RETURN(auto old_row, batch.Get(keys::Match(result.key())));
  ASSIGN_OR_RETURN(auto old, storage::ParseRow<v1::MatchResult>(old_row, keys::Match(result.key())));
  if (old_row && *old_row == serialized) return absl::OkStatus();  // unchanged: nothing to write
  if (old && old->age_sensitive() && !result.age_sensitive()) batch.Delete(keys::AgeSensitive(result.key()));
  if (result.age_sensitive() && !(old && old->age_sensitive())) batch.Put(keys::AgeSensitive(result.key()), "");
  if (old && !old->school_code().empty() && old->school_code() != result.school_code()) {
    batch.Delete(keys::MatchBySchool(old->school_code(), result.key()));
  }
  if (!result.school_code().empty() && !(old && old->school_code() == result.school_code())) {
    batch.Put(keys::MatchBySchool(result.school_code(), result.key()), "");
  }
  if (old) {
    batch.Delete(keys::MatchQueue(old->category(), old->county(), old->school_code(), old->key()));
    RETURN_IF_ERROR(
        storage::AddToCount(batch, keys::MatchCount(old->category(), old->county(), old->school_code()), -1));
  }
  batch.Put(keys::Match(result.key()), serialized);
  batch.Put(keys::MatchQueue(result.category(), result.county(), result.school_code(), result.key()), "");
  return storage::AddToCount(batch, keys::MatchCount(result.category(), result.county(), result.school_code()), 1);
}

absl::Status ApplyRows(const v1::RosterRowsApplied& event, const common::v1::EventEnvelope& envelope,
                       storage::ProjectionBatch& batch) {
  for (const v1::AppliedRosterRow& row : event.rows()) {
    const std::string& hash = row.person().national_id_hash();
    const v1::RosterEntry entry =
        RosterEntryOf(event.source(), row, event.import_id(), rules::DateInChina(envelope.occurred_at()));
    batch.Put(keys::RosterEntry(event.source(), hash), SerializeDeterministic(entry));
    RETURN_IF_ERROR(RecomputeMatch(hash, batch));
  }
  for (const v1::RejectedRosterRow& warning : event.school_unresolved()) {
    batch.Put(keys::ImportWarning(event.import_id(), warning.row_number()), SerializeDeterministic(warning));
  }
  ASSIGN_OR_RETURN(auto import, storage::LoadRow<v1::RosterImportRecord>(batch, keys::RosterImport(event.import_id())));
  if (!import) return absl::DataLossError(absl::StrCat("rows for unknown import '", event.import_id(), "'"));
  import->set_version(envelope.aggregate_version());
  import->set_rows_applied(import->rows_applied() + event.rows_size());
  batch.Put(keys::RosterImport(event.import_id()), SerializeDeterministic(*import));
  return absl::OkStatus();
}

absl::Status ApplyRejections(const v1::RosterRowsRejected& event, const common::v1::EventEnvelope& envelope,
                             storage::ProjectionBatch& batch) {
  for (const v1::RejectedRosterRow& row : event.rows()) {
    batch.Put(keys::ImportRejection(event.import_id(), row.row_number()), SerializeDeterministic(row));
    if (row.kind() != v1::REJECTION_KIND_INVALID_ID && row.kind() != v1::REJECTION_KIND_DUPLICATE_IN_SOURCE) continue;
    v1::MatchResult result;
    result.set_key(absl::StrCat(event.import_id(), "#", row.row_number()));
    result.set_category(row.kind() == v1::REJECTION_KIND_INVALID_ID ? v1::MATCH_CATEGORY_INVALID_ID
                                                                    : v1::MATCH_CATEGORY_DUPLICATE_IN_SOURCE);
    result.add_reasons(absl::StrCat("row ", row.row_number(), " of import ", event.import_id(), ": ", row.reason()));
    result.set_county(row.county());
    result.set_school_code(row.school_code());
    result.set_name(row.name());
    result.set_national_id_masked(row.national_id_masked());
    result.add_sources(event.source());
    RETURN_IF_ERROR(StoreMatch(batch, result));
  }
  ASSIGN_OR_RETURN(auto import, storage::LoadRow<v1::RosterImportRecord>(batch, keys::RosterImport(event.import_id())));
  if (!import) return absl::DataLossError(absl::StrCat("rejections for unknown import '", event.import_id(), "'"));
  import->set_version(envelope.aggregate_version());
  import->set_rows_rejected(import->rows_rejected() + event.rows_size());
  batch.Put(keys::RosterImport(event.import_id()), SerializeDeterministic(*import));
  return absl::OkStatus();
}

absl::Status ApplyCrossMatchRequested(const v1::CrossMatchRequested& event, const common::v1::EventEnvelope& envelope,
                                      storage::ProjectionBatch& batch) {
  v1::MatchSettings settings;
  *settings.mutable_as_of() = event.as_of();
  settings.set_school_age_min(event.school_age_min());
  settings.set_school_age_max(event.school_age_max());
  settings.set_exit_transition_years(event.exit_transition_years());
  settings.set_version(envelope.aggregate_version());
  batch.Put(keys::kMatchSettings, SerializeDeterministic(settings));
  // Only people whose category depends on the reference date can change:
  // poor and enrolled nowhere (age), or of an exited household (transition).
  std::vector<std::string> hashes;
  RETURN_IF_ERROR(batch.Scan(keys::kAgeSensitivePrefix, [&](const std::string& key, const std::string&) {
    hashes.push_back(key.substr(sizeof(keys::kAgeSensitivePrefix) - 1));
    return true;
  }));
  for (const std::string& hash : hashes) RETURN_IF_ERROR(RecomputeMatch(hash, batch));
  return absl::OkStatus();
}

}  // namespace

absl::Status RecomputeMatchesOfSchool(const std::string& school_code, storage::ProjectionBatch& batch) {
  const std::string prefix = keys::MatchBySchoolPrefix(school_code);
  std::vector<std::string> hashes;
  RETURN_IF_ERROR(batch.Scan(prefix, [&](const std::string& key, const std::string&) {
    std::string k = key.substr(prefix.size());
    if (k.find('#') == std::string::npos) hashes.push_back(std::move(k));  // rejected rows keep theirs
    return true;
  }));
  for (const std::string& hash : hashes) RETURN_IF_ERROR(RecomputeMatch(hash, batch));
  return absl::OkStatus();
}

absl::StatusOr<PersonEvidence> LoadPersonEvidence(const std::string& hash, storage::ProjectionBatch& batch) {
  PersonEvidence evidence;
  ASSIGN_OR_RETURN(evidence.poverty,
                   storage::LoadRow<v1::RosterEntry>(batch, keys::RosterEntry(v1::ROSTER_SOURCE_POVERTY_OFFICE, hash)));
  ASSIGN_OR_RETURN(evidence.civil,
                   storage::LoadRow<v1::RosterEntry>(batch, keys::RosterEntry(v1::ROSTER_SOURCE_CIVIL_AFFAIRS, hash)));
  ASSIGN_OR_RETURN(evidence.status,
                   storage::LoadRow<v1::RosterEntry>(batch, keys::RosterEntry(v1::ROSTER_SOURCE_STUDENT_STATUS, hash)));
  ASSIGN_OR_RETURN(auto student_id, batch.Get(keys::NationalIdHash(hash)));
  if (student_id) {
    ASSIGN_OR_RETURN(evidence.student, storage::LoadRow<v1::StudentRecord>(batch, keys::Student(*student_id)));
  }
  std::string school = evidence.student  ? evidence.student->school_code()
                       : evidence.status ? evidence.status->person().school_code()
                                         : "";
  if (!school.empty()) {
    ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::SchoolRecord>(batch, keys::School(school)));
    // By code: the work queues and every caller's scope go by county code
    // (a name here split one county's queue in two).
    if (record) evidence.school_county = record->county_code();
  }
  return evidence;
}

absl::Status RecomputeMatch(const std::string& hash, storage::ProjectionBatch& batch) {
  ASSIGN_OR_RETURN(PersonEvidence evidence, LoadPersonEvidence(hash, batch));
  ASSIGN_OR_RETURN(auto settings, storage::LoadRow<v1::MatchSettings>(batch, keys::kMatchSettings));
  const v1::Date student_updated_on =
      evidence.student ? rules::DateInChina(evidence.student->updated_at()) : v1::Date();
  v1::MatchSettings effective =
      settings ? *settings : DefaultMatchSettings(NewestEvidenceDate(evidence, student_updated_on));
  return StoreMatch(batch, CrossMatch(hash, evidence, effective));
}

void AddRosterHandlers(es::EventDispatcher<storage::ProjectionBatch&>& on) {
  using Envelope = common::v1::EventEnvelope;
  using Batch = storage::ProjectionBatch;
  on.On<v1::RosterImportStarted>([](const v1::RosterImportStarted& e, const Envelope& envelope, Batch& batch) {
    v1::RosterImportRecord r;
    r.set_import_id(e.import_id());
    r.set_version(envelope.aggregate_version());
    r.set_source(e.source());
    r.set_agency(e.agency());
    r.set_file_name(e.file_name());
    r.set_file_hash(e.file_hash());
    r.set_declared_rows(e.declared_rows());
    *r.mutable_started_at() = envelope.occurred_at();
    batch.Put(keys::RosterImport(e.import_id()), SerializeDeterministic(r));
    return absl::OkStatus();
  });
  on.On<v1::RosterRowsApplied>(ApplyRows);
  on.On<v1::RosterRowsRejected>(ApplyRejections);
  on.On<v1::RosterImportCompleted>([](const v1::RosterImportCompleted& e, const Envelope& envelope,
                                      Batch& batch) -> absl::Status {
    ASSIGN_OR_RETURN(auto import, storage::LoadRow<v1::RosterImportRecord>(batch, keys::RosterImport(e.import_id())));
    if (!import) return absl::DataLossError(absl::StrCat("completion of unknown import '", e.import_id(), "'"));
    import->set_version(envelope.aggregate_version());
    import->set_completed(true);
    *import->mutable_completed_at() = envelope.occurred_at();
    batch.Put(keys::RosterImport(e.import_id()), SerializeDeterministic(*import));
    return absl::OkStatus();
  });
  on.On<v1::CrossMatchRequested>(ApplyCrossMatchRequested);
  // The findings themselves are already in the match rows (the projection
  // computes them from the same evidence); the event moves the aggregate on.
  on.On<v1::NotEnrolledFound>([](const v1::NotEnrolledFound&, const Envelope& envelope, Batch& batch) -> absl::Status {
    ASSIGN_OR_RETURN(auto settings, storage::LoadRow<v1::MatchSettings>(batch, keys::kMatchSettings));
    if (!settings) return absl::DataLossError("findings of a cross-match run before its settings");
    settings->set_version(envelope.aggregate_version());
    batch.Put(keys::kMatchSettings, SerializeDeterministic(*settings));
    return absl::OkStatus();
  });
}

}  // namespace zizhu::registry
