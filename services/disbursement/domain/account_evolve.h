// How an account's records change with its events (pure; the projection and
// MemoryAccount apply the same functions).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
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
};

// Folds one event of an account (any of events.proto's) into its rows, with
// the event's aggregate version. Unknown types are skipped (OK).
absl::Status FoldAccountEvent(const google::protobuf::Message& event, int64_t version, AccountRows& rows);

}  // namespace zizhu::disbursement
