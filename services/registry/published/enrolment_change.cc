#include "services/registry/published/enrolment_change.h"

namespace zizhu::registry {

EnrolmentChangeReading ReadEnrolmentChange(const v1::EnrolmentStatusChanged& change) {
  EnrolmentChangeReading reading;
  reading.in_school = change.to_status() == v1::ENROLMENT_STATUS_ENROLLED;
  reading.school_code = change.school_code().empty() ? change.previous_school_code() : change.school_code();
  reading.moved = reading.in_school && !change.previous_school_code().empty() &&
                  change.previous_school_code() != reading.school_code;
  return reading;
}

}  // namespace zizhu::registry
