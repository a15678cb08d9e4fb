// PairingApp: the table of zizhu.pairing.v1.PairingService, one row per RPC
// (see services/common/service/command_table.h). A pair belongs to its rural
// school's county; plans to their scope (city or county); rotations to their
// county. Forming, ending and recording need kManagePairing (county
// officers, city administrators); reading needs a scope covering the county
// (auditors too). Outside the scope: NOT_FOUND.
//
// Thread-safety: every row may be run from any thread.
#pragma once

#include "absl/strings/str_cat.h"
#include "libs/rules/dates.h"
#include "services/common/core/status_macros.h"
#include "services/common/service/command_table.h"
#include "services/pairing/app/pairing_projection.h"
#include "services/pairing/published/pairing_actions.h"
#include "zizhu/pairing/v1/pairing_service.pb.h"

namespace zizhu::pairing {

// What the rows check and answer with (pairing_app.cc).
absl::StatusOr<service::Touches> PairTouched(RowsPairing& rows, const std::string& pair_id);
absl::StatusOr<service::Touches> RuralSchoolTouched(RowsPairing& rows, const std::string& rural_school);
// A county the command names (required); a list's county filter (empty: the
// caller's own scope, which the read applies).
absl::StatusOr<service::Touches> CountyTouched(const std::string& county);
absl::StatusOr<service::Touches> CountyFilterTouched(const std::string& county);
absl::StatusOr<v1::PairRecord> LoadPair(RowsPairing& rows, const std::string& pair_id);
absl::StatusOr<v1::RotationProgress> LoadRotation(RowsPairing& rows, const std::string& county, int year,
                                                  const v1::PairingRules& rules);
absl::StatusOr<v1::ListPairsResponse> ReadPairs(RowsPairing& rows, const auth::Caller& caller,
                                                const v1::ListPairsRequest& request);
absl::StatusOr<v1::GetProgressResponse> ReadProgress(RowsPairing& rows, const auth::Caller& caller,
                                                     const std::string& plan_id);
absl::StatusOr<v1::ListMissedActivitiesResponse> ReadMissed(RowsPairing& rows, const auth::Caller& caller,
                                                            const v1::ListMissedActivitiesRequest& request,
                                                            const v1::PairingRules& rules);
absl::StatusOr<v1::GetRotationResponse> ReadRotation(RowsPairing& rows, const v1::GetRotationRequest& request,
                                                     const v1::PairingRules& rules);
// A response holding the pair `pair_id`, and one holding a county's rotation.
template <typename Resp>
absl::StatusOr<Resp> WithPair(RowsPairing& rows, const std::string& pair_id) {
  Resp response;
  ASSIGN_OR_RETURN(*response.mutable_pair(), LoadPair(rows, pair_id));
  return response;
}
template <typename Resp>
absl::StatusOr<Resp> WithRotation(RowsPairing& rows, const std::string& county, int year,
                                  const v1::PairingRules& rules) {
  Resp response;
  ASSIGN_OR_RETURN(*response.mutable_rotation(), LoadRotation(rows, county, year, rules));
  return response;
}

// The domain's commands out of the requests.
v1::PairFormed PairOf(const v1::FormPairRequest& request);
v1::Rotation RotationOf(const v1::RotateTeacherRequest& request);
std::vector<v1::Teacher> TeachersOf(const v1::DeclareTeachersRequest& request);

struct PairingApp : service::TableOf<RowsPairing> {
  PairingApp(es::Commands* commands, const storage::ProjectionStore* store, v1::PairingRules rules)
      : table{commands, store}, pairing_rules(std::move(rules)) {}

  const service::Table<RowsPairing> table;
  const v1::PairingRules pairing_rules;  // policy data: the rules file

  const Command<v1::FormPairRequest, v1::FormPairResponse> form_pair{
      table, kManagePairing,
      [](RowsPairing& rows, const v1::FormPairRequest& q) { return RuralSchoolTouched(rows, q.rural_school()); },
      [](RowsPairing& rows, const v1::FormPairRequest& q, absl::Time now) {
        return DecideFormPair(rows, PairOf(q), rules::DateInChina(now));
      },
      [](RowsPairing& rows, const v1::FormPairRequest&, const Outcome& o) {
        return WithPair<v1::FormPairResponse>(rows, o.aggregate_id());
      }};
  const Command<v1::EndPairRequest, v1::EndPairResponse> end_pair{
      table, kManagePairing,
      [](RowsPairing& rows, const v1::EndPairRequest& q) { return PairTouched(rows, q.pair_id()); },
      [](RowsPairing& rows, const v1::EndPairRequest& q, absl::Time) {
        return DecideEndPair(rows, q.pair_id(), q.end(), q.reason());
      },
      [](RowsPairing& rows, const v1::EndPairRequest& q, const Outcome&) {
        return WithPair<v1::EndPairResponse>(rows, q.pair_id());
      }};
  const Command<v1::RecordActivityRequest, v1::RecordActivityResponse> record_activity{
      table, kManagePairing,
      [](RowsPairing& rows, const v1::RecordActivityRequest& q) { return PairTouched(rows, q.pair_id()); },
      [](RowsPairing& rows, const v1::RecordActivityRequest& q, absl::Time now) {
        return DecideRecordActivity(rows, q.pair_id(), q.activity(), rules::DateInChina(now));
      },
      [](RowsPairing& rows, const v1::RecordActivityRequest& q, const Outcome&) {
        return WithPair<v1::RecordActivityResponse>(rows, q.pair_id());
      }};
  const Command<v1::SetPlanRequest, v1::SetPlanResponse> set_plan{
      table, kManagePairing,
      [](RowsPairing&, const v1::SetPlanRequest& q) {
        return absl::StatusOr<service::Touches>(service::Touches::County(q.plan().scope(), "scope", q.plan().scope()));
      },
      [](RowsPairing& rows, const v1::SetPlanRequest& q, absl::Time) { return DecideSetPlan(rows, q.plan()); },
      [](RowsPairing& rows, const v1::SetPlanRequest& q, const Outcome&) -> absl::StatusOr<v1::SetPlanResponse> {
        ASSIGN_OR_RETURN(auto plan, rows.FindPlan(absl::StrCat(q.plan().scope(), "/", q.plan().name())));
        v1::SetPlanResponse response;
        if (plan) *response.mutable_plan() = *plan;
        return response;
      }};
  const Command<v1::DeclareTeachersRequest, v1::DeclareTeachersResponse> declare_teachers{
      table, kManagePairing,
      [](RowsPairing&, const v1::DeclareTeachersRequest& q) { return CountyTouched(q.county_code()); },
      [](RowsPairing& rows, const v1::DeclareTeachersRequest& q, absl::Time) {
        return DecideDeclareTeachers(rows, q.county_code(), q.year(), TeachersOf(q));
      },
      [this](RowsPairing& rows, const v1::DeclareTeachersRequest& q, const Outcome&) {
        return WithRotation<v1::DeclareTeachersResponse>(rows, q.county_code(), q.year(), pairing_rules);
      }};
  const Command<v1::RotateTeacherRequest, v1::RotateTeacherResponse> rotate_teacher{
      table, kManagePairing,
      [](RowsPairing&, const v1::RotateTeacherRequest& q) { return CountyTouched(q.county_code()); },
      [](RowsPairing& rows, const v1::RotateTeacherRequest& q, absl::Time now) {
        return DecideRotateTeacher(rows, q.county_code(), q.year(), RotationOf(q), rules::DateInChina(now));
      },
      [this](RowsPairing& rows, const v1::RotateTeacherRequest& q, const Outcome&) {
        return WithRotation<v1::RotateTeacherResponse>(rows, q.county_code(), q.year(), pairing_rules);
      }};

  const Query<v1::GetPairRequest, v1::GetPairResponse> get_pair{
      table, auth::kRead, [](RowsPairing& rows, const v1::GetPairRequest& q) { return PairTouched(rows, q.pair_id()); },
      [](RowsPairing& rows, const auth::Caller&, const v1::GetPairRequest& q) {
        return WithPair<v1::GetPairResponse>(rows, q.pair_id());
      }};
  const Query<v1::ListPairsRequest, v1::ListPairsResponse> list_pairs{
      table, auth::kRead,
      [](RowsPairing&, const v1::ListPairsRequest& q) { return CountyFilterTouched(q.county_code()); }, ReadPairs};
  const Query<v1::GetProgressRequest, v1::GetProgressResponse> get_progress{
      table, auth::kRead, [](RowsPairing&, const v1::GetProgressRequest&) { return service::NothingTouched(); },
      [](RowsPairing& rows, const auth::Caller& caller, const v1::GetProgressRequest& q) {
        return ReadProgress(rows, caller, q.plan_id());
      }};
  const Query<v1::ListMissedActivitiesRequest, v1::ListMissedActivitiesResponse> list_missed_activities{
      table, auth::kRead,
      [](RowsPairing&, const v1::ListMissedActivitiesRequest& q) { return CountyFilterTouched(q.county_code()); },
      [this](RowsPairing& rows, const auth::Caller& caller, const v1::ListMissedActivitiesRequest& q) {
        return ReadMissed(rows, caller, q, pairing_rules);
      }};
  const Query<v1::GetRotationRequest, v1::GetRotationResponse> get_rotation{
      table, auth::kRead, [](RowsPairing&, const v1::GetRotationRequest& q) { return CountyTouched(q.county_code()); },
      [this](RowsPairing& rows, const auth::Caller&, const v1::GetRotationRequest& q) {
        return ReadRotation(rows, q, pairing_rules);
      }};
};

}  // namespace zizhu::pairing
