// What the disbursement decisions read: one account's balances, payments and
// batches. Implemented over projection rows by the app layer and in memory
// (MemoryAccount) by the domain and property tests.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "zizhu/disbursement/v1/ledger.pb.h"

namespace zizhu::disbursement {

namespace v1 = zizhu::disbursement::v1;

// What a batch needs to know of a payee's bank card, without opening it.
struct PayeeCard {
  std::string prefix;    // the first six digits (issuer); empty = no card on record
  int64_t revision = 0;  // 1 when registered, +1 at every correction
};

class AccountState {
 public:
  virtual ~AccountState() = default;
  virtual absl::StatusOr<v1::Balances> GetBalances(const std::string& account_id) = 0;
  virtual absl::StatusOr<std::optional<v1::Payment>> FindPayment(const std::string& account_id,
                                                                 const std::string& payment_id) = 0;
  // The account's payments in `state`, in payment-id order, until `visit` is false.
  virtual absl::Status ForEachPayment(const std::string& account_id, v1::PaymentState state,
                                      const std::function<bool(const v1::Payment&)>& visit) = 0;
  virtual absl::StatusOr<std::optional<v1::BatchRecord>> FindBatch(const std::string& account_id,
                                                                   const std::string& batch_id) = 0;
  // The payee's card as the registry last recorded it; nullopt when the
  // registry has not told this service of the student.
  virtual absl::StatusOr<std::optional<PayeeCard>> FindPayeeCard(const std::string& student_id) = 0;
  // The amount recorded under an allocation notice (文号) of the account;
  // nullopt when none was.
  virtual absl::StatusOr<std::optional<int64_t>> FindAllocation(const std::string& account_id,
                                                                const std::string& document_ref) = 0;
};

}  // namespace zizhu::disbursement
