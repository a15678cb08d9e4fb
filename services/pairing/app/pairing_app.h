// PairingApp: one method per RPC of zizhu.pairing.v1.PairingService, each
// taking the verified caller first. A pair belongs to its rural school's
// county; plans to their scope (city or county); rotations to their county.
// Forming, ending and recording need auth::Action::kManagePairing (county
// officers, city administrators); reading needs a scope covering the county
// (auditors too). Outside the scope: NOT_FOUND.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include "services/common/auth/access.h"
#include "services/common/es/commands.h"
#include "services/pairing/app/pairing_projection.h"
#include "zizhu/pairing/v1/pairing_service.pb.h"

namespace zizhu::pairing {

class PairingApp {
 public:
  PairingApp(es::Commands* commands, storage::ProjectionStore* store, v1::PairingRules rules)
      : commands_(commands), store_(store), rules_(std::move(rules)) {}

  void FormPair(const auth::Caller& caller, const v1::FormPairRequest& request, Callback<v1::FormPairResponse> done);
  void EndPair(const auth::Caller& caller, const v1::EndPairRequest& request, Callback<v1::EndPairResponse> done);
  void RecordActivity(const auth::Caller& caller, const v1::RecordActivityRequest& request,
                      Callback<v1::RecordActivityResponse> done);
  void SetPlan(const auth::Caller& caller, const v1::SetPlanRequest& request, Callback<v1::SetPlanResponse> done);
  void DeclareTeachers(const auth::Caller& caller, const v1::DeclareTeachersRequest& request,
                       Callback<v1::DeclareTeachersResponse> done);
  void RotateTeacher(const auth::Caller& caller, const v1::RotateTeacherRequest& request,
                     Callback<v1::RotateTeacherResponse> done);
  absl::StatusOr<v1::GetPairResponse> GetPair(const auth::Caller& caller, const v1::GetPairRequest& request) const;
  absl::StatusOr<v1::ListPairsResponse> ListPairs(const auth::Caller& caller,
                                                  const v1::ListPairsRequest& request) const;
  absl::StatusOr<v1::GetProgressResponse> GetProgress(const auth::Caller& caller,
                                                      const v1::GetProgressRequest& request) const;
  absl::StatusOr<v1::ListMissedActivitiesResponse> ListMissedActivities(
      const auth::Caller& caller, const v1::ListMissedActivitiesRequest& request) const;
  absl::StatusOr<v1::GetRotationResponse> GetRotation(const auth::Caller& caller,
                                                      const v1::GetRotationRequest& request) const;

 private:
  absl::StatusOr<v1::PairRecord> PairInScope(const auth::Caller& caller, auth::Action action,
                                             const std::string& pair_id) const;
  absl::StatusOr<v1::PairRecord> LoadPair(const std::string& pair_id) const;
  absl::StatusOr<v1::RotationProgress> LoadRotation(const std::string& county, int year) const;
  // The county prefix the caller may read: the county asked for, else its scope.
  absl::StatusOr<std::string> CountyPrefix(const auth::Caller& caller, const std::string& county) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  v1::PairingRules rules_;
};

}  // namespace zizhu::pairing
