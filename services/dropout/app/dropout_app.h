// DropoutApp: the table of zizhu.dropout.v1.DropoutService, one row per RPC
// (see services/common/service/command_table.h). A case belongs to its
// school (or, for a child the registry does not know, its county): school
// operators keep their school's cases, county officers and city
// administrators their counties'; auditors read. Outside the scope:
// NOT_FOUND. Left-behind cards seal the phones with the registry's
// personal-data key.
//
// Thread-safety: every row may be run from any thread.
#pragma once

#include <string>

#include "libs/rules/dates.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/service/command_table.h"
#include "services/dropout/app/dropout_projection.h"
#include "services/dropout/published/dropout_actions.h"
#include "zizhu/dropout/v1/dropout_service.pb.h"

namespace zizhu::dropout {

// What the rows check, decide with and answer with (dropout_app.cc).
absl::StatusOr<service::Touches> CaseTouched(RowsLedger& rows, const std::string& case_id);
absl::StatusOr<service::Touches> ChildTouched(RowsLedger& rows, const std::string& student_id);
absl::StatusOr<v1::CaseRecord> LoadCase(RowsLedger& rows, const std::string& case_id);
absl::StatusOr<Events> DecideOpenByHand(RowsLedger& rows, const v1::OpenCaseRequest& request, absl::Time now);
absl::StatusOr<Events> DecideCard(RowsLedger& rows, const v1::RecordLeftBehindCardRequest& request,
                                  const PersonalDataVault& vault);
absl::StatusOr<v1::OpenCaseResponse> OpenedCase(RowsLedger& rows, const std::string& student_id);
absl::StatusOr<v1::LeftBehindCard> CardView(RowsLedger& rows, const v1::UpstreamChild& child);
absl::StatusOr<v1::RecordLeftBehindCardResponse> RecordedCard(RowsLedger& rows, const std::string& student_id);
absl::StatusOr<v1::ListCasesResponse> ReadCases(RowsLedger& rows, const auth::Caller& caller,
                                                const v1::ListCasesRequest& request);
absl::StatusOr<v1::GetRatesResponse> ReadRates(RowsLedger& rows, const auth::Caller& caller,
                                               const v1::GetRatesRequest& request, const v1::Targets& targets);
absl::StatusOr<v1::ListLeftBehindChildrenResponse> ReadLeftBehind(RowsLedger& rows, const auth::Caller& caller,
                                                                  const v1::ListLeftBehindChildrenRequest& request);

// A decision about an existing case, answered with the case.
template <typename Req, typename Resp>
service::Command<RowsLedger, Req, Resp> OnCase(
    const service::Table<RowsLedger>& table,
    std::function<absl::StatusOr<Events>(RowsLedger&, const Req&, const registry::v1::Date& today)> decide) {
  return {table, kKeepDropoutLedger, [](RowsLedger& rows, const Req& q) { return CaseTouched(rows, q.case_id()); },
          [decide](RowsLedger& rows, const Req& q, absl::Time now) { return decide(rows, q, rules::DateInChina(now)); },
          [](RowsLedger& rows, const Req& q, const common::v1::CommandOutcome&) -> absl::StatusOr<Resp> {
            Resp response;
            ASSIGN_OR_RETURN(*response.mutable_case_(), LoadCase(rows, q.case_id()));
            return response;
          }};
}

struct DropoutApp : service::TableOf<RowsLedger> {
  using Date = registry::v1::Date;

  DropoutApp(es::Commands* commands, const storage::ProjectionStore* store, const PersonalDataVault* vault,
             v1::Targets targets)
      : table{commands, store}, vault(vault), targets(std::move(targets)) {}

  const service::Table<RowsLedger> table;
  const PersonalDataVault* const vault;
  const v1::Targets targets;  // policy data: the targets file

  const Command<v1::OpenCaseRequest, v1::OpenCaseResponse> open_case{
      table, kKeepDropoutLedger,
      [](RowsLedger& rows, const v1::OpenCaseRequest& q) { return ChildTouched(rows, q.student_id()); },
      DecideOpenByHand,
      [](RowsLedger& rows, const v1::OpenCaseRequest& q, const common::v1::CommandOutcome&) {
        return OpenedCase(rows, q.student_id());
      }};
  const Command<v1::AssignTeamRequest, v1::AssignTeamResponse> assign_team =
      OnCase<v1::AssignTeamRequest, v1::AssignTeamResponse>(
          table, [](RowsLedger& rows, const v1::AssignTeamRequest& q, const Date&) {
            return DecideAssignTeam(rows, q.case_id(), {q.team().begin(), q.team().end()});
          });
  const Command<v1::RecordVisitRequest, v1::RecordVisitResponse> record_visit =
      OnCase<v1::RecordVisitRequest, v1::RecordVisitResponse>(
          table, [](RowsLedger& rows, const v1::RecordVisitRequest& q, const Date& today) {
            return DecideRecordVisit(rows, q.case_id(), q.visit(), today);
          });
  const Command<v1::RecordExemptionRequest, v1::RecordExemptionResponse> record_exemption =
      OnCase<v1::RecordExemptionRequest, v1::RecordExemptionResponse>(
          table, [](RowsLedger& rows, const v1::RecordExemptionRequest& q, const Date& today) {
            return DecideExemption(rows, q.case_id(), q.reason(), rules::IsSet(q.date()) ? q.date() : today, today);
          });
  const Command<v1::CrossOffCaseRequest, v1::CrossOffCaseResponse> cross_off_case =
      OnCase<v1::CrossOffCaseRequest, v1::CrossOffCaseResponse>(
          table, [](RowsLedger& rows, const v1::CrossOffCaseRequest& q, const Date& today) {
            return DecideCrossOff(rows, q.case_id(), q.note(), rules::IsSet(q.date()) ? q.date() : today, today);
          });
  const Command<v1::ReopenCaseRequest, v1::ReopenCaseResponse> reopen_case =
      OnCase<v1::ReopenCaseRequest, v1::ReopenCaseResponse>(
          table, [](RowsLedger& rows, const v1::ReopenCaseRequest& q, const Date& today) {
            return DecideReopen(rows, q.case_id(), q.reason(), today);
          });
  const Command<v1::RecordLeftBehindCardRequest, v1::RecordLeftBehindCardResponse> record_left_behind_card{
      table, kKeepDropoutLedger,
      [](RowsLedger& rows, const v1::RecordLeftBehindCardRequest& q) { return ChildTouched(rows, q.student_id()); },
      [this](RowsLedger& rows, const v1::RecordLeftBehindCardRequest& q, absl::Time) {
        return DecideCard(rows, q, *vault);
      },
      [](RowsLedger& rows, const v1::RecordLeftBehindCardRequest& q, const common::v1::CommandOutcome&) {
        return RecordedCard(rows, q.student_id());
      }};

  const Query<v1::GetCaseRequest, v1::GetCaseResponse> get_case{
      table, auth::kRead, [](RowsLedger& rows, const v1::GetCaseRequest& q) { return CaseTouched(rows, q.case_id()); },
      [](RowsLedger& rows, const auth::Caller&, const v1::GetCaseRequest& q) -> absl::StatusOr<v1::GetCaseResponse> {
        v1::GetCaseResponse response;
        ASSIGN_OR_RETURN(*response.mutable_case_(), LoadCase(rows, q.case_id()));
        return response;
      }};
  const Query<v1::ListCasesRequest, v1::ListCasesResponse> list_cases{
      table, auth::kRead, [](RowsLedger&, const v1::ListCasesRequest&) { return service::NothingTouched(); },
      ReadCases};
  const Query<v1::GetRatesRequest, v1::GetRatesResponse> get_rates{
      table, auth::kRead, [](RowsLedger&, const v1::GetRatesRequest&) { return service::NothingTouched(); },
      [this](RowsLedger& rows, const auth::Caller& caller, const v1::GetRatesRequest& q) {
        return ReadRates(rows, caller, q, targets);
      }};
  const Query<v1::ListLeftBehindChildrenRequest, v1::ListLeftBehindChildrenResponse> list_left_behind_children{
      table, auth::kRead,
      [](RowsLedger&, const v1::ListLeftBehindChildrenRequest&) { return service::NothingTouched(); }, ReadLeftBehind};
};

}  // namespace zizhu::dropout
