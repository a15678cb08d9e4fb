// DropoutApp: one method per RPC of zizhu.dropout.v1.DropoutService, each
// taking the verified caller first. A case belongs to its school (or, for a
// child the registry does not know, its county): school operators keep their
// school's cases, county officers and city administrators their counties';
// auditors read. Outside the scope: NOT_FOUND. Left-behind cards seal the
// phones with the registry's personal-data key.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <string>

#include "services/common/auth/access.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/commands.h"
#include "services/dropout/app/dropout_projection.h"
#include "zizhu/dropout/v1/dropout_service.pb.h"

namespace zizhu::dropout {

class DropoutApp {
 public:
  DropoutApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault,
             v1::Targets targets)
      : commands_(commands), store_(store), vault_(vault), targets_(std::move(targets)) {}

  void OpenCase(const auth::Caller& caller, const v1::OpenCaseRequest& request, Callback<v1::OpenCaseResponse> done);
  void AssignTeam(const auth::Caller& caller, const v1::AssignTeamRequest& request,
                  Callback<v1::AssignTeamResponse> done);
  void RecordVisit(const auth::Caller& caller, const v1::RecordVisitRequest& request,
                   Callback<v1::RecordVisitResponse> done);
  void RecordExemption(const auth::Caller& caller, const v1::RecordExemptionRequest& request,
                       Callback<v1::RecordExemptionResponse> done);
  void CrossOffCase(const auth::Caller& caller, const v1::CrossOffCaseRequest& request,
                    Callback<v1::CrossOffCaseResponse> done);
  void ReopenCase(const auth::Caller& caller, const v1::ReopenCaseRequest& request,
                  Callback<v1::ReopenCaseResponse> done);
  void RecordLeftBehindCard(const auth::Caller& caller, const v1::RecordLeftBehindCardRequest& request,
                            Callback<v1::RecordLeftBehindCardResponse> done);
  absl::StatusOr<v1::GetCaseResponse> GetCase(const auth::Caller& caller, const v1::GetCaseRequest& request) const;
  absl::StatusOr<v1::ListCasesResponse> ListCases(const auth::Caller& caller,
                                                  const v1::ListCasesRequest& request) const;
  absl::StatusOr<v1::GetRatesResponse> GetRates(const auth::Caller& caller, const v1::GetRatesRequest& request) const;
  absl::StatusOr<v1::ListLeftBehindChildrenResponse> ListLeftBehindChildren(
      const auth::Caller& caller, const v1::ListLeftBehindChildrenRequest& request) const;

 private:
  // The case, when the caller's scope covers it and the role allows `action`.
  absl::StatusOr<v1::CaseRecord> CaseInScope(const auth::Caller& caller, auth::Action action,
                                             const std::string& case_id) const;
  // Runs a decision about an existing case and answers with the case.
  template <typename Response, typename Request>
  void OnCase(const auth::Caller& caller, const Request& request, const std::string& case_id,
              std::function<absl::StatusOr<Events>(RowsLedger&, const registry::v1::Date& today)> decide,
              Callback<Response> done);
  absl::StatusOr<v1::CaseRecord> LoadCase(const std::string& case_id) const;
  absl::StatusOr<v1::LeftBehindCard> CardView(const v1::UpstreamChild& child) const;
  absl::StatusOr<registry::v1::ProtectedValue> Protect(const std::string& phone, const std::string& field) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
  v1::Targets targets_;
};

}  // namespace zizhu::dropout
