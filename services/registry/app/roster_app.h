// RosterApp: application layer of roster imports and the cross-match work
// queues. Thread-safety and callbacks as RegistryApp.
#pragma once

#include "services/registry/app/agency_directory.h"
#include "services/registry/app/registry_app.h"
#include "zizhu/registry/v1/roster_service.pb.h"

namespace zizhu::registry {

class RosterApp {
 public:
  // `city`: the city this deployment serves (see auth::AdministersDeployment).
  RosterApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault,
            std::string city = "")
      : commands_(commands), store_(store), vault_(vault), city_(std::move(city)) {}

  void StartRosterImport(const auth::Caller& caller, const v1::StartRosterImportRequest& request,
                         Callback<v1::StartRosterImportResponse> done);
  void AppendRosterRows(const auth::Caller& caller, const v1::AppendRosterRowsRequest& request,
                        Callback<v1::AppendRosterRowsResponse> done);
  void CompleteRosterImport(const auth::Caller& caller, const v1::CompleteRosterImportRequest& request,
                            Callback<v1::CompleteRosterImportResponse> done);
  void RunCrossMatch(const auth::Caller& caller, const v1::RunCrossMatchRequest& request,
                     Callback<v1::RunCrossMatchResponse> done);

  // A batch of roster changes pushed by an agency system: one import, started,
  // appended and completed with request ids derived from (agency,
  // request_id), so a repeated push writes nothing and answers the same.
  struct PushResult {
    std::string import_id;
    v1::AppendRosterRowsResponse rows;
  };
  // An agency's push (the integration API): its own source; with an area,
  // people of that area only (a row outside it refuses the whole push).
  void PushRosterChanges(const std::string& agency, const AgencyDirectory::Grant& grant, const std::string& request_id,
                         std::vector<v1::RosterRowInput> changes, Callback<PushResult> done);

  absl::StatusOr<v1::GetRosterImportResponse> GetRosterImport(const auth::Caller& caller,
                                                              const v1::GetRosterImportRequest& request) const;
  absl::StatusOr<v1::GetMatchSummaryResponse> GetMatchSummary(const auth::Caller& caller,
                                                              const v1::GetMatchSummaryRequest& request) const;
  // `only_source`: when set, only people present in that source's roster
  // (an agency sees what concerns its own roster).
  absl::StatusOr<v1::ListMatchResultsResponse> ListMatchResults(const auth::Caller& caller,
                                                                const v1::ListMatchResultsRequest& request) const;
  // An agency's pull (the integration API): only people in its own roster
  // and its area, and of other sources only *that* they differ — never their
  // values, names or which sources hold the person (probe finding 9).
  absl::StatusOr<v1::ListMatchResultsResponse> ListMatchResultsOfAgency(v1::ListMatchResultsRequest request,
                                                                        const AgencyDirectory::Grant& agency) const;
  // `area`: when set, only results whose county begins with it (counted in
  // the scan, so pages stay full).
  absl::StatusOr<v1::ListMatchResultsResponse> ListMatchResultsOf(const v1::ListMatchResultsRequest& request,
                                                                  v1::RosterSource only_source,
                                                                  const std::string& area = "") const;

 private:
  // A county named by its name ("和平区") as its code, when a registered
  // school carries both; a code (or an unknown name) as given.
  absl::StatusOr<std::string> CountyCodeOf(const std::string& county) const;
  absl::StatusOr<v1::RosterImport> LoadImport(const std::string& import_id) const;
  absl::StatusOr<v1::MatchSettings> LoadMatchSettings() const;
  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
  std::string city_;
};

}  // namespace zizhu::registry
