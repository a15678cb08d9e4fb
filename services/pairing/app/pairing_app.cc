#include "services/pairing/app/pairing_app.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"
#include "services/common/storage/paging.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/registry/domain/plausibility.h"

namespace zizhu::pairing {
namespace {

template <typename Decide>
es::DecideFn Over(Decide decide) {
  return [decide](storage::ProjectionBatch& view, absl::Time now) {
    RowsPairing rows(view);
    return decide(rows, registry::DateInChina(now));
  };
}

}  // namespace

absl::StatusOr<v1::PairRecord> PairingApp::LoadPair(const std::string& pair_id) const {
  RowsPairing rows(*store_);
  ASSIGN_OR_RETURN(auto pair, rows.Pair(pair_id));
  if (!pair) return absl::NotFoundError(absl::StrCat("pair '", pair_id.substr(0, 100), "' does not exist"));
  return *pair;
}

absl::StatusOr<v1::PairRecord> PairingApp::PairInScope(const auth::Caller& caller, auth::Action action,
                                                       const std::string& pair_id) const {
  RETURN_IF_ERROR(auth::Require(caller, action));
  ASSIGN_OR_RETURN(v1::PairRecord pair, LoadPair(pair_id));
  if (!auth::CoversCounty(caller, pair.county_code())) return auth::OutOfScope("pair", pair_id);
  return pair;
}

absl::StatusOr<std::string> PairingApp::CountyPrefix(const auth::Caller& caller, const std::string& county) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  if (!county.empty()) {
    if (!auth::CoversCounty(caller, county)) return auth::OutOfScope("county", county);
    return county;
  }
  if (auth::IsSchoolRole(caller)) {
    // The school's county as the registry gives it (a 学校标识码 does not hold it).
    RowsPairing rows(*store_);
    ASSIGN_OR_RETURN(std::optional<v1::UpstreamSchool> school, rows.FindSchool(caller.scope));
    if (!school) return absl::NotFoundError(absl::StrCat("school ", caller.scope, " is not known here yet"));
    return school->county_code();
  }
  return caller.scope;
}

absl::StatusOr<v1::RotationProgress> PairingApp::LoadRotation(const std::string& county, int year) const {
  RowsPairing rows(*store_);
  ASSIGN_OR_RETURN(auto record, rows.Rotation(county, year));
  if (!record) {
    return absl::NotFoundError(absl::StrCat("county ", county.substr(0, 20), " has declared no teachers for ", year));
  }
  return RotationProgressOf(*record, rules_);
}

void PairingApp::FormPair(const auth::Caller& caller, const v1::FormPairRequest& request,
                          Callback<v1::FormPairResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kManagePairing); !allowed.ok()) return done(allowed);
  RowsPairing rows(*store_);
  absl::StatusOr<std::optional<v1::UpstreamSchool>> rural = rows.FindSchool(request.rural_school());
  if (!rural.ok()) return done(rural.status());
  if (*rural && !auth::CoversCounty(caller, (*rural)->county_code())) {
    return done(auth::OutOfScope("rural_school", request.rural_school()));
  }
  v1::PairFormed pair;
  pair.set_kind(request.kind());
  pair.set_urban_school(request.urban_school());
  pair.set_rural_school(request.rural_school());
  pair.set_urban_teacher(request.urban_teacher());
  pair.set_rural_teacher(request.rural_teacher());
  *pair.mutable_start() = request.start();
  *pair.mutable_end() = request.end();
  auto pair_id = std::make_shared<std::string>();
  commands_->Run<v1::FormPairResponse>(
      caller, request, Over([pair, pair_id](RowsPairing& state, const Date& today) -> absl::StatusOr<Events> {
        ASSIGN_OR_RETURN(Events events, DecideFormPair(state, pair, today));
        *pair_id = static_cast<const v1::PairFormed&>(*events.front().payload).pair_id();
        return events;
      }),
      [this, pair, pair_id](const common::v1::CommandOutcome& outcome) -> absl::StatusOr<v1::FormPairResponse> {
        v1::FormPairResponse response;
        ASSIGN_OR_RETURN(*response.mutable_pair(), LoadPair(pair_id->empty() ? outcome.aggregate_id() : *pair_id));
        return response;
      },
      std::move(done));
}

void PairingApp::EndPair(const auth::Caller& caller, const v1::EndPairRequest& request,
                         Callback<v1::EndPairResponse> done) {
  absl::StatusOr<v1::PairRecord> pair = PairInScope(caller, auth::Action::kManagePairing, request.pair_id());
  if (!pair.ok()) return done(pair.status());
  commands_->Run<v1::EndPairResponse>(
      caller, request, Over([request](RowsPairing& state, const Date&) {
        return DecideEndPair(state, request.pair_id(), request.end(), request.reason());
      }),
      [this, id = request.pair_id()](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::EndPairResponse> {
        v1::EndPairResponse response;
        ASSIGN_OR_RETURN(*response.mutable_pair(), LoadPair(id));
        return response;
      },
      std::move(done));
}

void PairingApp::RecordActivity(const auth::Caller& caller, const v1::RecordActivityRequest& request,
                                Callback<v1::RecordActivityResponse> done) {
  absl::StatusOr<v1::PairRecord> pair = PairInScope(caller, auth::Action::kManagePairing, request.pair_id());
  if (!pair.ok()) return done(pair.status());
  commands_->Run<v1::RecordActivityResponse>(
      caller, request, Over([request](RowsPairing& state, const Date& today) {
        return DecideRecordActivity(state, request.pair_id(), request.activity(), today);
      }),
      [this, id = request.pair_id()](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RecordActivityResponse> {
        v1::RecordActivityResponse response;
        ASSIGN_OR_RETURN(*response.mutable_pair(), LoadPair(id));
        return response;
      },
      std::move(done));
}

void PairingApp::SetPlan(const auth::Caller& caller, const v1::SetPlanRequest& request,
                         Callback<v1::SetPlanResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kManagePairing); !allowed.ok()) return done(allowed);
  if (!auth::CoversCounty(caller, request.plan().scope())) {
    return done(auth::OutOfScope("scope", request.plan().scope()));
  }
  commands_->Run<v1::SetPlanResponse>(
      caller, request,
      Over([request](RowsPairing& state, const Date&) { return DecideSetPlan(state, request.plan()); }),
      [this, id = absl::StrCat(request.plan().scope(), "/", request.plan().name())](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::SetPlanResponse> {
        RowsPairing rows(*store_);
        ASSIGN_OR_RETURN(auto plan, rows.FindPlan(id));
        v1::SetPlanResponse response;
        if (plan) *response.mutable_plan() = *plan;
        return response;
      },
      std::move(done));
}

void PairingApp::DeclareTeachers(const auth::Caller& caller, const v1::DeclareTeachersRequest& request,
                                 Callback<v1::DeclareTeachersResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kManagePairing); !allowed.ok()) return done(allowed);
  if (!auth::CoversCounty(caller, request.county_code()))
    return done(auth::OutOfScope("county", request.county_code()));
  std::vector<v1::Teacher> teachers(request.teachers().begin(), request.teachers().end());
  commands_->Run<v1::DeclareTeachersResponse>(
      caller, request, Over([request, teachers](RowsPairing& state, const Date&) {
        return DecideDeclareTeachers(state, request.county_code(), request.year(), teachers);
      }),
      [this, county = request.county_code(),
       year = request.year()](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::DeclareTeachersResponse> {
        v1::DeclareTeachersResponse response;
        ASSIGN_OR_RETURN(*response.mutable_rotation(), LoadRotation(county, year));
        return response;
      },
      std::move(done));
}

void PairingApp::RotateTeacher(const auth::Caller& caller, const v1::RotateTeacherRequest& request,
                               Callback<v1::RotateTeacherResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kManagePairing); !allowed.ok()) return done(allowed);
  if (!auth::CoversCounty(caller, request.county_code()))
    return done(auth::OutOfScope("county", request.county_code()));
  v1::Rotation rotation;
  rotation.set_teacher_id(request.teacher_id());
  rotation.set_to_school(request.to_school());
  *rotation.mutable_from() = request.from();
  commands_->Run<v1::RotateTeacherResponse>(
      caller, request, Over([request, rotation](RowsPairing& state, const Date& today) {
        return DecideRotateTeacher(state, request.county_code(), request.year(), rotation, today);
      }),
      [this, county = request.county_code(),
       year = request.year()](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RotateTeacherResponse> {
        v1::RotateTeacherResponse response;
        ASSIGN_OR_RETURN(*response.mutable_rotation(), LoadRotation(county, year));
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::GetPairResponse> PairingApp::GetPair(const auth::Caller& caller,
                                                        const v1::GetPairRequest& request) const {
  v1::GetPairResponse response;
  ASSIGN_OR_RETURN(*response.mutable_pair(), PairInScope(caller, auth::Action::kRead, request.pair_id()));
  return response;
}

absl::StatusOr<v1::ListPairsResponse> PairingApp::ListPairs(const auth::Caller& caller,
                                                            const v1::ListPairsRequest& request) const {
  ASSIGN_OR_RETURN(std::string prefix, CountyPrefix(caller, request.county_code()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  RowsPairing rows(*store_);
  v1::ListPairsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, keys::PairIndexPrefix(prefix), request.page_token(), page_size,
                        [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
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

absl::StatusOr<v1::GetProgressResponse> PairingApp::GetProgress(const auth::Caller& caller,
                                                                const v1::GetProgressRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  RowsPairing rows(*store_);
  ASSIGN_OR_RETURN(auto plan, rows.FindPlan(request.plan_id()));
  if (!plan || !auth::CoversCounty(caller, plan->scope())) {
    return absl::NotFoundError(absl::StrCat("plan '", request.plan_id().substr(0, 64), "' does not exist"));
  }
  std::vector<v1::PairRecord> pairs;
  RETURN_IF_ERROR(rows.ForEachPair(plan->scope(), [&](const v1::PairRecord& p) {
    pairs.push_back(p);
    return true;
  }));
  return ProgressOf(*plan, pairs);
}

absl::StatusOr<v1::ListMissedActivitiesResponse> PairingApp::ListMissedActivities(
    const auth::Caller& caller, const v1::ListMissedActivitiesRequest& request) const {
  ASSIGN_OR_RETURN(std::string prefix, CountyPrefix(caller, request.county_code()));
  RowsPairing rows(*store_);
  std::vector<v1::PairRecord> pairs;
  RETURN_IF_ERROR(rows.ForEachPair(prefix, [&](const v1::PairRecord& p) {
    if (auth::CoversCounty(caller, p.county_code())) pairs.push_back(p);
    return true;
  }));
  ASSIGN_OR_RETURN(std::vector<v1::MissedActivity> missed, MissedActivities(pairs, request.semester(), rules_));
  v1::ListMissedActivitiesResponse response;
  for (auto& m : missed) *response.add_missed() = std::move(m);
  return response;
}

absl::StatusOr<v1::GetRotationResponse> PairingApp::GetRotation(const auth::Caller& caller,
                                                                const v1::GetRotationRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  if (!auth::CoversCounty(caller, request.county_code())) return auth::OutOfScope("county", request.county_code());
  RowsPairing rows(*store_);
  ASSIGN_OR_RETURN(auto record, rows.Rotation(request.county_code(), request.year()));
  if (!record) {
    return absl::NotFoundError(
        absl::StrCat("county ", request.county_code().substr(0, 20), " has declared no teachers for ", request.year()));
  }
  v1::GetRotationResponse response;
  *response.mutable_rotation() = RotationProgressOf(*record, rules_);
  *response.mutable_record() = *record;
  return response;
}

}  // namespace zizhu::pairing
