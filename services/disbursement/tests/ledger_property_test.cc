// Property: random interleavings of allocations, entitlement shares (new,
// adjusted, repeated), batch builds, bank returns (paid, failed, duplicated,
// unknown references, bad control totals, returns of batches already
// returned, in any order), retries, reversals of paid attempts, recoveries of
// overpayments and crashes (a decision whose events are
// lost is simply decided again) never pay an instalment twice, keep debits
// equal to credits and the books equal to the payments after every step,
// and leave each student's payments adding up to what the entitlement now
// allows.
#include <gtest/gtest.h>  // before rapidcheck/gtest.h, which needs it
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/disbursement/tests/memory_account.h"

namespace zizhu::disbursement {
namespace {

using testing::MemoryAccount;

v1::AccountKey Key() {
  v1::AccountKey key;
  key.set_county_code("210102");
  key.set_source(subsidy::v1::FUND_SOURCE_COUNTY);
  key.set_semester("2027-spring");
  return key;
}

int64_t Scheduled(const v1::Payment& p) {
  switch (p.state()) {
    case v1::PAYMENT_STATE_CANCELLED:
      return 0;
    case v1::PAYMENT_STATE_IN_BATCH:
      return p.has_target_fen() ? p.target_fen() : p.amount_fen();
    case v1::PAYMENT_STATE_PAID:
      return p.amount_fen() - p.overpaid_fen();
    default:
      return p.amount_fen();
  }
}

struct Model {
  MemoryAccount account;
  std::map<int, int64_t> allowed;         // student -> what the entitlement now allows
  std::map<std::string, int> paid_lines;  // payment id -> paid return lines applied, less reversals
  int batches = 0;
  const std::string id = AccountId(Key());

  void Check() {
    const v1::Balances& b = account.balances[id];
    RC_ASSERT(b.debits() == b.credits());
    int64_t committed = 0, in_transit = 0, paid = 0;
    std::map<std::string, int64_t> per_student;
    for (const auto& [pid, p] : account.payments[id]) {
      if (p.state() == v1::PAYMENT_STATE_PENDING || p.state() == v1::PAYMENT_STATE_FAILED) committed += p.amount_fen();
      if (p.state() == v1::PAYMENT_STATE_IN_BATCH) in_transit += p.amount_fen();
      if (p.state() == v1::PAYMENT_STATE_PAID) paid += p.amount_fen();
      RC_ASSERT(p.amount_fen() >= 0);
      RC_ASSERT(p.overpaid_fen() >= 0 && p.overpaid_fen() <= p.amount_fen());
      per_student[p.student_id()] += Scheduled(p);
    }
    RC_ASSERT(b.committed() == committed);
    RC_ASSERT(b.in_transit() == in_transit);
    RC_ASSERT(b.paid() == paid);
    RC_ASSERT(b.available() >= 0);
    RC_ASSERT(b.available() == b.allocated() - committed - in_transit - paid);
    for (const auto& [student, fen] : allowed) RC_ASSERT(per_student[absl::StrCat("stu_", student)] == fen);
    for (const auto& [pid, lines] : paid_lines) RC_ASSERT(lines <= 1);
  }

  // Applies events unless the step "crashed" (its events are lost: the
  // decision is simply taken again later, as a redelivery would).
  void Apply(const absl::StatusOr<Events>& events, bool crash) {
    if (!events.ok() || crash) return;
    for (const es::NewEvent& e : *events) {
      if (auto* r = dynamic_cast<const v1::BankReturnRecorded*>(e.payload.get())) {
        for (const v1::Posting& p : r->postings()) {
          if (p.debit() == v1::BOOK_PAID) ++paid_lines[p.payment_id()];
        }
      }
      if (auto* r = dynamic_cast<const v1::PaymentReversed*>(e.payload.get())) --paid_lines[r->payment_id()];
    }
    RC_ASSERT(account.Apply(*events).ok());
  }
};

RC_GTEST_PROP(LedgerProperty, NoInstalmentIsPaidTwiceAndTheBooksBalance, ()) {
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(rc::gen::tuple(
      rc::gen::inRange(0, 10), rc::gen::inRange(0, 6), rc::gen::inRange(0, 40000), rc::gen::inRange(0, 64)));
  Model m;
  for (int s = 0; s < 6; ++s) m.account.cards[absl::StrCat("stu_", s)] = {s % 3 == 0 ? "621700" : "622848", 1};
  m.account.cards.erase("stu_5");  // no card on record yet
  const v1::AccountKey key = Key();
  for (const auto& [kind, a, amount, bits] : ops) {
    const bool crash = bits % 11 == 0;
    switch (kind) {
      case 0:  // allocation
        m.Apply(DecideAllocate(m.account, key, 1 + amount, "notice-" + std::to_string(amount)), crash);
        break;
      case 1:    // an entitlement approved or adjusted (maybe repeated)
      case 2: {  // the same upstream event delivered again
        const int64_t total = kind == 1 ? amount % 20000 : m.allowed.count(a) ? m.allowed[a] : 0;
        EntitlementShare share{"210102000001/2027-spring", absl::StrCat("stu_", a), "210102000001", "张*", total};
        absl::StatusOr<Events> events = DecideEntitlementShares(m.account, key, {share}, "evt");
        RC_ASSERT(events.ok());
        m.Apply(events, crash);
        if (!crash) m.allowed[a] = total;
        break;
      }
      case 3:  // a batch
      {        // for one bank's cards, or every card
        std::vector<std::string> prefixes;
        if (amount % 3 == 1) prefixes = {"621700"};
        if (amount % 3 == 2) prefixes = {"622848", "6230"};
        m.Apply(DecideBuildBatch(m.account, key, absl::StrCat("B", m.batches++), "农商银行", prefixes, 1 + bits % 5),
                crash);
      } break;
      case 4:
      case 5: {  // the bank's return for some batch, perhaps broken
        if (m.batches == 0) break;
        const std::string batch_id = absl::StrCat("B", a % m.batches);
        auto batch = m.account.FindBatch(m.id, batch_id).value();
        if (!batch) break;
        ReturnFile file{batch_id, absl::StrCat("hash-", bits), {}, 0, 0};
        int n = 0;
        for (const v1::BatchLine& line : batch->lines()) {
          v1::ReturnLine r;
          r.set_reference(line.reference());
          r.set_fen(line.fen());
          const bool paid = ((bits >> (n++ % 6)) & 1) == 0;
          r.set_outcome(paid ? v1::RETURN_OUTCOME_PAID : v1::RETURN_OUTCOME_FAILED);
          if (!paid) r.set_reason("账户已销户 closed account");
          file.lines.push_back(r);
        }
        switch (amount % 5) {  // what banks' files do
          case 1:
            if (!file.lines.empty()) file.lines.push_back(file.lines.front());  // a line twice
            break;
          case 2: {
            v1::ReturnLine unknown;
            unknown.set_reference("no-such-payment#1");
            unknown.set_outcome(v1::RETURN_OUTCOME_PAID);
            unknown.set_fen(100);
            file.lines.push_back(unknown);
            break;
          }
          default:
            break;
        }
        file.control_count = static_cast<int>(file.lines.size());
        for (const auto& line : file.lines) file.control_fen += line.fen();
        if (amount % 5 == 3) file.control_fen += 1;  // a control total that does not match
        absl::StatusOr<Events> events = DecideRecordReturn(m.account, key, file);
        if (amount % 5 == 1 || amount % 5 == 2 || amount % 5 == 3 || batch->returned()) {
          RC_ASSERT(!events.ok());  // reported, nothing changed
        }
        m.Apply(events, crash);
        break;
      }
      case 6: {               // the card is corrected: retry the student's failed payments
        if (bits % 2 == 1) {  // in the registry, then every corrected one at once
          PayeeCard& card = m.account.cards[absl::StrCat("stu_", a)];
          card.prefix = card.prefix == "621700" ? "622848" : "621700";
          ++card.revision;
          m.Apply(DecideRetryCorrected(m.account, key, "bank card corrected"), crash);
          break;
        }
        std::vector<std::string> failed;
        for (const auto& [pid, p] : m.account.payments[m.id]) {
          if (p.student_id() == absl::StrCat("stu_", a) && p.state() == v1::PAYMENT_STATE_FAILED) {
            failed.push_back(pid);
          }
        }
        if (!failed.empty()) m.Apply(DecideRetry(m.account, key, failed, "bank card corrected"), crash);
        break;
      }
      case 8: {  // the bank reverses a paid attempt (sometimes twice, sometimes the wrong amount)
        for (const auto& [pid, p] : m.account.payments[m.id]) {
          if (p.student_id() != absl::StrCat("stu_", a) || p.state() != v1::PAYMENT_STATE_PAID) continue;
          const int64_t fen = bits % 7 == 0 ? p.amount_fen() + 1 : p.amount_fen();
          absl::StatusOr<Events> events = DecideReversal(m.account, key, p.reference(), fen, "退汇");
          RC_ASSERT(events.ok() == (bits % 7 != 0));
          m.Apply(events, crash);
          break;
        }
        break;
      }
      case 9: {  // an overpayment comes back, in part or whole (or too much)
        for (const auto& [pid, p] : m.account.payments[m.id]) {
          if (p.state() != v1::PAYMENT_STATE_PAID || p.overpaid_fen() == 0) continue;
          const int64_t fen = 1 + amount % (p.overpaid_fen() + 1);
          absl::StatusOr<Events> events = DecideRecovery(m.account, key, pid, fen, "收据");
          RC_ASSERT(events.ok() == (fen <= p.overpaid_fen()));
          m.Apply(events, crash);
          break;
        }
        break;
      }
      default:  // a paid payment is never retried
        for (const auto& [pid, p] : m.account.payments[m.id]) {
          if (p.state() == v1::PAYMENT_STATE_PAID) RC_ASSERT(!DecideRetry(m.account, key, {pid}, "x").ok());
        }
        break;
    }
    m.Check();
  }
}

}  // namespace
}  // namespace zizhu::disbursement
