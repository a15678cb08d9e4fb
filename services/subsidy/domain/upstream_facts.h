// What the subsidy keeps of the registry's events (pure): a student's facts
// as the registry states them, and what the poverty office's and civil
// affairs' rosters say of a person. The projection (app/) stores these in
// rows; the report jobs (tools/report) fold the same functions in memory.
#pragma once

#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"
#include "zizhu/subsidy/v1/records.pb.h"

namespace zizhu::subsidy {

// How many years after a household's exit its children stay registered-poor
// until a cross-match run sets the window (CrossMatchRequested).
inline constexpr int kDefaultExitTransitionYears = 5;

v1::UpstreamStudent UpstreamStudentOf(const registry::v1::StudentRegistered& event);
void ApplyAttributes(v1::UpstreamStudent& student, const registry::v1::StudentAttributesUpdated& event);
void ApplyEnrolment(v1::UpstreamStudent& student, const registry::v1::EnrolmentStatusChanged& event);

// Whether rows of `source` change poverty evidence (the poverty office's and
// civil affairs' rosters do).
bool IsEvidenceSource(registry::v1::RosterSource source);
// The evidence after one applied row of `source`; `event_year` is the year
// (China) of the import, the exit year when the row exits without one.
void ApplyRosterRow(v1::UpstreamPovertyEvidence& evidence, registry::v1::RosterSource source,
                    const registry::v1::AppliedRosterRow& row, int event_year);

}  // namespace zizhu::subsidy
