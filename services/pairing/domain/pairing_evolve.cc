#include "services/pairing/domain/pairing_evolve.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"

namespace zizhu::pairing {
namespace {

absl::Status UpdatePair(const std::string& pair_id, int64_t version, PairingRows& rows,
                        const std::function<void(v1::PairRecord&)>& change) {
  ASSIGN_OR_RETURN(auto pair, rows.Pair(pair_id));
  if (!pair) return absl::DataLossError(absl::StrCat("pair ", pair_id, " is missing"));
  change(*pair);
  pair->set_version(version);
  rows.PutPair(*pair);
  return absl::OkStatus();
}

absl::Status UpdateRotation(const std::string& county, int year, int64_t version, PairingRows& rows,
                            const std::function<void(v1::RotationRecord&)>& change) {
  ASSIGN_OR_RETURN(auto record, rows.Rotation(county, year));
  v1::RotationRecord r = record.value_or(v1::RotationRecord());
  r.set_county_code(county);
  r.set_year(year);
  change(r);
  r.set_version(version);
  rows.PutRotation(r);
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldPairingEvent(const v1::PairFormed& e, int64_t version, PairingRows& rows) {
  v1::PairRecord p;
  p.set_pair_id(e.pair_id());
  p.set_kind(e.kind());
  p.set_urban_school(e.urban_school());
  p.set_rural_school(e.rural_school());
  p.set_county_code(e.county_code());
  p.set_urban_teacher(e.urban_teacher());
  p.set_rural_teacher(e.rural_teacher());
  *p.mutable_start() = e.start();
  *p.mutable_end() = e.end();
  p.set_version(version);
  rows.PutPair(p);
  return absl::OkStatus();
}

absl::Status FoldPairingEvent(const v1::PairEnded& e, int64_t version, PairingRows& rows) {
  return UpdatePair(e.pair_id(), version, rows, [&e](v1::PairRecord& p) { *p.mutable_end() = e.end(); });
}

absl::Status FoldPairingEvent(const v1::ActivityRecorded& e, int64_t version, PairingRows& rows) {
  return UpdatePair(e.pair_id(), version, rows, [&e](v1::PairRecord& p) { *p.add_activities() = e.activity(); });
}

absl::Status FoldPairingEvent(const v1::PlanSet& e, int64_t version, PairingRows& rows) {
  v1::PlanRecord plan = e.plan();
  plan.set_version(version);
  rows.PutPlan(plan);
  return absl::OkStatus();
}

absl::Status FoldPairingEvent(const v1::TeachersDeclared& e, int64_t version, PairingRows& rows) {
  return UpdateRotation(e.county_code(), e.year(), version, rows,
                        [&e](v1::RotationRecord& r) { *r.mutable_teachers() = e.teachers(); });
}

absl::Status FoldPairingEvent(const v1::TeacherRotated& e, int64_t version, PairingRows& rows) {
  return UpdateRotation(e.county_code(), e.year(), version, rows,
                        [&e](v1::RotationRecord& r) { *r.add_rotations() = e.rotation(); });
}

}  // namespace zizhu::pairing
