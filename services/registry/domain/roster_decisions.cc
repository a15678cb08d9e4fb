#include "services/registry/domain/roster_decisions.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/registry/domain/cross_match.h"
#include "services/registry/domain/roster_rows.h"

namespace zizhu::registry {
namespace {

es::NewEvent Event(const char* type, const std::string& id, int64_t version,
                   std::shared_ptr<const google::protobuf::Message> payload) {
  return es::NewEvent{type, AggregateId(id), AggregateVersion(version), std::move(payload)};
}

absl::StatusOr<v1::RosterImportRecord> RequireOpenImport(RegistryState& state, const std::string& import_id) {
  if (import_id.empty()) return FieldRequired("import_id");
  ASSIGN_OR_RETURN(auto record, state.FindRosterImport(import_id));
  if (!record) return NotFound("import_id", import_id);
  if (record->completed()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "IMPORT_COMPLETED", {{"import", import_id}},
                   absl::StrCat("import '", import_id, "' is already completed"));
  }
  return *record;
}

}  // namespace

std::string RosterImportId(v1::RosterSource source, const std::string& file_hash) {
  return absl::StrCat(rules::RosterSourceName(source), "-", absl::AsciiStrToLower(file_hash.substr(0, 16)));
}

absl::StatusOr<Events> DecideStartRosterImport(RegistryState& state, const v1::StartRosterImportRequest& cmd,
                                               const std::string& import_id) {
  if (cmd.source() == v1::ROSTER_SOURCE_UNSPECIFIED || !v1::RosterSource_IsValid(cmd.source())) {
    return FieldRequired("source");
  }
  if (cmd.file_hash().size() < 16) {
    return FieldInvalid("file_hash", cmd.file_hash(), "must be the hex SHA-256 of the file (at least 16 characters)");
  }
  for (char c : cmd.file_hash()) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return FieldInvalid("file_hash", cmd.file_hash(), "is not hexadecimal");
    }
  }
  if (cmd.agency().empty()) return FieldRequired("agency");
  if (cmd.declared_rows() < 0) {
    return FieldInvalid("declared_rows", std::to_string(cmd.declared_rows()), "is negative");
  }
  ASSIGN_OR_RETURN(auto existing, state.FindRosterImport(import_id));
  if (existing) return AlreadyExists("import", import_id);
  auto event = std::make_shared<v1::RosterImportStarted>();
  event->set_import_id(import_id);
  event->set_source(cmd.source());
  event->set_agency(cmd.agency());
  event->set_file_name(cmd.file_name());
  event->set_file_hash(absl::AsciiStrToLower(cmd.file_hash()));
  event->set_declared_rows(cmd.declared_rows());
  return Events{Event(kRosterImportAggregate, import_id, 1, event)};
}

absl::StatusOr<std::vector<RosterRowOutcome>> ValidateAppendRows(v1::RosterSource source,
                                                                 const v1::AppendRosterRowsRequest& cmd,
                                                                 PersonalDataProtector& protector) {
  if (cmd.import_id().empty()) return FieldRequired("import_id");
  if (cmd.rows_size() == 0) return FieldRequired("rows");
  if (cmd.rows_size() > kMaxRowsPerAppend) {
    return FieldOutOfRange("rows", cmd.rows_size(), 1, kMaxRowsPerAppend);
  }
  std::set<int32_t> row_numbers;
  std::vector<RosterRowOutcome> out;
  out.reserve(cmd.rows_size());
  for (const v1::RosterRowInput& row : cmd.rows()) {
    if (row.row_number() <= 0 || !row_numbers.insert(row.row_number()).second) {
      return FieldInvalid("row_number", std::to_string(row.row_number()), "is not positive or appears twice");
    }
    out.push_back(ValidateRosterRow(source, row, protector));
  }
  return out;
}

absl::StatusOr<std::optional<v1::NotEnrolledPerson>> FindNotEnrolled(RegistryState& state, const std::string& hash,
                                                                     const v1::RosterEntry* entry,
                                                                     const std::optional<v1::MatchSettings>& settings) {
  ASSIGN_OR_RETURN(PersonEvidence evidence, state.FindPersonEvidence(hash));
  if (entry != nullptr) {
    if (entry->source() == v1::ROSTER_SOURCE_POVERTY_OFFICE) evidence.poverty = *entry;
    if (entry->source() == v1::ROSTER_SOURCE_CIVIL_AFFAIRS) evidence.civil = *entry;
    if (entry->source() == v1::ROSTER_SOURCE_STUDENT_STATUS) evidence.status = *entry;
  }
  std::optional<v1::MatchSettings> effective = settings;
  if (!effective) {
    ASSIGN_OR_RETURN(effective, state.FindMatchSettings());
  }
  if (!effective) {
    const v1::Date student_updated_on =
        evidence.student ? rules::DateInChina(evidence.student->updated_at()) : v1::Date();
    effective = DefaultMatchSettings(NewestEvidenceDate(evidence, student_updated_on));
  }
  const v1::MatchResult result = CrossMatch(hash, evidence, *effective);
  if (result.category() != v1::MATCH_CATEGORY_NOT_ENROLLED) return std::optional<v1::NotEnrolledPerson>();
  v1::NotEnrolledPerson person;
  person.set_national_id_hash(hash);
  person.set_student_id(result.student_id());
  person.set_name_masked(MaskName(result.name()));
  person.set_national_id_masked(result.national_id_masked());
  person.set_school_code(result.school_code());
  person.set_county(result.county());
  if (evidence.student) person.set_stage(evidence.student->stage());
  *person.mutable_reasons() = result.reasons();
  *person.mutable_reason_codes() = result.reason_codes();
  return std::optional<v1::NotEnrolledPerson>(std::move(person));
}

absl::StatusOr<Events> DecideAppendRosterRows(RegistryState& state, const std::string& import_id,
                                              v1::RosterSource source, std::vector<RosterRowOutcome> rows,
                                              const v1::Date& today) {
  ASSIGN_OR_RETURN(v1::RosterImportRecord import, RequireOpenImport(state, import_id));
  if (import.source() != source) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "IMPORT_OTHER_SOURCE",
                   {{"import", import_id},
                    {"source", v1::RosterSource_Name(import.source())},
                    {"given", v1::RosterSource_Name(source)}},
                   absl::StrCat("import '", import_id, "' is of source ", rules::RosterSourceName(import.source()),
                                ", not ", rules::RosterSourceName(source)));
  }
  auto applied = std::make_shared<v1::RosterRowsApplied>();
  auto rejected = std::make_shared<v1::RosterRowsRejected>();
  std::map<std::string, int32_t> first_row_of_hash;  // within this call
  for (RosterRowOutcome& outcome : rows) {
    if (!outcome.ok) {
      *rejected->add_rows() = std::move(outcome.rejected);
      continue;
    }
    const std::string& hash = outcome.applied.person().national_id_hash();
    std::optional<int32_t> earlier;
    if (auto it = first_row_of_hash.find(hash); it != first_row_of_hash.end()) earlier = it->second;
    if (!earlier) {
      ASSIGN_OR_RETURN(earlier, state.FindImportRowByHash(import.import_id(), hash));
    }
    if (earlier) {
      v1::RejectedRosterRow dup = std::move(outcome.rejected);
      dup.set_kind(v1::REJECTION_KIND_DUPLICATE_IN_SOURCE);
      dup.set_column("national_id");
      dup.set_reason(absl::StrCat("same national ID as row ", *earlier, " of this roster"));
      *rejected->add_rows() = std::move(dup);
      continue;
    }
    first_row_of_hash[hash] = outcome.applied.row_number();
    v1::RosterPerson& person = *outcome.applied.mutable_person();
    // Rosters name counties ("和平区"); the work queues and their readers' scopes
    // go by code, so a name the registered schools give is recorded as its code.
    if (!person.county().empty() && !std::all_of(person.county().begin(), person.county().end(), absl::ascii_isdigit)) {
      ASSIGN_OR_RETURN(std::optional<std::string> county, state.FindCountyCodeByName(person.county()));
      if (county) person.set_county(*county);
    }
    if (source == v1::ROSTER_SOURCE_STUDENT_STATUS && person.school_code().empty() && !person.school_name().empty()) {
      ASSIGN_OR_RETURN(std::optional<std::string> code,
                       state.FindSchoolCodeByName(person.county(), person.school_name()));
      if (code) {
        person.set_school_code(*code);
      } else {
        v1::RejectedRosterRow warning = outcome.rejected;
        warning.set_kind(v1::REJECTION_KIND_SCHOOL_UNRESOLVED);
        warning.set_column("school_name");
        warning.set_reason(absl::StrCat(
            "school '", person.school_name(), "' is not a registered school",
            person.county().empty() ? "" : absl::StrCat(" of county '", person.county(), "'"),
            " (or the name is shared by several); the row is kept as evidence of enrolment without a school code: "
            "register the school or add a 学校标识码 column"));
        *warning.mutable_reason_code() = ReasonInfo(
            "ROSTER_SCHOOL_UNRESOLVED", {{"name", person.school_name().substr(0, 100)}, {"county", person.county()}});
        *applied->add_school_unresolved() = std::move(warning);
      }
    }
    *applied->add_rows() = std::move(outcome.applied);
  }
  // Events of at most kRowsPerEvent rows each, so that no Kafka message grows
  // past the broker's limit; the command writes them in one transaction.
  Events events;
  int64_t version = import.version();
  auto split = [&](const auto& all, auto make) {
    for (int first = 0; first < all->rows_size(); first += kRowsPerEvent) {
      auto part = make();
      for (int i = first; i < std::min(all->rows_size(), first + kRowsPerEvent); ++i) *part->add_rows() = all->rows(i);
      events.push_back(Event(kRosterImportAggregate, import.import_id(), ++version, part));
    }
  };
  int warning = 0;  // each warning travels with the event that applies its row
  for (int first = 0; first < applied->rows_size(); first += kRowsPerEvent) {
    auto part = std::make_shared<v1::RosterRowsApplied>();
    part->set_import_id(import.import_id());
    part->set_source(import.source());
    std::set<int32_t> rows_here;
    for (int i = first; i < std::min(applied->rows_size(), first + kRowsPerEvent); ++i) {
      const v1::AppliedRosterRow& row = applied->rows(i);
      *part->add_rows() = row;
      rows_here.insert(row.row_number());
      const v1::RosterEntry entry = RosterEntryOf(import.source(), row, import.import_id(), today);
      ASSIGN_OR_RETURN(std::optional<v1::NotEnrolledPerson> gap,
                       FindNotEnrolled(state, row.person().national_id_hash(), &entry, std::nullopt));
      if (gap) *part->add_not_enrolled() = std::move(*gap);
    }
    while (warning < applied->school_unresolved_size() &&
           rows_here.count(applied->school_unresolved(warning).row_number())) {
      *part->add_school_unresolved() = applied->school_unresolved(warning++);
    }
    events.push_back(Event(kRosterImportAggregate, import.import_id(), ++version, part));
  }
  split(rejected, [&] {
    auto e = std::make_shared<v1::RosterRowsRejected>();
    e->set_import_id(import.import_id());
    e->set_source(import.source());
    return e;
  });
  return events;
}

absl::StatusOr<Events> DecideCompleteRosterImport(RegistryState& state, const v1::CompleteRosterImportRequest& cmd) {
  ASSIGN_OR_RETURN(v1::RosterImportRecord import, RequireOpenImport(state, cmd.import_id()));
  auto event = std::make_shared<v1::RosterImportCompleted>();
  event->set_import_id(import.import_id());
  return Events{Event(kRosterImportAggregate, import.import_id(), import.version() + 1, event)};
}

absl::StatusOr<Events> DecideRunCrossMatch(RegistryState& state, const v1::RunCrossMatchRequest& cmd) {
  if (!cmd.has_as_of() || !rules::IsValidDate(cmd.as_of())) {
    return FieldInvalid("as_of", cmd.has_as_of() ? rules::FormatDate(cmd.as_of()) : "", "is not a valid date");
  }
  int min = cmd.school_age_min() == 0 ? 6 : cmd.school_age_min();
  int max = cmd.school_age_max() == 0 ? 15 : cmd.school_age_max();
  if (min < 0 || max > 30 || min > max) {
    return Refusal(absl::StatusCode::kInvalidArgument, "SCHOOL_AGE_RANGE_INVALID",
                   {{"min", std::to_string(min)}, {"max", std::to_string(max)}},
                   absl::StrCat("school age ", min, "-", max, " is not a range within 0-30"));
  }
  ASSIGN_OR_RETURN(auto settings, state.FindMatchSettings());
  const int transition = cmd.has_exit_transition_years() ? cmd.exit_transition_years()
                         : settings                      ? settings->exit_transition_years()
                                                         : kDefaultExitTransitionYears;
  if (transition < 0 || transition > 30) {
    return FieldOutOfRange("exit_transition_years", transition, 0, 30);
  }
  auto event = std::make_shared<v1::CrossMatchRequested>();
  *event->mutable_as_of() = cmd.as_of();
  event->set_school_age_min(min);
  event->set_school_age_max(max);
  event->set_exit_transition_years(transition);
  int64_t version = settings ? settings->version() : 0;
  Events events{Event(kCrossMatchAggregate, kCrossMatchId, ++version, event)};
  // Only people whose finding depends on the date or the age can change.
  v1::MatchSettings next;
  *next.mutable_as_of() = event->as_of();
  next.set_school_age_min(min);
  next.set_school_age_max(max);
  next.set_exit_transition_years(transition);
  ASSIGN_OR_RETURN(std::vector<std::string> hashes, state.ListAgeSensitivePeople());
  std::shared_ptr<v1::NotEnrolledFound> found;
  for (const std::string& hash : hashes) {
    ASSIGN_OR_RETURN(std::optional<v1::NotEnrolledPerson> gap, FindNotEnrolled(state, hash, nullptr, next));
    if (!gap) continue;
    if (!found || found->people_size() == kRowsPerEvent) {
      found = std::make_shared<v1::NotEnrolledFound>();
      events.push_back(Event(kCrossMatchAggregate, kCrossMatchId, ++version, found));
    }
    *found->add_people() = std::move(*gap);
  }
  return events;
}

}  // namespace zizhu::registry
