// gRPC adapter of zizhu.disbursement.v1.DisbursementService: one line per
// RPC (see services/common/grpc/unary.h).
#pragma once

#include "services/common/grpc/unary.h"
#include "services/disbursement/app/disbursement_app.h"
#include "zizhu/disbursement/v1/disbursement_service.grpc.pb.h"

namespace zizhu::disbursement {

class DisbursementGrpcService final : public v1::DisbursementService::CallbackService,
                                      public grpc_kit::Endpoint<DisbursementApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* AllocateFunds(Ctx* c, const v1::AllocateFundsRequest* q, v1::AllocateFundsResponse* r) override {
    return Call(c, q, r, &DisbursementApp::AllocateFunds);
  }
  Reactor* BuildBatch(Ctx* c, const v1::BuildBatchRequest* q, v1::BuildBatchResponse* r) override {
    return Call(c, q, r, &DisbursementApp::BuildBatch);
  }
  Reactor* ExportBankFile(Ctx* c, const v1::ExportBankFileRequest* q, v1::ExportBankFileResponse* r) override {
    return Call(c, q, r, &DisbursementApp::ExportBankFile);
  }
  Reactor* RecordBankReturn(Ctx* c, const v1::RecordBankReturnRequest* q, v1::RecordBankReturnResponse* r) override {
    return Call(c, q, r, &DisbursementApp::RecordBankReturn);
  }
  Reactor* RetryPayments(Ctx* c, const v1::RetryPaymentsRequest* q, v1::RetryPaymentsResponse* r) override {
    return Call(c, q, r, &DisbursementApp::RetryPayments);
  }
  Reactor* ReversePayment(Ctx* c, const v1::ReversePaymentRequest* q, v1::ReversePaymentResponse* r) override {
    return Call(c, q, r, &DisbursementApp::ReversePayment);
  }
  Reactor* RecoverOverpayment(Ctx* c, const v1::RecoverOverpaymentRequest* q,
                              v1::RecoverOverpaymentResponse* r) override {
    return Call(c, q, r, &DisbursementApp::RecoverOverpayment);
  }
  Reactor* GetAccount(Ctx* c, const v1::GetAccountRequest* q, v1::GetAccountResponse* r) override {
    return Call(c, q, r, &DisbursementApp::GetAccount);
  }
  Reactor* ListAccounts(Ctx* c, const v1::ListAccountsRequest* q, v1::ListAccountsResponse* r) override {
    return Call(c, q, r, &DisbursementApp::ListAccounts);
  }
  Reactor* ListPersonalDataExports(Ctx* c, const v1::ListPersonalDataExportsRequest* q,
                                   v1::ListPersonalDataExportsResponse* r) override {
    return Call(c, q, r, &DisbursementApp::ListPersonalDataExports);
  }
  Reactor* ListPayments(Ctx* c, const v1::ListPaymentsRequest* q, v1::ListPaymentsResponse* r) override {
    return Call(c, q, r, &DisbursementApp::ListPayments);
  }
  Reactor* Reconcile(Ctx* c, const v1::ReconcileRequest* q, v1::ReconcileResponse* r) override {
    return Call(c, q, r, &DisbursementApp::Reconcile);
  }
};

}  // namespace zizhu::disbursement
