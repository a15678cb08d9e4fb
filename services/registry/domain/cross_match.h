// The cross-match of one person (one national ID) across the three agency
// rosters and the registry. Pure: the evidence and the settings in, the
// category and the reasons out.
#pragma once

#include <optional>
#include <string>

#include "zizhu/registry/v1/records.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::registry {

struct PersonEvidence {
  std::optional<v1::RosterEntry> poverty;
  std::optional<v1::RosterEntry> civil;
  std::optional<v1::RosterEntry> status;
  std::optional<v1::StudentRecord> student;
  // County code of the student's school when the registry knows it.
  std::string school_county;
};

// School age and reference date. Policy data: set by CrossMatchRequested;
// the defaults (6-15, compulsory education) apply until then.
v1::MatchSettings DefaultMatchSettings(const v1::Date& as_of);
// Years an exited household's children stay in scope unless a run says
// otherwise (domain: "exits in the last five years stay in scope").
inline constexpr int kDefaultExitTransitionYears = 5;

// The reference date before any cross-match run: the newest date among the
// person's evidence (roster entries' recorded_on, the student's last update
// given as `student_updated_on`). A function of the evidence alone, so the
// result does not depend on the order events are applied in.
v1::Date NewestEvidenceDate(const PersonEvidence& evidence, const v1::Date& student_updated_on);

// Age in whole years on `as_of`.
int AgeOn(const v1::Date& birth, const v1::Date& as_of);

// Categories, first that applies: ATTRIBUTE_CONFLICT (name or birth date
// differ between sources); NOT_ENROLLED (poor in a source, of school age, not
// enrolled in the student-status roster nor in the registry);
// POOR_IN_ONE_SOURCE_ONLY (enrolled, and one source says poor where another
// does not); MATCHED (enrolled, poor, sources agree); NO_FINDING otherwise.
v1::MatchResult CrossMatch(const std::string& national_id_hash, const PersonEvidence& evidence,
                           const v1::MatchSettings& settings);

}  // namespace zizhu::registry
