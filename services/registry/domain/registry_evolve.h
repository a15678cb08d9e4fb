// Pure folding of registry events into records (Evolve). Used by the
// projection; deterministic: time comes from the event envelope.
#pragma once

#include "google/protobuf/timestamp.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/records.pb.h"

namespace zizhu::registry {

struct EventStamp {
  int64_t version = 0;
  google::protobuf::Timestamp occurred_at;
};

v1::StudentRecord EvolveStudent(const v1::StudentRegistered& event, const EventStamp& stamp);
void EvolveStudent(v1::StudentRecord& record, const v1::StudentAttributesUpdated& event, const EventStamp& stamp);
void EvolveStudent(v1::StudentRecord& record, const v1::EnrolmentStatusChanged& event, const EventStamp& stamp);
void EvolveStudent(v1::StudentRecord& record, const v1::ResponsiblePeopleAssigned& event, const EventStamp& stamp);
v1::SchoolRecord EvolveSchool(const v1::SchoolRegistered& event, const EventStamp& stamp);
v1::HouseholdRecord EvolveHousehold(const v1::HouseholdRegistered& event, const EventStamp& stamp);

}  // namespace zizhu::registry
