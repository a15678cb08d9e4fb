// How every follower reads the registry's EnrolmentStatusChanged (pure, one
// place). The event names the school only when the pupil moves (a transfer
// in, re-enrolment after graduation) in events written before 2026-12; a
// change without a school means the pupil stays at (or returns to) the
// school they belonged to before it. Followers (subsidy, disbursement,
// dropout, the report jobs) must not read an empty school as "elsewhere":
// that was how a returning pupil's aid stayed stopped.
#pragma once

#include <string>

#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::registry {

struct EnrolmentChangeReading {
  // The pupil is in school after the change (to ENROLLED).
  bool in_school = false;
  // Enrolled: the school the pupil is at after the change. Otherwise: the
  // school the pupil left. Empty only when the event names neither.
  std::string school_code;
  // Enrolled at a school other than the one before the change.
  bool moved = false;
};

EnrolmentChangeReading ReadEnrolmentChange(const v1::EnrolmentStatusChanged& change);

}  // namespace zizhu::registry
