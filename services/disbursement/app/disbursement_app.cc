#include "services/disbursement/app/disbursement_app.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/money.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/sha256.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"
#include "services/disbursement/app/disbursement_keys.h"
#include "services/disbursement/published/disbursement_actions.h"
#include "zizhu/disbursement/v1/records.pb.h"

namespace zizhu::disbursement {
namespace {

template <typename Decide>
es::DecideFn Over(Decide decide) {
  return [decide](storage::ProjectionBatch& view, absl::Time) {
    RowsAccount state(view);
    return decide(state);
  };
}

}  // namespace

absl::StatusOr<std::string> DisbursementApp::CheckAccount(const auth::Caller& caller, const auth::Action& action,
                                                          const v1::AccountKey& key) const {
  RETURN_IF_ERROR(auth::Require(caller, action));
  if (!auth::CoversCounty(caller, key.county_code())) return auth::OutOfScope("county", key.county_code());
  return AccountId(key);
}

absl::StatusOr<v1::AccountView> DisbursementApp::LoadView(const std::string& account) const {
  v1::AccountView view;
  view.set_account_id(account);
  ASSIGN_OR_RETURN(auto key, storage::LoadRow<v1::AccountKey>(*store_, keys::AccountKey(account)));
  if (!key) {
    return Refusal(absl::StatusCode::kNotFound, "ACCOUNT_EMPTY", {{"account", account}},
                   absl::StrCat("account ", account, " has no payments or allocations yet"));
  }
  *view.mutable_key() = *key;
  RowsAccount rows(*store_);
  ASSIGN_OR_RETURN(*view.mutable_balances(), rows.Balances(account));
  return view;
}

void DisbursementApp::AllocateFunds(const auth::Caller& caller, const v1::AllocateFundsRequest& request,
                                    Callback<v1::AllocateFundsResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  int64_t fen = request.fen();
  if (!request.yuan().empty()) {
    if (fen != 0)
      return done(Refusal(absl::StatusCode::kInvalidArgument, "FEN_OR_YUAN", {}, "give fen or yuan, not both"));
    absl::StatusOr<Fen> parsed = Fen::ParseTypedYuan(request.yuan());
    if (!parsed.ok()) {
      return done(Refusal(absl::StatusCode::kInvalidArgument, "AMOUNT_NOT_YUAN",
                          {{"value", request.yuan().substr(0, 40)}},
                          absl::StrCat("yuan '", request.yuan().substr(0, 40),
                                       "' is not an amount in yuan (e.g. 12500, 12,500 or 12500.50)")));
    }
    fen = parsed->fen();
  }
  commands_->Run<v1::AllocateFundsResponse>(
      caller, request, Over([request, fen](RowsAccount& state) {
        return DecideAllocate(state, request.account(), fen, request.document_ref());
      }),
      [this, account = *account](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::AllocateFundsResponse> {
        v1::AllocateFundsResponse response;
        ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
        return response;
      },
      std::move(done));
}

void DisbursementApp::BuildBatch(const auth::Caller& caller, const v1::BuildBatchRequest& request,
                                 Callback<v1::BuildBatchResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  const int max_lines = request.max_lines() == 0 ? kMaxBatchLines : request.max_lines();
  commands_->Run<v1::BuildBatchResponse>(
      caller, request, Over([request, max_lines](RowsAccount& state) {
        std::vector<std::string> prefixes(request.card_prefixes().begin(), request.card_prefixes().end());
        return DecideBuildBatch(state, request.account(), request.batch_id(), request.bank(), prefixes, max_lines);
      }),
      [this, account = *account,
       batch_id = request.batch_id()](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::BuildBatchResponse> {
        v1::BuildBatchResponse response;
        RowsAccount rows(*store_);
        ASSIGN_OR_RETURN(auto batch, rows.Batch(account, batch_id));
        if (batch) *response.mutable_batch() = *batch;
        return response;
      },
      std::move(done));
}

void DisbursementApp::ExportBankFile(const auth::Caller& caller, const v1::ExportBankFileRequest& request,
                                     Callback<v1::ExportBankFileResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  if (absl::Status allowed = auth::Require(caller, auth::kRevealPersonalData); !allowed.ok()) {
    return done(allowed);
  }
  // The file is made first (card numbers opened with the key), so that its
  // hash is what the audit event records; nothing is answered before it.
  RowsAccount rows(*store_);
  absl::StatusOr<std::optional<v1::BatchRecord>> batch = rows.Batch(*account, request.batch_id());
  if (!batch.ok()) return done(batch.status());
  if (!*batch) {
    return done(NotFound("batch", request.batch_id().substr(0, 64)));
  }
  auto response = std::make_shared<v1::ExportBankFileResponse>();
  *response->mutable_batch() = **batch;
  for (const v1::BatchLine& line : (*batch)->lines()) {
    absl::StatusOr<std::optional<v1::Payment>> payment = rows.Payment(*account, line.payment_id());
    if (!payment.ok()) return done(payment.status());
    if (!*payment) {
      return done(absl::DataLossError(
          absl::StrCat("payment ", line.payment_id(), " of batch ", request.batch_id(), " is missing")));
    }
    absl::StatusOr<std::optional<v1::Payee>> payee =
        storage::LoadRow<v1::Payee>(*store_, keys::Payee((*payment)->student_id()));
    if (!payee.ok()) return done(payee.status());
    v1::BankFileLine* out = response->add_lines();
    out->set_reference(line.reference());
    out->set_fen(line.fen());
    out->set_school_code((*payment)->school_code());
    if (!*payee || (*payee)->bank_card().sealed().ciphertext().empty()) {
      out->set_name(*payee ? (*payee)->name() : "");
      continue;  // no card on record: the bank returns it failed, and the registry is corrected
    }
    out->set_name((*payee)->name());
    absl::StatusOr<std::string> card = vault_->Open((*payee)->bank_card().sealed(), "bank_card");
    if (!card.ok()) return done(card.status());
    out->set_bank_card(*card);
  }
  response->set_total_fen((*batch)->total_fen());
  const std::string sha = Sha256Hex(SerializeDeterministic(*response));
  commands_->Run<v1::ExportBankFileResponse>(
      caller, request,
      Over([key = request.account(), batch_id = request.batch_id(), lines = response->lines_size(),
            total = response->total_fen(),
            sha](RowsAccount& state) { return DecideRecordExport(state, key, batch_id, lines, total, sha); }),
      [response](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::ExportBankFileResponse> { return *response; },
      std::move(done));
}

void DisbursementApp::RecordBankReturn(const auth::Caller& caller, const v1::RecordBankReturnRequest& request,
                                       Callback<v1::RecordBankReturnResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  ReturnFile file{request.batch_id(), request.file_sha256(),
                  std::vector<v1::ReturnLine>(request.lines().begin(), request.lines().end()), request.control_count(),
                  request.control_fen()};
  commands_->Run<v1::RecordBankReturnResponse>(
      caller, request,
      Over([key = request.account(), file](RowsAccount& state) { return DecideRecordReturn(state, key, file); }),
      [this, account = *account, batch_id = request.batch_id()](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RecordBankReturnResponse> {
        v1::RecordBankReturnResponse response;
        RowsAccount rows(*store_);
        ASSIGN_OR_RETURN(auto batch, rows.Batch(account, batch_id));
        if (batch) *response.mutable_batch() = *batch;
        ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
        return response;
      },
      std::move(done));
}

void DisbursementApp::RetryPayments(const auth::Caller& caller, const v1::RetryPaymentsRequest& request,
                                    Callback<v1::RetryPaymentsResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  std::vector<std::string> ids(request.payment_ids().begin(), request.payment_ids().end());
  if (request.corrected_cards() && !ids.empty()) {
    return done(Refusal(absl::StatusCode::kInvalidArgument, "RETRY_IDS_OR_CORRECTED", {},
                        "name payment_ids or ask for corrected_cards, not both"));
  }
  auto retried = std::make_shared<std::atomic<int>>(0);  // what the decision retried (0 on a repeat)
  commands_->Run<v1::RetryPaymentsResponse>(
      caller, request,
      Over([key = request.account(), ids, note = request.note(), corrected = request.corrected_cards(),
            retried](RowsAccount& state) -> absl::StatusOr<Events> {
        ASSIGN_OR_RETURN(Events events,
                         corrected ? DecideRetryCorrected(state, key, note) : DecideRetry(state, key, ids, note));
        for (const es::NewEvent& e : events) {
          if (e.payload->GetDescriptor() != v1::PaymentsRetried::descriptor()) continue;
          *retried = static_cast<const v1::PaymentsRetried&>(*e.payload).payment_ids_size();
        }
        return events;
      }),
      [this, account = *account,
       retried](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RetryPaymentsResponse> {
        v1::RetryPaymentsResponse response;
        response.set_retried(*retried);
        ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::Payment> DisbursementApp::LoadPayment(const std::string& account, const std::string& id) const {
  RowsAccount rows(*store_);
  ASSIGN_OR_RETURN(auto payment, rows.Payment(account, id));
  if (!payment) return NotFound("payment", id.substr(0, 120));
  return *payment;
}

void DisbursementApp::ReversePayment(const auth::Caller& caller, const v1::ReversePaymentRequest& request,
                                     Callback<v1::ReversePaymentResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  commands_->Run<v1::ReversePaymentResponse>(
      caller, request, Over([request](RowsAccount& state) {
        return DecideReversal(state, request.account(), request.reference(), request.fen(), request.reason());
      }),
      [this, account = *account, payment_id = PaymentOfReference(request.reference())](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::ReversePaymentResponse> {
        v1::ReversePaymentResponse response;
        ASSIGN_OR_RETURN(*response.mutable_payment(), LoadPayment(account, payment_id));
        ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
        return response;
      },
      std::move(done));
}

void DisbursementApp::RecoverOverpayment(const auth::Caller& caller, const v1::RecoverOverpaymentRequest& request,
                                         Callback<v1::RecoverOverpaymentResponse> done) {
  absl::StatusOr<std::string> account = CheckAccount(caller, kDisburse, request.account());
  if (!account.ok()) return done(account.status());
  commands_->Run<v1::RecoverOverpaymentResponse>(
      caller, request, Over([request](RowsAccount& state) {
        return DecideRecovery(state, request.account(), request.payment_id(), request.fen(), request.document_ref());
      }),
      [this, account = *account, payment_id = request.payment_id()](
          const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RecoverOverpaymentResponse> {
        v1::RecoverOverpaymentResponse response;
        ASSIGN_OR_RETURN(*response.mutable_payment(), LoadPayment(account, payment_id));
        ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::GetAccountResponse> DisbursementApp::GetAccount(const auth::Caller& caller,
                                                                   const v1::GetAccountRequest& request) const {
  ASSIGN_OR_RETURN(std::string account, CheckAccount(caller, auth::kRead, request.account()));
  v1::GetAccountResponse response;
  ASSIGN_OR_RETURN(*response.mutable_account(), LoadView(account));
  return response;
}

absl::StatusOr<v1::ListAccountsResponse> DisbursementApp::ListAccounts(const auth::Caller& caller,
                                                                       const v1::ListAccountsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kRead));
  if (request.semester().empty()) return FieldRequired("semester");
  if (!request.county_code().empty() && !auth::CoversCounty(caller, request.county_code())) {
    return auth::OutOfScope("county", request.county_code());
  }
  const std::string prefix = keys::AccountIndexPrefix(request.semester()) + request.county_code();
  std::vector<std::pair<std::string, std::string>> found;  // county, account
  RETURN_IF_ERROR(store_->Scan(prefix, "", [&](const std::string& key, const std::string&) {
    const std::string rest = key.substr(keys::AccountIndexPrefix(request.semester()).size());
    found.emplace_back(rest.substr(0, rest.find('/')), rest.substr(rest.find('/') + 1));
    return true;
  }));
  v1::ListAccountsResponse response;
  for (const auto& [county, account] : found) {
    if (!auth::CoversCounty(caller, county)) continue;
    ASSIGN_OR_RETURN(*response.add_accounts(), LoadView(account));
  }
  return response;
}

absl::StatusOr<v1::ListPersonalDataExportsResponse> DisbursementApp::ListPersonalDataExports(
    const auth::Caller& caller, const v1::ListPersonalDataExportsRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::kReadAudit));
  if (!request.county_code().empty() && !auth::CoversCounty(caller, request.county_code())) {
    return auth::OutOfScope("county", request.county_code());
  }
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  v1::ListPersonalDataExportsResponse response;
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   storage::ScanPage(*store_, keys::kExportAuditPrefix, request.page_token(), page_size,
                                     [&](const std::string&, const std::string& value) -> absl::StatusOr<bool> {
                                       v1::PersonalDataExport row;
                                       if (!row.ParseFromString(value)) {
                                         return absl::DataLossError("an export audit row does not parse");
                                       }
                                       const std::string& county = row.account().county_code();
                                       if (!auth::CoversCounty(caller, county)) return false;
                                       if (!request.county_code().empty() && county != request.county_code()) {
                                         return false;
                                       }
                                       *response.add_exports() = std::move(row);
                                       return true;
                                     }));
  return response;
}

absl::StatusOr<v1::ListPaymentsResponse> DisbursementApp::ListPayments(const auth::Caller& caller,
                                                                       const v1::ListPaymentsRequest& request) const {
  ASSIGN_OR_RETURN(std::string account, CheckAccount(caller, auth::kRead, request.account()));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  const bool by_state = request.state() != v1::PAYMENT_STATE_UNSPECIFIED;
  const bool by_pupil = !request.round_id().empty() || !request.student_id().empty();
  if (by_pupil && (request.round_id().empty() || request.student_id().empty())) {
    return FieldNeeds(request.round_id().empty() ? "student_id" : "round_id",
                      request.round_id().empty() ? "round_id" : "student_id");
  }
  // Payment ids begin "<round>/<student>/": one pupil's instalments are a prefix.
  const std::string payments = keys::PaymentPrefix(account);
  const std::string prefix = by_pupil   ? absl::StrCat(payments, request.round_id(), "/", request.student_id(), "/")
                             : by_state ? keys::PaymentStatePrefix(account, request.state())
                                        : payments;
  v1::ListPaymentsResponse response;
  RowsAccount rows(*store_);
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                                     [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                                       const std::string id =
                                           by_pupil ? key.substr(payments.size()) : key.substr(prefix.size());
                                       ASSIGN_OR_RETURN(auto payment, rows.Payment(account, id));
                                       if (!payment) return false;
                                       if (by_state && payment->state() != request.state()) return false;
                                       if (payment->state() == v1::PAYMENT_STATE_FAILED) {
                                         ASSIGN_OR_RETURN(auto card, rows.FindPayeeCard(payment->student_id()));
                                         payment->set_card_corrected(CardCorrected(*payment, card));
                                       }
                                       *response.add_payments() = *payment;
                                       return true;
                                     }));
  return response;
}

absl::StatusOr<v1::AccountReconciliation> DisbursementApp::ReconcileAccount(const std::string& account) const {
  v1::AccountReconciliation r;
  ASSIGN_OR_RETURN(*r.mutable_account(), LoadView(account));
  RowsAccount rows(*store_);
  int64_t committed = 0, in_transit = 0, paid = 0;
  absl::Status failure;
  RETURN_IF_ERROR(store_->Scan(keys::PaymentPrefix(account), "", [&](const std::string& key, const std::string& value) {
    v1::Payment p;
    if (!p.ParseFromString(value)) {
      failure = absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
      return false;
    }
    switch (p.state()) {
      case v1::PAYMENT_STATE_AWAITING_FUNDS:
        r.set_awaiting_funds(r.awaiting_funds() + 1);
        r.set_awaiting_funds_fen(r.awaiting_funds_fen() + p.amount_fen());
        break;
      case v1::PAYMENT_STATE_PENDING:
        r.set_pending(r.pending() + 1);
        committed += p.amount_fen();
        break;
      case v1::PAYMENT_STATE_FAILED:
        r.set_failed(r.failed() + 1);
        committed += p.amount_fen();
        break;
      case v1::PAYMENT_STATE_IN_BATCH:
        in_transit += p.amount_fen();
        break;
      case v1::PAYMENT_STATE_PAID:
        paid += p.amount_fen();
        break;
      default:
        break;
    }
    return true;
  }));
  RETURN_IF_ERROR(failure);
  RETURN_IF_ERROR(store_->Scan(keys::BatchPrefix(account), "", [&](const std::string& key, const std::string& value) {
    v1::BatchRecord batch;
    if (!batch.ParseFromString(value)) {
      failure = absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
      return false;
    }
    v1::BatchReconciliation* b = r.add_batches();
    b->set_account_id(account);
    b->set_batch_id(batch.batch_id());
    b->set_issued(batch.lines_size());
    b->set_issued_fen(batch.total_fen());
    b->set_paid(batch.paid());
    b->set_paid_fen(batch.paid_fen());
    b->set_failed(batch.failed());
    b->set_failed_fen(batch.failed_fen());
    b->set_outstanding(batch.returned() ? 0 : batch.lines_size());
    b->set_outstanding_fen(batch.returned() ? 0 : batch.total_fen());
    return true;
  }));
  RETURN_IF_ERROR(failure);
  const v1::Balances& b = r.account().balances();
  r.set_balanced(b.debits() == b.credits() && b.committed() == committed && b.in_transit() == in_transit &&
                 b.paid() == paid && b.available() == b.allocated() - committed - in_transit - paid);
  return r;
}

absl::StatusOr<v1::ReconcileResponse> DisbursementApp::Reconcile(const auth::Caller& caller,
                                                                 const v1::ReconcileRequest& request) const {
  v1::ListAccountsRequest list;
  list.set_semester(request.semester());
  list.set_county_code(request.county_code());
  ASSIGN_OR_RETURN(v1::ListAccountsResponse accounts, ListAccounts(caller, list));
  v1::ReconcileResponse response;
  for (const v1::AccountView& view : accounts.accounts()) {
    ASSIGN_OR_RETURN(*response.add_accounts(), ReconcileAccount(view.account_id()));
  }
  return response;
}

}  // namespace zizhu::disbursement
