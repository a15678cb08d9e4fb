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
};

}  // namespace zizhu::disbursement
