// An account's rows in memory, for domain and property tests: both the
// decisions' port (AccountState) and the fold's (AccountRows), so decided
// events are folded with the production FoldAccountEvent.
#pragma once

#include <map>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "services/common/testing/decided_folder.h"
#include "services/disbursement/domain/account_decisions.h"
#include "services/disbursement/domain/account_evolve.h"

namespace zizhu::disbursement::testing {

class MemoryAccount final : public AccountState, public AccountRows {
 public:
  std::map<std::string, v1::Balances> balances;
  std::map<std::string, std::map<std::string, v1::Payment>> payments;  // account -> id -> payment
  std::map<std::string, std::map<std::string, v1::BatchRecord>> batches;
  std::map<std::string, PayeeCard> cards;  // student -> card as the registry last recorded it

  // AccountState
  absl::StatusOr<v1::Balances> GetBalances(const std::string& a) override { return balances[a]; }
  absl::StatusOr<std::optional<v1::Payment>> FindPayment(const std::string& a, const std::string& id) override {
    auto it = payments[a].find(id);
    if (it == payments[a].end()) return std::optional<v1::Payment>();
    return std::optional<v1::Payment>(it->second);
  }
  absl::Status ForEachPayment(const std::string& a, v1::PaymentState state,
                              const std::function<bool(const v1::Payment&)>& visit) override {
    for (const auto& [id, p] : payments[a]) {
      if (p.state() == state && !visit(p)) break;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::BatchRecord>> FindBatch(const std::string& a, const std::string& id) override {
    auto it = batches[a].find(id);
    if (it == batches[a].end()) return std::optional<v1::BatchRecord>();
    return std::optional<v1::BatchRecord>(it->second);
  }
  absl::StatusOr<std::optional<PayeeCard>> FindPayeeCard(const std::string& student) override {
    auto it = cards.find(student);
    if (it == cards.end()) return std::optional<PayeeCard>();
    return std::optional<PayeeCard>(it->second);
  }
  // AccountRows
  absl::StatusOr<v1::Balances> Balances(const std::string& a) override { return balances[a]; }
  void PutBalances(const std::string& a, const v1::Balances& b) override { balances[a] = b; }
  absl::StatusOr<std::optional<v1::Payment>> Payment(const std::string& a, const std::string& id) override {
    return FindPayment(a, id);
  }
  void PutPayment(const std::string& a, const std::optional<v1::Payment>&, const v1::Payment& p) override {
    payments[a][p.payment_id()] = p;
  }
  absl::StatusOr<std::optional<v1::BatchRecord>> Batch(const std::string& a, const std::string& id) override {
    return FindBatch(a, id);
  }
  void PutBatch(const std::string& a, const v1::BatchRecord& b) override { batches[a][b.batch_id()] = b; }
  void PutAllocation(const std::string& a, const std::string& doc, int64_t fen) override { allocations[a][doc] = fen; }
  absl::StatusOr<std::optional<int64_t>> FindAllocation(const std::string& a, const std::string& doc) override {
    auto it = allocations[a].find(doc);
    if (it == allocations[a].end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
  std::map<std::string, std::map<std::string, int64_t>> allocations;

  // Folds decided events through the typed folds, as the projection does.
  absl::Status Apply(const Events& events) {
    static const testing_kit::DecidedFolder<AccountRows> folder(
        AccountEvents{}, [](const auto& e, int64_t v, AccountRows& rows) { return FoldAccountEvent(e, v, rows); });
    return folder.Apply(events, *this);
  }
};

}  // namespace zizhu::disbursement::testing
