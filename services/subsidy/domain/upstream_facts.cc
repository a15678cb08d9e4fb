#include "services/subsidy/domain/upstream_facts.h"

#include "services/common/crypto/masking.h"
#include "services/registry/published/enrolment_change.h"
#include "services/subsidy/domain/underpayment.h"

namespace zizhu::subsidy {

v1::UpstreamStudent UpstreamStudentOf(const registry::v1::StudentRegistered& e) {
  v1::UpstreamStudent s;
  s.set_student_id(e.student_id());
  s.set_name_masked(MaskName(e.name()));
  s.set_national_id_masked(e.national_id().masked());
  s.set_national_id_hash(e.national_id_hash());
  s.set_school_code(e.school_code());
  s.set_stage(e.stage());
  s.set_grade(e.grade());
  s.set_class_name(e.class_name());
  s.set_boarding(e.boarding());
  *s.mutable_categories() = e.categories();
  s.set_status(e.status());
  s.set_household_number(e.household_number());
  AppendEnrolmentStep(s, registry::v1::Date(), e.status(), e.school_code());
  return s;
}

void ApplyAttributes(v1::UpstreamStudent& s, const registry::v1::StudentAttributesUpdated& e) {
  for (const std::string& field : e.changed_fields()) {
    if (field == "name") s.set_name_masked(MaskName(e.name()));
    if (field == "household_number") s.set_household_number(e.household_number());
    if (field == "categories") *s.mutable_categories() = e.categories();
    if (field == "grade") s.set_grade(e.grade());
    if (field == "class_name") s.set_class_name(e.class_name());
    if (field == "boarding") s.set_boarding(e.boarding());
  }
}

void ApplyEnrolment(v1::UpstreamStudent& s, const registry::v1::EnrolmentStatusChanged& e) {
  const registry::EnrolmentChangeReading reading = registry::ReadEnrolmentChange(e);
  if (s.enrolment().empty()) {
    // A row kept before histories were: what held before this change.
    AppendEnrolmentStep(s, registry::v1::Date(), e.from_status(),
                        e.previous_school_code().empty() ? s.school_code() : e.previous_school_code());
  }
  s.set_status(e.to_status());
  if (reading.in_school && !reading.school_code.empty()) s.set_school_code(reading.school_code);
  AppendEnrolmentStep(s, e.effective_date(), e.to_status(),
                      reading.school_code.empty() ? s.school_code() : reading.school_code);
  if (e.stage() != registry::v1::EDUCATION_STAGE_UNSPECIFIED) s.set_stage(e.stage());
  if (e.grade() > 0) s.set_grade(e.grade());
  if (!e.class_name().empty()) s.set_class_name(e.class_name());
}

bool IsEvidenceSource(registry::v1::RosterSource source) {
  return source == registry::v1::ROSTER_SOURCE_POVERTY_OFFICE || source == registry::v1::ROSTER_SOURCE_CIVIL_AFFAIRS;
}

void ApplyRosterRow(v1::UpstreamPovertyEvidence& evidence, registry::v1::RosterSource source,
                    const registry::v1::AppliedRosterRow& row, int event_year) {
  const registry::v1::RosterPerson& person = row.person();
  const bool exit = row.change() == registry::v1::ROSTER_CHANGE_EXIT;
  if (source == registry::v1::ROSTER_SOURCE_POVERTY_OFFICE) {
    evidence.set_poverty_office(true);
    if (!person.household_number().empty()) evidence.set_household_number(person.household_number());
    evidence.set_year_exited(person.year_exited() > 0 ? person.year_exited() : (exit ? event_year : 0));
  } else if (source == registry::v1::ROSTER_SOURCE_CIVIL_AFFAIRS) {
    evidence.set_civil_affairs(!exit && person.assistance_size() > 0);
  }
}

}  // namespace zizhu::subsidy
