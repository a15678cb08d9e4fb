#include "services/disbursement/domain/account_evolve.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"
#include "services/disbursement/domain/account_decisions.h"

namespace zizhu::disbursement {
namespace {

// Moves a book's balance (debits minus credits) by `delta`.
void Move(v1::Balances& b, v1::Book book, int64_t delta) {
  switch (book) {
    case v1::BOOK_ALLOCATION:
      b.set_allocated(b.allocated() - delta);  // allocated = -balance
      break;
    case v1::BOOK_AVAILABLE:
      b.set_available(b.available() + delta);
      break;
    case v1::BOOK_COMMITTED:
      b.set_committed(b.committed() + delta);
      break;
    case v1::BOOK_IN_TRANSIT:
      b.set_in_transit(b.in_transit() + delta);
      break;
    case v1::BOOK_PAID:
      b.set_paid(b.paid() + delta);
      break;
    default:
      break;
  }
}

}  // namespace

void ApplyPostings(v1::Balances& balances, const google::protobuf::RepeatedPtrField<v1::Posting>& postings) {
  for (const v1::Posting& p : postings) {
    Move(balances, p.debit(), p.fen());
    Move(balances, p.credit(), -p.fen());
    balances.set_debits(balances.debits() + p.fen());
    balances.set_credits(balances.credits() + p.fen());
  }
}

int64_t BookBalance(const v1::Balances& b, v1::Book book) {
  switch (book) {
    case v1::BOOK_ALLOCATION:
      return -b.allocated();
    case v1::BOOK_AVAILABLE:
      return b.available();
    case v1::BOOK_COMMITTED:
      return b.committed();
    case v1::BOOK_IN_TRANSIT:
      return b.in_transit();
    case v1::BOOK_PAID:
      return b.paid();
    default:
      return 0;
  }
}

void ApplyReturnLine(v1::Payment& payment, const v1::ReturnLine& line) {
  if (line.outcome() == v1::RETURN_OUTCOME_PAID) {
    payment.set_state(v1::PAYMENT_STATE_PAID);
    payment.clear_failure_reason();
    if (payment.has_target_fen()) {  // reduced while at the bank: paid beyond it
      payment.set_overpaid_fen(payment.overpaid_fen() + payment.amount_fen() - payment.target_fen());
      payment.clear_target_fen();
    }
    return;
  }
  payment.set_state(v1::PAYMENT_STATE_FAILED);
  payment.set_failure_reason(line.reason());
  if (payment.has_target_fen()) {
    payment.set_amount_fen(payment.target_fen());
    payment.clear_target_fen();
    if (payment.amount_fen() == 0) payment.set_state(v1::PAYMENT_STATE_CANCELLED);
  }
}

namespace {

absl::StatusOr<v1::Payment> Existing(AccountRows& rows, const std::string& account, const std::string& id) {
  ASSIGN_OR_RETURN(auto payment, rows.Payment(account, id));
  if (!payment) return absl::DataLossError(absl::StrCat("payment ", id, " of ", account, " is missing"));
  return *std::move(payment);
}

// What every account event ends with: its postings on the balances and the
// account's version.
absl::Status Settle(const v1::AccountKey& key, const google::protobuf::RepeatedPtrField<v1::Posting>* postings,
                    int64_t version, AccountRows& rows) {
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(v1::Balances balances, rows.Balances(account));
  if (postings != nullptr) ApplyPostings(balances, *postings);
  balances.set_aggregate_version(version);
  rows.PutBalances(account, balances);
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldAccountEvent(const v1::FundsAllocated& e, int64_t version, AccountRows& rows) {
  rows.PutAllocation(AccountId(e.account()), e.document_ref(), e.fen());
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::PaymentsFunded& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  for (const std::string& id : e.payment_ids()) {
    ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, id));
    v1::Payment after = before;
    after.set_state(v1::PAYMENT_STATE_PENDING);
    after.clear_failure_reason();
    rows.PutPayment(account, before, after);
  }
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::PaymentsRecorded& e, int64_t version, AccountRows& rows) {
  for (const v1::Payment& p : e.payments()) rows.PutPayment(AccountId(e.account()), std::nullopt, p);
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::PaymentAmountsChanged& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  for (const v1::AmountChange& change : e.changes()) {
    ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, change.payment_id()));
    v1::Payment after = before;
    switch (before.state()) {
      case v1::PAYMENT_STATE_IN_BATCH:
        after.set_target_fen(change.to_fen());
        break;
      case v1::PAYMENT_STATE_PAID:
        after.set_overpaid_fen(after.overpaid_fen() + change.from_fen() - change.to_fen());
        break;
      default:
        after.set_amount_fen(change.to_fen());
        after.set_state(change.to_state());
        break;
    }
    rows.PutPayment(account, before, after);
  }
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::BatchBuilt& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  v1::BatchRecord batch;
  batch.set_batch_id(e.batch_id());
  batch.set_bank(e.bank());
  *batch.mutable_card_prefixes() = e.card_prefixes();
  *batch.mutable_lines() = e.lines();
  batch.set_total_fen(e.total_fen());
  rows.PutBatch(account, batch);
  for (const v1::BatchLine& line : e.lines()) {
    ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, line.payment_id()));
    v1::Payment after = before;
    after.set_state(v1::PAYMENT_STATE_IN_BATCH);
    after.set_attempt(before.attempt() + 1);
    after.set_reference(line.reference());
    after.set_batch_id(e.batch_id());
    after.set_sent_card_revision(line.card_revision());
    after.clear_failure_reason();
    rows.PutPayment(account, before, after);
  }
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::BankReturnRecorded& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  ASSIGN_OR_RETURN(auto batch, rows.Batch(account, e.batch_id()));
  if (!batch) return absl::DataLossError(absl::StrCat("batch ", e.batch_id(), " of ", account, " is missing"));
  batch->set_returned(true);
  batch->set_return_file_hash(e.file_hash());
  std::map<std::string, std::string> payment_of;
  for (const v1::BatchLine& line : batch->lines()) payment_of[line.reference()] = line.payment_id();
  for (const v1::ReturnLine& line : e.lines()) {
    const bool paid = line.outcome() == v1::RETURN_OUTCOME_PAID;
    batch->set_paid(batch->paid() + (paid ? 1 : 0));
    batch->set_failed(batch->failed() + (paid ? 0 : 1));
    if (paid) {
      batch->set_paid_fen(batch->paid_fen() + line.fen());
    } else {
      batch->set_failed_fen(batch->failed_fen() + line.fen());
    }
    ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, payment_of[line.reference()]));
    v1::Payment after = before;
    ApplyReturnLine(after, line);
    rows.PutPayment(account, before, after);
  }
  rows.PutBatch(account, *batch);
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::PaymentsRetried& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  for (const std::string& id : e.payment_ids()) {
    ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, id));
    v1::Payment after = before;
    after.set_state(v1::PAYMENT_STATE_PENDING);
    rows.PutPayment(account, before, after);
  }
  return Settle(e.account(), nullptr, version, rows);
}

absl::Status FoldAccountEvent(const v1::PaymentReversed& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, e.payment_id()));
  v1::Payment after = before;
  after.set_amount_fen(before.amount_fen() - before.overpaid_fen());
  after.set_overpaid_fen(0);
  after.set_state(after.amount_fen() == 0 ? v1::PAYMENT_STATE_CANCELLED : v1::PAYMENT_STATE_FAILED);
  after.set_failure_reason(absl::StrCat("reversed by the bank: ", e.reason()));
  after.set_reversals(before.reversals() + 1);
  rows.PutPayment(account, before, after);
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::OverpaymentRecovered& e, int64_t version, AccountRows& rows) {
  const std::string account = AccountId(e.account());
  ASSIGN_OR_RETURN(v1::Payment before, Existing(rows, account, e.payment_id()));
  v1::Payment after = before;
  after.set_amount_fen(before.amount_fen() - e.fen());
  after.set_overpaid_fen(before.overpaid_fen() - e.fen());
  rows.PutPayment(account, before, after);
  return Settle(e.account(), &e.postings(), version, rows);
}

absl::Status FoldAccountEvent(const v1::BankFileExported& e, int64_t version, AccountRows& rows) {
  return Settle(e.account(), nullptr, version, rows);
}

}  // namespace zizhu::disbursement
