#include "services/pairing/domain/pairing_evolve.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"
#include "zizhu/pairing/v1/events.pb.h"

namespace zizhu::pairing {

absl::Status FoldPairingEvent(const google::protobuf::Message& event, int64_t version, PairingRows& rows) {
  if (auto* e = dynamic_cast<const v1::PairFormed*>(&event)) {
    v1::PairRecord p;
    p.set_pair_id(e->pair_id());
    p.set_kind(e->kind());
    p.set_urban_school(e->urban_school());
    p.set_rural_school(e->rural_school());
    p.set_county_code(e->county_code());
    p.set_urban_teacher(e->urban_teacher());
    p.set_rural_teacher(e->rural_teacher());
    *p.mutable_start() = e->start();
    *p.mutable_end() = e->end();
    p.set_version(version);
    rows.PutPair(p);
    return absl::OkStatus();
  }
  std::string pair_id;
  if (auto* e = dynamic_cast<const v1::PairEnded*>(&event)) pair_id = e->pair_id();
  if (auto* e = dynamic_cast<const v1::ActivityRecorded*>(&event)) pair_id = e->pair_id();
  if (!pair_id.empty()) {
    ASSIGN_OR_RETURN(auto pair, rows.Pair(pair_id));
    if (!pair) return absl::DataLossError(absl::StrCat("pair ", pair_id, " is missing"));
    if (auto* e = dynamic_cast<const v1::PairEnded*>(&event)) *pair->mutable_end() = e->end();
    if (auto* e = dynamic_cast<const v1::ActivityRecorded*>(&event)) *pair->add_activities() = e->activity();
    pair->set_version(version);
    rows.PutPair(*pair);
    return absl::OkStatus();
  }
  if (auto* e = dynamic_cast<const v1::PlanSet*>(&event)) {
    v1::PlanRecord plan = e->plan();
    plan.set_version(version);
    rows.PutPlan(plan);
    return absl::OkStatus();
  }
  const std::string* county = nullptr;
  int year = 0;
  if (auto* e = dynamic_cast<const v1::TeachersDeclared*>(&event)) county = &e->county_code(), year = e->year();
  if (auto* e = dynamic_cast<const v1::TeacherRotated*>(&event)) county = &e->county_code(), year = e->year();
  if (county == nullptr) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto record, rows.Rotation(*county, year));
  v1::RotationRecord r = record.value_or(v1::RotationRecord());
  r.set_county_code(*county);
  r.set_year(year);
  if (auto* e = dynamic_cast<const v1::TeachersDeclared*>(&event)) *r.mutable_teachers() = e->teachers();
  if (auto* e = dynamic_cast<const v1::TeacherRotated*>(&event)) *r.add_rotations() = e->rotation();
  r.set_version(version);
  rows.PutRotation(r);
  return absl::OkStatus();
}

}  // namespace zizhu::pairing
