// How an account's records change with its events (pure; the projection and
// MemoryAccount apply the same functions).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/es/event_types.h"
#include "zizhu/disbursement/v1/events.pb.h"
#include "zizhu/disbursement/v1/ledger.pb.h"

namespace zizhu::disbursement {

namespace v1 = zizhu::disbursement::v1;

// Adds postings to the balances (each debits one book, credits another).
void ApplyPostings(v1::Balances& balances, const google::protobuf::RepeatedPtrField<v1::Posting>& postings);
// The balance of a book: debits minus credits.
int64_t BookBalance(const v1::Balances& balances, v1::Book book);

// A payment after a bank return line of its current attempt.
void ApplyReturnLine(v1::Payment& payment, const v1::ReturnLine& line);

}  // namespace zizhu::disbursement

namespace zizhu::disbursement {

// The rows a fold of one account event reads and writes: implemented over
// projection rows (app) and in memory (MemoryAccount, tests).
class AccountRows {
 public:
  virtual ~AccountRows() = default;
  virtual absl::StatusOr<v1::Balances> Balances(const std::string& account_id) = 0;
  virtual void PutBalances(const std::string& account_id, const v1::Balances& balances) = 0;
  virtual absl::StatusOr<std::optional<v1::Payment>> Payment(const std::string& account_id,
                                                             const std::string& payment_id) = 0;
  // Writes the payment; `before` is its previous state (for state indexes).
  virtual void PutPayment(const std::string& account_id, const std::optional<v1::Payment>& before,
                          const v1::Payment& after) = 0;
  virtual absl::StatusOr<std::optional<v1::BatchRecord>> Batch(const std::string& account_id,
                                                               const std::string& batch_id) = 0;
  virtual void PutBatch(const std::string& account_id, const v1::BatchRecord& batch) = 0;
  // The amount recorded under an allocation notice (文号) of the account.
  virtual void PutAllocation(const std::string& account_id, const std::string& document_ref, int64_t fen) = 0;
};

// Folds one event of an account into its rows, with the event's aggregate
// version: one typed function per event of events.proto.
absl::Status FoldAccountEvent(const v1::FundsAllocated& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::PaymentsFunded& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::PaymentsRecorded& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::PaymentAmountsChanged& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::BatchBuilt& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::BankReturnRecorded& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::PaymentsRetried& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::PaymentReversed& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::OverpaymentRecovered& e, int64_t version, AccountRows& rows);
absl::Status FoldAccountEvent(const v1::BankFileExported& e, int64_t version, AccountRows& rows);

// The account's event types, the one list the projection, the report jobs
// and the tests register their typed folds from.
using AccountEvents =
    es::EventTypes<v1::FundsAllocated, v1::PaymentsFunded, v1::PaymentsRecorded, v1::PaymentAmountsChanged,
                   v1::BatchBuilt, v1::BankReturnRecorded, v1::PaymentsRetried, v1::PaymentReversed,
                   v1::OverpaymentRecovered, v1::BankFileExported>;

}  // namespace zizhu::disbursement
