// Validation of roster rows from other agencies (poverty office, civil
// affairs, student-status system). Rows arrive as canonical field -> text
// maps (files are mapped by the client; pushes name fields directly).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/registry/domain/ports.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::registry {

struct RosterRowOutcome {
  bool ok = false;
  v1::AppliedRosterRow applied;    // when ok
  v1::RejectedRosterRow rejected;  // when !ok
  std::string normalized_id;       // when the ID itself was valid
};

// Validates one row. A bad national ID is REJECTION_KIND_INVALID_ID; any other
// bad value is REJECTION_KIND_BAD_VALUE naming the column. Personal data is
// sealed through `protector`. A birth date that disagrees with the ID is kept
// (the source's value) with a note, so the cross-match can show the conflict.
RosterRowOutcome ValidateRosterRow(v1::RosterSource source, const v1::RosterRowInput& row,
                                   PersonalDataProtector& protector);

// What a source says of a person after an applied row: the entry the
// cross-match reads (recorded on the day the row was applied; an exit keeps
// the entry, marked exited on that day).
v1::RosterEntry RosterEntryOf(v1::RosterSource source, const v1::AppliedRosterRow& row, const std::string& import_id,
                              const v1::Date& recorded_on);

}  // namespace zizhu::registry
