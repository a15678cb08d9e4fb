#include "services/pairing/app/pairing_app.h"

#include "services/common/core/refusal.h"
#include "services/common/storage/paging.h"
#include "services/pairing/domain/pairing_progress.h"

namespace zizhu::pairing {

absl::StatusOr<v1::PairRecord> LoadPair(RowsPairing& rows, const std::string& pair_id) {
  ASSIGN_OR_RETURN(auto pair, rows.Pair(pair_id));
  if (!pair) return NotFound("pair", pair_id.substr(0, 100));
  return *pair;
}

absl::StatusOr<service::Touches> PairTouched(RowsPairing& rows, const std::string& pair_id) {
  ASSIGN_OR_RETURN(v1::PairRecord pair, LoadPair(rows, pair_id));
  return service::Touches::County(pair.county_code(), "pair", pair_id);
}

absl::StatusOr<service::Touches> RuralSchoolTouched(RowsPairing& rows, const std::string& rural_school) {
  ASSIGN_OR_RETURN(std::optional<v1::UpstreamSchool> rural, rows.FindSchool(rural_school));
  // A school the registry has not named yet: the decision refuses it.
  if (!rural) return service::Touches::Nothing();
  return service::Touches::County(rural->county_code(), "rural_school", rural_school);
}

absl::StatusOr<service::Touches> CountyTouched(const std::string& county) {
  return service::Touches::County(county, "county", county);
}

absl::StatusOr<service::Touches> CountyFilterTouched(const std::string& county) {
  if (county.empty()) return service::Touches::Nothing();
  return CountyTouched(county);
}

namespace {

// The county prefix a list reads: the county asked for (its scope already
// checked), else the caller's scope (a school role: its school's county).
absl::StatusOr<std::string> CountyPrefix(RowsPairing& rows, const auth::Caller& caller, const std::string& county) {
  if (!county.empty()) return county;
  if (!auth::IsSchoolRole(caller)) return caller.scope;
  // The school's county as the registry gives it (a 学校标识码 does not hold it).
  ASSIGN_OR_RETURN(std::optional<v1::UpstreamSchool> school, rows.FindSchool(caller.scope));
  if (!school) {
    return Refusal(absl::StatusCode::kNotFound, "SCHOOL_NOT_REGISTERED", {{"school", caller.scope}},
                   absl::StrCat("school ", caller.scope, " is not known here yet"));
  }
  return school->county_code();
}

}  // namespace

absl::StatusOr<v1::RotationProgress> LoadRotation(RowsPairing& rows, const std::string& county, int year,
                                                  const v1::PairingRules& rules) {
  ASSIGN_OR_RETURN(auto record, rows.Rotation(county, year));
  if (!record) {
    return Refusal(absl::StatusCode::kNotFound, "NO_TEACHERS_DECLARED",
                   {{"county", county.substr(0, 20)}, {"year", std::to_string(year)}},
                   absl::StrCat("county ", county.substr(0, 20), " has declared no teachers for ", year));
  }
  return RotationProgressOf(*record, rules);
}

v1::PairFormed PairOf(const v1::FormPairRequest& request) {
  v1::PairFormed pair;
  pair.set_kind(request.kind());
  pair.set_urban_school(request.urban_school());
  pair.set_rural_school(request.rural_school());
  pair.set_urban_teacher(request.urban_teacher());
  pair.set_rural_teacher(request.rural_teacher());
  *pair.mutable_start() = request.start();
  *pair.mutable_end() = request.end();
  return pair;
}

v1::Rotation RotationOf(const v1::RotateTeacherRequest& request) {
  v1::Rotation rotation;
  rotation.set_teacher_id(request.teacher_id());
  rotation.set_to_school(request.to_school());
  *rotation.mutable_from() = request.from();
  return rotation;
}

std::vector<v1::Teacher> TeachersOf(const v1::DeclareTeachersRequest& request) {
  return {request.teachers().begin(), request.teachers().end()};
}

absl::StatusOr<v1::ListPairsResponse> ReadPairs(RowsPairing& rows, const auth::Caller& caller,
                                                const v1::ListPairsRequest& request) {
  ASSIGN_OR_RETURN(std::string prefix, CountyPrefix(rows, caller, request.county_code()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::ListPairsResponse response;
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   rows.ScanPage(keys::PairIndexPrefix(prefix), request.page_token(), page_size,
                                 [&](const std::string& key) -> absl::StatusOr<bool> {
                                   ASSIGN_OR_RETURN(auto pair, rows.Pair(key.substr(key.rfind('/') + 1)));
                                   if (!pair || !auth::CoversCounty(caller, pair->county_code())) return false;
                                   if (request.kind() != v1::PAIR_KIND_UNSPECIFIED && pair->kind() != request.kind()) {
                                     return false;
                                   }
                                   *response.add_pairs() = *pair;
                                   return true;
                                 }));
  return response;
}

absl::StatusOr<v1::GetProgressResponse> ReadProgress(RowsPairing& rows, const auth::Caller& caller,
                                                     const std::string& plan_id) {
  ASSIGN_OR_RETURN(auto plan, rows.FindPlan(plan_id));
  if (!plan || !auth::CoversCounty(caller, plan->scope())) {
    return NotFound("plan", plan_id.substr(0, 64));
  }
  std::vector<v1::PairRecord> pairs;
  RETURN_IF_ERROR(rows.ForEachPair(plan->scope(), [&](const v1::PairRecord& p) {
    pairs.push_back(p);
    return true;
  }));
  return ProgressOf(*plan, pairs);
}

absl::StatusOr<v1::ListMissedActivitiesResponse> ReadMissed(RowsPairing& rows, const auth::Caller& caller,
                                                            const v1::ListMissedActivitiesRequest& request,
                                                            const v1::PairingRules& rules) {
  ASSIGN_OR_RETURN(std::string prefix, CountyPrefix(rows, caller, request.county_code()));
  std::vector<v1::PairRecord> pairs;
  RETURN_IF_ERROR(rows.ForEachPair(prefix, [&](const v1::PairRecord& p) {
    if (auth::CoversCounty(caller, p.county_code())) pairs.push_back(p);
    return true;
  }));
  ASSIGN_OR_RETURN(std::vector<v1::MissedActivity> missed, MissedActivities(pairs, request.semester(), rules));
  v1::ListMissedActivitiesResponse response;
  for (auto& m : missed) *response.add_missed() = std::move(m);
  return response;
}

absl::StatusOr<v1::GetRotationResponse> ReadRotation(RowsPairing& rows, const v1::GetRotationRequest& request,
                                                     const v1::PairingRules& rules) {
  ASSIGN_OR_RETURN(auto record, rows.Rotation(request.county_code(), request.year()));
  if (!record) {
    return Refusal(
        absl::StatusCode::kNotFound, "NO_TEACHERS_DECLARED",
        {{"county", request.county_code().substr(0, 20)}, {"year", std::to_string(request.year())}},
        absl::StrCat("county ", request.county_code().substr(0, 20), " has declared no teachers for ", request.year()));
  }
  v1::GetRotationResponse response;
  *response.mutable_rotation() = RotationProgressOf(*record, rules);
  *response.mutable_record() = *record;
  return response;
}

}  // namespace zizhu::pairing
