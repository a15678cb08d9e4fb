#include "services/registry/app/roster_app.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/paging.h"
#include "services/registry/app/agency_directory.h"
#include "services/registry/app/registry_keys.h"
#include "services/registry/domain/roster_decisions.h"
#include "services/registry/domain/roster_rows.h"
#include "services/registry/published/registry_actions.h"

namespace zizhu::registry {
namespace {

v1::RosterImport ImportToApi(const v1::RosterImportRecord& r) {
  v1::RosterImport out;
  out.set_import_id(r.import_id());
  out.set_version(r.version());
  out.set_source(r.source());
  out.set_agency(r.agency());
  out.set_file_name(r.file_name());
  out.set_file_hash(r.file_hash());
  out.set_declared_rows(r.declared_rows());
  out.set_rows_applied(r.rows_applied());
  out.set_rows_rejected(r.rows_rejected());
  out.set_completed(r.completed());
  return out;
}

}  // namespace

absl::StatusOr<v1::GetRosterImportResponse> RosterApp::GetRosterImport(
    const auth::Caller& caller, const v1::GetRosterImportRequest& request) const {
  RETURN_IF_ERROR(auth::RequireCityWide(caller, kImportRosters, city_));
  v1::GetRosterImportResponse response;
  ASSIGN_OR_RETURN(*response.mutable_import(), LoadImport(request.import_id()));
  return response;
}

namespace {

// Work queues are kept by county as the rosters name it (a code, or a
// name): the deployment's administrators see all of them, a county officer
// its own code.
bool CountyVisible(const auth::Caller& caller, const std::string& city, const std::string& county) {
  return auth::AdministersDeployment(caller, city) || auth::CoversCounty(caller, county);
}

}  // namespace

absl::StatusOr<v1::RosterImport> RosterApp::LoadImport(const std::string& import_id) const {
  if (import_id.empty()) return FieldRequired("import_id");
  const std::string key = keys::RosterImport(import_id);
  ASSIGN_OR_RETURN(auto record, storage::LoadRow<v1::RosterImportRecord>(*store_, key));
  if (!record) return NotFound("import_id", import_id);
  return ImportToApi(*record);
}

void RosterApp::StartRosterImport(const auth::Caller& caller, const v1::StartRosterImportRequest& request,
                                  Callback<v1::StartRosterImportResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, kImportRosters, city_); !allowed.ok()) {
    return done(allowed);
  }
  const std::string import_id = RosterImportId(request.source(), request.file_hash());
  commands_->RunAnswering<v1::StartRosterImportResponse>(
      caller, request,
      [request, import_id](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideStartRosterImport(state, request, import_id);
      },
      [this, import_id](
          const absl::StatusOr<common::v1::CommandOutcome>& outcome) -> absl::StatusOr<v1::StartRosterImportResponse> {
        v1::StartRosterImportResponse response;
        if (!outcome.ok()) {
          if (outcome.status().code() != absl::StatusCode::kAlreadyExists) return outcome.status();
          response.set_already_imported(true);
        }
        ASSIGN_OR_RETURN(*response.mutable_import(), LoadImport(import_id));
        return response;
      },
      std::move(done));
}

void RosterApp::AppendRosterRows(const auth::Caller& caller, const v1::AppendRosterRowsRequest& request,
                                 Callback<v1::AppendRosterRowsResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, kImportRosters, city_); !allowed.ok()) {
    return done(allowed);
  }
  // Validation and sealing run here, on the caller's thread, in parallel with
  // the single writer; the writer only checks duplicates and appends.
  absl::StatusOr<v1::RosterImport> import = LoadImport(request.import_id());
  if (!import.ok()) return done(import.status());
  VaultProtector protector(vault_);
  absl::StatusOr<std::vector<RosterRowOutcome>> validated = ValidateAppendRows(import->source(), request, protector);
  if (!validated.ok()) return done(validated.status());
  auto rows = std::make_shared<std::vector<RosterRowOutcome>>(std::move(*validated));
  const std::string import_id = request.import_id();
  const v1::RosterSource source = import->source();
  std::set<int32_t> row_numbers;  // validated above: not empty, no repeats
  for (const auto& row : request.rows()) row_numbers.insert(row.row_number());
  const int32_t min_row = *row_numbers.begin(), max_row = *row_numbers.rbegin();
  commands_->Run<v1::AppendRosterRowsResponse>(
      caller, request,
      [import_id, source, rows](storage::ProjectionBatch& view, absl::Time now) {
        BatchRegistryState state(view);
        return DecideAppendRosterRows(state, import_id, source, std::move(*rows), rules::DateInChina(now));
      },
      [this, import_id, min_row, max_row, row_numbers = std::move(row_numbers)](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::AppendRosterRowsResponse> {
        // Answered from the projection, so a repeated request gets the same answer.
        v1::AppendRosterRowsResponse response;
        auto collect = [&](const std::string& prefix, const std::string& start, const std::string& end,
                           google::protobuf::RepeatedPtrField<v1::RejectedRosterRow>* into) -> absl::Status {
          absl::Status parse = absl::OkStatus();
          RETURN_IF_ERROR(store_->Scan(prefix, start, [&](const std::string& key, const std::string& value) {
            if (key > end) return false;
            v1::RejectedRosterRow row;
            if (!row.ParseFromString(value)) {
              parse = absl::DataLossError(absl::StrCat("stored row report '", key, "' does not parse"));
              return false;
            }
            if (row_numbers.count(row.row_number())) *into->Add() = std::move(row);
            return true;
          }));
          return parse;
        };
        RETURN_IF_ERROR(collect(keys::ImportRejectionPrefix(import_id), keys::ImportRejection(import_id, min_row),
                                keys::ImportRejection(import_id, max_row), response.mutable_rejected()));
        RETURN_IF_ERROR(collect(keys::ImportWarningPrefix(import_id), keys::ImportWarning(import_id, min_row),
                                keys::ImportWarning(import_id, max_row), response.mutable_warnings()));
        response.set_applied(static_cast<int32_t>(row_numbers.size()) - response.rejected_size());
        return response;
      },
      std::move(done));
}

void RosterApp::CompleteRosterImport(const auth::Caller& caller, const v1::CompleteRosterImportRequest& request,
                                     Callback<v1::CompleteRosterImportResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, kImportRosters, city_); !allowed.ok()) {
    return done(allowed);
  }
  commands_->Run<v1::CompleteRosterImportResponse>(
      caller, request,
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideCompleteRosterImport(state, request);
      },
      [this, import_id = request.import_id()](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::CompleteRosterImportResponse> {
        v1::CompleteRosterImportResponse response;
        ASSIGN_OR_RETURN(*response.mutable_import(), LoadImport(import_id));
        return response;
      },
      std::move(done));
}

void RosterApp::PushRosterChanges(const std::string& agency, const AgencyDirectory::Grant& grant,
                                  const std::string& request_id, std::vector<v1::RosterRowInput> changes,
                                  Callback<PushResult> done) {
  const v1::RosterSource source = grant.source;
  if (request_id.empty() || request_id.size() > 100) {
    return done(FieldOutOfRange("request_id", static_cast<int64_t>(request_id.size()), 1, 100));
  }
  if (changes.empty() || changes.size() > static_cast<size_t>(kMaxRowsPerAppend)) {
    return done(FieldOutOfRange("changes", static_cast<int64_t>(changes.size()), 1, kMaxRowsPerAppend));
  }
  // An agency of an area pushes people of its area only (the county named,
  // or the ID's region): the whole push is refused naming the first row
  // outside it, so nothing is half-applied.
  if (!grant.area.empty()) {
    for (size_t i = 0; i < changes.size(); ++i) {
      const auto& fields = changes[i].fields();
      auto county = fields.find("county");
      std::string code = county != fields.end() ? county->second : "";
      if (code.empty()) {
        auto id = fields.find("national_id");
        if (id != fields.end()) code = rules::NormalizeNationalId(id->second).substr(0, 6);
      }
      if (code.rfind(grant.area, 0) != 0) {
        return done(
            Refusal(absl::StatusCode::kInvalidArgument, "PUSH_OUTSIDE_AREA",
                    {{"index", std::to_string(i)}, {"county", code.substr(0, 12)}, {"area", grant.area}},
                    absl::StrCat("changes[", i, "]: county '", code.substr(0, 12), "' is outside this agency's area ",
                                 grant.area, "; nothing of this push was applied")));
      }
    }
  }
  const std::string hash = Sha256Hex(absl::StrCat("push:", agency, ":", request_id));
  auto meta = [&](const std::string& step) {
    common::v1::CommandMeta m;
    m.set_request_id(absl::StrCat("push-", step, "-", hash.substr(0, 32)));
    m.set_correlation_id(absl::StrCat("push-", hash.substr(0, 32)));
    return m;
  };
  v1::StartRosterImportRequest start;
  *start.mutable_meta() = meta("start");
  start.set_source(source);
  start.set_agency(agency);
  start.set_file_name(absl::StrCat("push ", request_id));
  start.set_file_hash(hash);
  start.set_declared_rows(static_cast<int32_t>(changes.size()));
  auto append = std::make_shared<v1::AppendRosterRowsRequest>();
  *append->mutable_meta() = meta("rows");
  append->set_import_id(RosterImportId(source, hash));
  for (size_t i = 0; i < changes.size(); ++i) {
    v1::RosterRowInput* row = append->add_rows();
    *row = std::move(changes[i]);
    if (row->row_number() == 0) row->set_row_number(static_cast<int32_t>(i + 1));
  }
  v1::CompleteRosterImportRequest complete;
  *complete.mutable_meta() = meta("complete");
  complete.set_import_id(append->import_id());

  // Start -> rows -> complete, each step on the previous one's answer, as
  // the agency (authenticated by its key in the adapter).
  const auth::Caller caller{agency, auth::Role::kAgency, absl::StrCat("agency:", agency), ""};
  StartRosterImport(
      caller, start, [this, caller, append, complete, done](absl::StatusOr<v1::StartRosterImportResponse> started) {
        if (!started.ok()) return done(started.status());
        AppendRosterRows(
            caller, *append, [this, caller, append, complete, done](absl::StatusOr<v1::AppendRosterRowsResponse> rows) {
              if (!rows.ok()) return done(rows.status());
              CompleteRosterImport(
                  caller, complete,
                  [append, rows = *rows, done](absl::StatusOr<v1::CompleteRosterImportResponse> completed) {
                    if (!completed.ok()) return done(completed.status());
                    done(PushResult{append->import_id(), rows});
                  });
            });
      });
}

void RosterApp::RunCrossMatch(const auth::Caller& caller, const v1::RunCrossMatchRequest& request,
                              Callback<v1::RunCrossMatchResponse> done) {
  if (absl::Status allowed = auth::RequireCityWide(caller, kImportRosters, city_); !allowed.ok()) {
    return done(allowed);
  }
  commands_->Run<v1::RunCrossMatchResponse>(
      caller, request,
      [request](storage::ProjectionBatch& view, absl::Time) {
        BatchRegistryState state(view);
        return DecideRunCrossMatch(state, request);
      },
      [this](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RunCrossMatchResponse> {
        v1::RunCrossMatchResponse response;
        ASSIGN_OR_RETURN(*response.mutable_settings(), LoadMatchSettings());
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::MatchSettings> RosterApp::LoadMatchSettings() const {
  ASSIGN_OR_RETURN(auto settings, storage::LoadRow<v1::MatchSettings>(*store_, keys::kMatchSettings));
  return settings.value_or(v1::MatchSettings());
}

absl::StatusOr<std::string> RosterApp::CountyCodeOf(const std::string& county) const {
  if (county.empty() || county.find_first_not_of("0123456789") == std::string::npos) return county;
  ASSIGN_OR_RETURN(auto code, store_->Get(keys::CountyByName(county)));
  return code && !code->empty() ? *code : county;  // a name no school carries: as given
}

absl::StatusOr<v1::GetMatchSummaryResponse> RosterApp::GetMatchSummary(const auth::Caller& caller,
                                                                       const v1::GetMatchSummaryRequest& asked) const {
  RETURN_IF_ERROR(auth::Require(caller, kReadMatchQueues));
  v1::GetMatchSummaryRequest request = asked;  // a county by name ("和平区") or code
  ASSIGN_OR_RETURN(*request.mutable_county(), CountyCodeOf(request.county()));
  v1::GetMatchSummaryResponse response;
  std::map<int, int64_t> totals;
  absl::Status row_error;
  RETURN_IF_ERROR(store_->Scan(keys::kMatchCountPrefix, "", [&](const std::string& key, const std::string& value) {
    std::vector<std::string> parts = absl::StrSplit(key.substr(sizeof(keys::kMatchCountPrefix) - 1), keys::kSep);
    int category = 0;
    int64_t count = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &category) || !absl::SimpleAtoi(value, &count)) {
      row_error = absl::DataLossError(absl::StrCat("bad count row '", key, "'"));
      return false;
    }
    if (!request.county().empty() && parts[1] != request.county()) return true;
    if (!CountyVisible(caller, city_, parts[1])) return true;
    v1::MatchCount* c = response.add_counts();
    c->set_category(static_cast<v1::MatchCategory>(category));
    c->set_county(parts[1]);
    c->set_school_code(parts[2]);
    c->set_count(count);
    totals[category] += count;
    return true;
  }));
  RETURN_IF_ERROR(row_error);
  for (const auto& [category, count] : totals) {
    v1::MatchCount* t = response.add_totals();
    t->set_category(static_cast<v1::MatchCategory>(category));
    t->set_count(count);
  }
  ASSIGN_OR_RETURN(auto row, store_->Get(keys::kMatchSettings));
  ASSIGN_OR_RETURN(auto settings, storage::ParseRow<v1::MatchSettings>(row, keys::kMatchSettings));
  if (settings) *response.mutable_settings() = *settings;
  return response;
}

absl::StatusOr<v1::ListMatchResultsResponse> RosterApp::ListMatchResults(
    const auth::Caller& caller, const v1::ListMatchResultsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, kReadMatchQueues));
  // Outside the deployment's administrators, a queue is read county by
  // county, the caller's own by default.
  v1::ListMatchResultsRequest scoped = request;
  ASSIGN_OR_RETURN(*scoped.mutable_county(), CountyCodeOf(scoped.county()));  // by name or code
  if (!auth::AdministersDeployment(caller, city_)) {
    if (scoped.county().empty()) scoped.set_county(caller.scope);
    if (!auth::CoversCounty(caller, scoped.county())) return auth::OutOfScope("county", scoped.county());
  }
  return ListMatchResultsOf(scoped, v1::ROSTER_SOURCE_UNSPECIFIED);
}

namespace {

// What an agency may see of a result about one of its own people.
void RedactForAgency(v1::MatchResult& result, v1::RosterSource own) {
  const std::string mine = rules::RosterSourceName(own);
  std::string own_name;
  bool name_differs = false;
  for (v1::AttributeConflict& c : *result.mutable_conflicts()) {
    const bool first_mine = c.first_source() == mine, second_mine = c.second_source() == mine;
    if (c.field() == "name") {
      name_differs = true;
      if (first_mine) own_name = c.first_value();
      if (second_mine) own_name = c.second_value();
    }
    if (!first_mine) {
      c.set_first_source("another source");
      c.clear_first_value();
    }
    if (!second_mine) {
      c.set_second_source("another source");
      c.clear_second_value();
    }
  }
  // The name the result carries may be another source's when names differ.
  if (name_differs) result.set_name(own_name.empty() ? MaskName(result.name()) : own_name);
  result.clear_sources();
  result.add_sources(own);
  result.clear_reasons();
  result.clear_reason_codes();  // they name the other sources and their values
  for (const v1::AttributeConflict& c : result.conflicts()) {
    result.add_reasons(absl::StrCat(c.field(), ": your value differs from another source's"));
  }
  if (result.reasons().empty()) {
    result.add_reasons(absl::StrCat("category ", v1::MatchCategory_Name(result.category())));
  }
}

}  // namespace

absl::StatusOr<v1::ListMatchResultsResponse> RosterApp::ListMatchResultsOfAgency(
    v1::ListMatchResultsRequest request, const AgencyDirectory::Grant& agency) const {
  if (!agency.area.empty()) {
    // Its own area only: another county is answered as an empty list.
    if (!request.county().empty() && request.county().rfind(agency.area, 0) != 0) {
      return v1::ListMatchResultsResponse();
    }
    if (agency.area.size() == 6) request.set_county(agency.area);
  }
  ASSIGN_OR_RETURN(v1::ListMatchResultsResponse response, ListMatchResultsOf(request, agency.source, agency.area));
  for (v1::MatchResult& result : *response.mutable_results()) RedactForAgency(result, agency.source);
  return response;
}

absl::StatusOr<v1::ListMatchResultsResponse> RosterApp::ListMatchResultsOf(const v1::ListMatchResultsRequest& request,
                                                                           v1::RosterSource only_source,
                                                                           const std::string& area) const {
  if (request.category() == v1::MATCH_CATEGORY_UNSPECIFIED || !v1::MatchCategory_IsValid(request.category())) {
    return FieldRequired("category");
  }
  if (!request.school_code().empty() && request.county().empty()) {
    return FieldNeeds("school_code", "county");
  }
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  std::string prefix = !request.school_code().empty()
                           ? keys::MatchQueueSchoolPrefix(request.category(), request.county(), request.school_code())
                       : !request.county().empty() ? keys::MatchQueueCountyPrefix(request.category(), request.county())
                                                   : keys::MatchQueueCategoryPrefix(request.category());
  v1::ListMatchResultsResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                          const std::string match_key = key.substr(key.rfind(keys::kSep) + 1);
                          ASSIGN_OR_RETURN(auto row, store_->Get(keys::Match(match_key)));
                          if (!row)
                            return absl::DataLossError(absl::StrCat("queue entry '", match_key, "' has no result"));
                          v1::MatchResult result;
                          if (!result.ParseFromString(*row)) {
                            return absl::DataLossError(absl::StrCat("match result '", match_key, "' does not parse"));
                          }
                          if (!area.empty() && result.county().rfind(area, 0) != 0) return false;
                          if (only_source != v1::ROSTER_SOURCE_UNSPECIFIED &&
                              std::find(result.sources().begin(), result.sources().end(), only_source) ==
                                  result.sources().end()) {
                            return false;
                          }
                          // Work queues mask names as every list does; an
                          // agency pulling its own people gets them whole.
                          if (only_source == v1::ROSTER_SOURCE_UNSPECIFIED) {
                            result.set_name(MaskName(result.name()));
                            for (auto& c : *result.mutable_conflicts()) {
                              if (c.field() != "name") continue;
                              c.set_first_value(MaskName(c.first_value()));
                              c.set_second_value(MaskName(c.second_value()));
                            }
                          }
                          *response.add_results() = std::move(result);
                          return true;
                        }));
  return response;
}

}  // namespace zizhu::registry
