// DisbursementApp: one method per RPC of zizhu.disbursement.v1.
// DisbursementService, each taking the verified caller first. Accounts are
// county-level: a caller must cover the account's county (county officers,
// the city's administrators and auditors; outside it NOT_FOUND). Allocating,
// batching, exporting, recording returns, retries, reversals and recoveries
// need kDisburse;
// exporting a bank file also kRevealPersonalData (it holds card numbers in
// clear) and is recorded as a BankFileExported event before it is answered.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <string>

#include "services/common/auth/access.h"
#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/commands.h"
#include "services/disbursement/app/disbursement_projection.h"
#include "services/disbursement/published/disbursement_actions.h"
#include "zizhu/disbursement/v1/disbursement_service.pb.h"

namespace zizhu::disbursement {

class DisbursementApp {
 public:
  DisbursementApp(es::Commands* commands, storage::ProjectionStore* store, const PersonalDataVault* vault)
      : commands_(commands), store_(store), vault_(vault) {}

  void AllocateFunds(const auth::Caller& caller, const v1::AllocateFundsRequest& request,
                     Callback<v1::AllocateFundsResponse> done);
  void BuildBatch(const auth::Caller& caller, const v1::BuildBatchRequest& request,
                  Callback<v1::BuildBatchResponse> done);
  void ExportBankFile(const auth::Caller& caller, const v1::ExportBankFileRequest& request,
                      Callback<v1::ExportBankFileResponse> done);
  void RecordBankReturn(const auth::Caller& caller, const v1::RecordBankReturnRequest& request,
                        Callback<v1::RecordBankReturnResponse> done);
  void RetryPayments(const auth::Caller& caller, const v1::RetryPaymentsRequest& request,
                     Callback<v1::RetryPaymentsResponse> done);
  void ReversePayment(const auth::Caller& caller, const v1::ReversePaymentRequest& request,
                      Callback<v1::ReversePaymentResponse> done);
  void RecoverOverpayment(const auth::Caller& caller, const v1::RecoverOverpaymentRequest& request,
                          Callback<v1::RecoverOverpaymentResponse> done);
  absl::StatusOr<v1::GetAccountResponse> GetAccount(const auth::Caller& caller,
                                                    const v1::GetAccountRequest& request) const;
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const auth::Caller& caller,
                                                        const v1::ListAccountsRequest& request) const;
  absl::StatusOr<v1::ListPaymentsResponse> ListPayments(const auth::Caller& caller,
                                                        const v1::ListPaymentsRequest& request) const;
  absl::StatusOr<v1::ReconcileResponse> Reconcile(const auth::Caller& caller,
                                                  const v1::ReconcileRequest& request) const;
  // Auditors: the bank files exported in the caller's scope, oldest first.
  absl::StatusOr<v1::ListPersonalDataExportsResponse> ListPersonalDataExports(
      const auth::Caller& caller, const v1::ListPersonalDataExportsRequest& request) const;

 private:
  // Role and scope checks for an account command; the account's id.
  absl::StatusOr<std::string> CheckAccount(const auth::Caller& caller, const auth::Action& action,
                                           const v1::AccountKey& key) const;
  absl::StatusOr<v1::AccountView> LoadView(const std::string& account) const;
  absl::StatusOr<v1::Payment> LoadPayment(const std::string& account, const std::string& id) const;
  absl::StatusOr<v1::AccountReconciliation> ReconcileAccount(const std::string& account) const;

  es::Commands* commands_;
  storage::ProjectionStore* store_;
  const PersonalDataVault* vault_;
};

}  // namespace zizhu::disbursement
