// The disbursement service's projections:
//  - AccountsProjection folds the service's own events (FoldAccountEvent)
//    into account rows, payments with a state index, and batches;
//  - Payees folds the registry's student events into "up/payee/" rows: the
//    name and the sealed bank card a bank file needs, the card's issuer
//    prefix (which bank's batch) and its revision (corrected since a failure).
// RowsAccount reads and writes those rows over a batch (decisions, folds)
// or reads them from the store (queries).
#pragma once

#include <functional>
#include <string>

#include "services/common/crypto/personal_data_vault.h"
#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"
#include "services/disbursement/domain/account_decisions.h"
#include "services/disbursement/domain/account_evolve.h"

namespace zizhu::disbursement {

class AccountsProjection final : public es::DispatchingProjection {
 public:
  AccountsProjection();
};

class Payees final : public es::DispatchingProjection {
 public:
  // `vault` opens a card once, when it is recorded, for its issuer prefix.
  explicit Payees(const PersonalDataVault* vault);
};

class RowsAccount final : public AccountState, public AccountRows {
 public:
  explicit RowsAccount(storage::ProjectionBatch& batch) : batch_(&batch) {}
  explicit RowsAccount(const storage::ProjectionStore& store) : store_(&store) {}
  // AccountState
  absl::StatusOr<v1::Balances> GetBalances(const std::string& account) override { return Balances(account); }
  absl::StatusOr<std::optional<v1::Payment>> FindPayment(const std::string& account, const std::string& id) override {
    return Payment(account, id);
  }
  absl::Status ForEachPayment(const std::string& account, v1::PaymentState state,
                              const std::function<bool(const v1::Payment&)>& visit) override;
  absl::StatusOr<std::optional<v1::BatchRecord>> FindBatch(const std::string& account, const std::string& id) override {
    return Batch(account, id);
  }
  absl::StatusOr<std::optional<PayeeCard>> FindPayeeCard(const std::string& student_id) override;
  // AccountRows
  absl::StatusOr<v1::Balances> Balances(const std::string& account) override;
  void PutBalances(const std::string& account, const v1::Balances& balances) override;
  absl::StatusOr<std::optional<v1::Payment>> Payment(const std::string& account, const std::string& id) override;
  void PutPayment(const std::string& account, const std::optional<v1::Payment>& before,
                  const v1::Payment& after) override;
  absl::StatusOr<std::optional<v1::BatchRecord>> Batch(const std::string& account, const std::string& id) override;
  void PutBatch(const std::string& account, const v1::BatchRecord& batch) override;
  void PutAllocation(const std::string& account, const std::string& document_ref, int64_t fen) override;
  absl::StatusOr<std::optional<int64_t>> FindAllocation(const std::string& account,
                                                        const std::string& document_ref) override;

 private:
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  absl::Status Scan(const std::string& prefix,
                    const std::function<bool(const std::string&, const std::string&)>& visit);
  storage::ProjectionBatch* batch_ = nullptr;
  const storage::ProjectionStore* store_ = nullptr;
};

}  // namespace zizhu::disbursement
