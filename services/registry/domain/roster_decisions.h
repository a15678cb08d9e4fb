// Pure decisions of roster imports and cross-match runs.
#pragma once

#include "services/registry/domain/registry_decisions.h"
#include "services/registry/domain/roster_rows.h"
#include "zizhu/registry/v1/roster_service.pb.h"

namespace zizhu::registry {

inline constexpr char kRosterImportAggregate[] = "registry.RosterImport";
inline constexpr char kCrossMatchAggregate[] = "registry.CrossMatch";
inline constexpr char kCrossMatchId[] = "cross-match";
inline constexpr int kMaxRowsPerAppend = 5000;
// Rows per RosterRowsApplied / RosterRowsRejected event.
inline constexpr int kRowsPerEvent = 500;

// "<source>-<first 16 hex of the file hash>".
std::string RosterImportId(v1::RosterSource source, const std::string& file_hash);

// ALREADY_EXISTS when the import exists (the caller returns it as is).
absl::StatusOr<Events> DecideStartRosterImport(RegistryState& state, const v1::StartRosterImportRequest& cmd,
                                               const std::string& import_id);
// Validates the rows of an append for `source` (pure and stateless, so it can
// run before the command reaches the single writer, on any thread).
absl::StatusOr<std::vector<RosterRowOutcome>> ValidateAppendRows(v1::RosterSource source,
                                                                 const v1::AppendRosterRowsRequest& cmd,
                                                                 PersonalDataProtector& protector);
// Decides an append from rows validated by ValidateAppendRows: checks the
// import is open and of `source`, rejects IDs already seen in this import,
// and names with each event's rows the people they leave registered-poor, of
// school age and enrolled nowhere (RosterRowsApplied.not_enrolled). `today`
// is the decision's date (the day the entries are recorded on).
absl::StatusOr<Events> DecideAppendRosterRows(RegistryState& state, const std::string& import_id,
                                              v1::RosterSource source, std::vector<RosterRowOutcome> rows,
                                              const v1::Date& today);

// The person's finding when the cross-match finds them NOT_ENROLLED, nullopt
// otherwise: the evidence the state holds, with `entry` (a row being applied,
// may be null) as its source's newest word, under `settings` (nullopt: the
// stored ones, else the defaults as of the newest evidence).
absl::StatusOr<std::optional<v1::NotEnrolledPerson>> FindNotEnrolled(RegistryState& state, const std::string& hash,
                                                                     const v1::RosterEntry* entry,
                                                                     const std::optional<v1::MatchSettings>& settings);
absl::StatusOr<Events> DecideCompleteRosterImport(RegistryState& state, const v1::CompleteRosterImportRequest& cmd);
absl::StatusOr<Events> DecideRunCrossMatch(RegistryState& state, const v1::RunCrossMatchRequest& cmd);

}  // namespace zizhu::registry
