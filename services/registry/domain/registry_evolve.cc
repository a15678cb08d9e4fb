#include "services/registry/domain/registry_evolve.h"

#include <string>

namespace zizhu::registry {

v1::StudentRecord EvolveStudent(const v1::StudentRegistered& e, const EventStamp& stamp) {
  v1::StudentRecord r;
  r.set_student_id(e.student_id());
  r.set_version(stamp.version);
  r.set_name(e.name());
  *r.mutable_national_id() = e.national_id();
  r.set_national_id_hash(e.national_id_hash());
  r.set_gender(e.gender());
  *r.mutable_birth_date() = e.birth_date();
  r.set_ethnic_group(e.ethnic_group());
  r.set_household_number(e.household_number());
  *r.mutable_categories() = e.categories();
  r.set_stage(e.stage());
  r.set_school_code(e.school_code());
  r.set_grade(e.grade());
  r.set_class_name(e.class_name());
  r.set_boarding(e.boarding());
  r.set_status(e.status());
  *r.mutable_bank_card() = e.bank_card();
  *r.mutable_guardian() = e.guardian();
  *r.mutable_phone() = e.phone();
  *r.mutable_registered_at() = stamp.occurred_at;
  *r.mutable_updated_at() = stamp.occurred_at;
  return r;
}

void EvolveStudent(v1::StudentRecord& r, const v1::StudentAttributesUpdated& e, const EventStamp& stamp) {
  for (const std::string& field : e.changed_fields()) {
    if (field == "name") r.set_name(e.name());
    if (field == "ethnic_group") r.set_ethnic_group(e.ethnic_group());
    if (field == "household_number") r.set_household_number(e.household_number());
    if (field == "categories") *r.mutable_categories() = e.categories();
    if (field == "grade") r.set_grade(e.grade());
    if (field == "class_name") r.set_class_name(e.class_name());
    if (field == "boarding") r.set_boarding(e.boarding());
    if (field == "bank_card") *r.mutable_bank_card() = e.bank_card();
    if (field == "phone") *r.mutable_phone() = e.phone();
    if (field == "guardian") *r.mutable_guardian() = e.guardian();
  }
  r.set_version(stamp.version);
  *r.mutable_updated_at() = stamp.occurred_at;
}

void EvolveStudent(v1::StudentRecord& r, const v1::EnrolmentStatusChanged& e, const EventStamp& stamp) {
  v1::StatusHistoryEntry* h = r.add_status_history();
  h->set_from_status(e.from_status());
  h->set_to_status(e.to_status());
  *h->mutable_effective_date() = e.effective_date();
  h->set_reason(e.reason());
  h->set_school_code(e.school_code().empty() ? r.school_code() : e.school_code());
  h->set_previous_school_code(r.school_code());
  h->set_evidence_ref(e.evidence_ref());
  *h->mutable_recorded_at() = stamp.occurred_at;
  r.set_status(e.to_status());
  if (!e.school_code().empty()) {
    r.set_school_code(e.school_code());
    r.set_stage(e.stage());
    r.set_grade(e.grade());
    r.set_class_name(e.class_name());
  }
  r.set_version(stamp.version);
  *r.mutable_updated_at() = stamp.occurred_at;
}

void EvolveStudent(v1::StudentRecord& r, const v1::ResponsiblePeopleAssigned& e, const EventStamp& stamp) {
  *r.mutable_class_teacher() = e.class_teacher();
  *r.mutable_deputy_head() = e.deputy_head();
  *r.mutable_principal() = e.principal();
  r.set_version(stamp.version);
  *r.mutable_updated_at() = stamp.occurred_at;
}

v1::SchoolRecord EvolveSchool(const v1::SchoolRegistered& e, const EventStamp& stamp) {
  v1::SchoolRecord r;
  r.set_school_code(e.school_code());
  r.set_version(stamp.version);
  r.set_name(e.name());
  r.set_county_code(e.county_code());
  r.set_county_name(e.county_name());
  *r.mutable_stages() = e.stages();
  r.set_rural(e.rural());
  *r.mutable_registered_at() = stamp.occurred_at;
  return r;
}

v1::HouseholdRecord EvolveHousehold(const v1::HouseholdRegistered& e, const EventStamp& stamp) {
  v1::HouseholdRecord r;
  r.set_household_number(e.household_number());
  r.set_version(stamp.version);
  r.set_head_name(e.head_name());
  *r.mutable_locality() = e.locality();
  r.set_household_type(e.household_type());
  r.set_year_registered(e.year_registered());
  *r.mutable_registered_at() = stamp.occurred_at;
  return r;
}

}  // namespace zizhu::registry
