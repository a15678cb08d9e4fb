// The account's decisions, given records, when a command, then events or the
// exact refusal.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/disbursement/tests/memory_account.h"

namespace zizhu::disbursement {
namespace {

using ::testing::HasSubstr;
using testing::MemoryAccount;

class AccountTest : public ::testing::Test {
 protected:
  AccountTest() {
    key_.set_county_code("210102");
    key_.set_source(subsidy::v1::FUND_SOURCE_CENTRAL);
    key_.set_semester("2027-spring");
  }
  void Apply(const absl::StatusOr<Events>& events) {
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_TRUE(account_.Apply(*events).ok());
  }
  EntitlementShare Share(const std::string& student, int64_t fen) {
    return {"210102000001/2027-spring", student, "210102000001", "张*明", fen};
  }
  v1::Payment P(const std::string& id) { return account_.payments[AccountId(key_)][id]; }
  const v1::Balances& B() { return account_.balances[AccountId(key_)]; }
  std::string Pay(const std::string& student, int n = 1) {
    return PaymentId("210102000001/2027-spring", student, key_.source(), n);
  }
  ReturnFile Return(const std::string& batch, v1::ReturnOutcome outcome) {
    ReturnFile file{batch, "h", {}, 0, 0};
    for (const v1::BatchLine& line : account_.batches[AccountId(key_)][batch].lines()) {
      v1::ReturnLine r;
      r.set_reference(line.reference());
      r.set_fen(line.fen());
      r.set_outcome(outcome);
      r.set_reason(outcome == v1::RETURN_OUTCOME_FAILED ? "户名不符 name mismatch" : "");
      file.lines.push_back(r);
      file.control_fen += line.fen();
    }
    file.control_count = static_cast<int>(file.lines.size());
    return file;
  }

  v1::AccountKey key_;
  MemoryAccount account_;
};

TEST_F(AccountTest, ACommitmentBeyondTheAllocationWaitsWithTheFigures) {
  Apply(DecideAllocate(account_, key_, 100000, "财教〔2027〕1号"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 90000), Share("stu_b", 50000)}, "evt-1"));
  EXPECT_EQ(P(Pay("stu_a")).state(), v1::PAYMENT_STATE_PENDING);
  EXPECT_EQ(P(Pay("stu_b")).state(), v1::PAYMENT_STATE_AWAITING_FUNDS);
  EXPECT_THAT(
      P(Pay("stu_b")).failure_reason(),
      HasSubstr("allocation of 210102/CENTRAL/2027-spring has 100.00 yuan available; this payment needs 500.00"));
  EXPECT_EQ(B().committed(), 90000);
  // The same upstream event again creates nothing.
  EXPECT_TRUE(
      DecideEntitlementShares(account_, key_, {Share("stu_a", 90000), Share("stu_b", 50000)}, "evt-1")->empty());
  // A new allocation funds it.
  Apply(DecideAllocate(account_, key_, 50000, "财教〔2027〕2号"));
  EXPECT_EQ(P(Pay("stu_b")).state(), v1::PAYMENT_STATE_PENDING);
  EXPECT_EQ(B().available(), 10000);
  EXPECT_EQ(B().debits(), B().credits());
  EXPECT_THAT(DecideAllocate(account_, key_, 0, "x").status().message(), HasSubstr("must be more than 0"));
  // The same notice again (a double click, a re-sent form): refused, nothing allocated twice (issue 23).
  absl::StatusOr<Events> again = DecideAllocate(account_, key_, 50000, "财教〔2027〕2号");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("allocation notice '财教〔2027〕2号' is already recorded"));
  EXPECT_EQ(B().allocated(), 150000);
}

TEST_F(AccountTest, ALargeAllocationFundsInRecordsOfAtMost2000Payments) {
  std::vector<EntitlementShare> shares;
  for (int i = 0; i < 4500; ++i) shares.push_back(Share(absl::StrCat("stu_", 10000 + i), 100));
  Apply(DecideEntitlementShares(account_, key_, shares, "fixed"));
  absl::StatusOr<Events> allocated = DecideAllocate(account_, key_, 1000000, "notice");
  ASSERT_TRUE(allocated.ok()) << allocated.status();
  ASSERT_EQ(allocated->size(), 4u);  // the allocation, then 2000 + 2000 + 500 funded
  EXPECT_EQ(static_cast<const v1::PaymentsFunded&>(*(*allocated)[1].payload).payment_ids_size(), 2000);
  EXPECT_EQ((*allocated)[3].aggregate_version.value(), 5);
  Apply(allocated);
  EXPECT_EQ(B().committed(), 450000);
  EXPECT_EQ(B().aggregate_version(), 5);
  EXPECT_EQ(DecideBuildBatch(account_, key_, "B1", "x", {}, 2001).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AccountTest, ReturnsAreAppliedWholeOrNotAtAll) {
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 50000), Share("stu_b", 60000)}, "evt"));
  Apply(DecideBuildBatch(account_, key_, "B1", "农商银行", {}, 100));
  EXPECT_EQ(B().in_transit(), 110000);
  ReturnFile file = Return("B1", v1::RETURN_OUTCOME_PAID);
  ReturnFile bad = file;
  bad.control_fen += 1;
  EXPECT_THAT(DecideRecordReturn(account_, key_, bad).status().message(),
              HasSubstr("the control line says 2 lines and 1100.01 yuan; the file holds 2 lines and 1100.00 yuan"));
  bad = file;
  bad.lines[1].set_reference("nobody#1");
  EXPECT_THAT(DecideRecordReturn(account_, key_, bad).status().message(),
              HasSubstr("line 2: reference 'nobody#1' is not in batch B1; nothing changed"));
  bad = file;
  bad.lines.pop_back();
  bad.control_count = 1;
  bad.control_fen = bad.lines[0].fen();
  EXPECT_THAT(DecideRecordReturn(account_, key_, bad).status().message(),
              HasSubstr("the return answers 1 of the 2 lines of batch B1"));
  EXPECT_EQ(DecideRecordReturn(account_, key_, {"B9", "h", {}, 0, 0}).status().code(), absl::StatusCode::kNotFound);
  Apply(DecideRecordReturn(account_, key_, file));
  EXPECT_EQ(B().paid(), 110000);
  EXPECT_EQ(DecideRecordReturn(account_, key_, file).status().code(), absl::StatusCode::kAlreadyExists);
  // Paid payments never enter a batch again.
  EXPECT_EQ(DecideBuildBatch(account_, key_, "B2", "农商银行", {}, 100).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccountTest, AFailedPaymentIsRetriedAsANewAttemptOfTheSamePayment) {
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 50000)}, "evt"));
  Apply(DecideBuildBatch(account_, key_, "B1", "农商银行", {}, 100));
  const ReturnFile failed = Return("B1", v1::RETURN_OUTCOME_FAILED);
  Apply(DecideRecordReturn(account_, key_, failed));
  EXPECT_EQ(P(Pay("stu_a")).state(), v1::PAYMENT_STATE_FAILED);
  EXPECT_EQ(B().committed(), 50000);
  EXPECT_THAT(DecideRetry(account_, key_, {Pay("stu_a")}, "").status().message(), HasSubstr("note is required"));
  Apply(DecideRetry(account_, key_, {Pay("stu_a")}, "银行卡已在学籍系统更正"));
  Apply(DecideBuildBatch(account_, key_, "B2", "农商银行", {}, 100));
  EXPECT_EQ(P(Pay("stu_a")).reference(), Pay("stu_a") + "#2");
  // The first attempt's reference is no longer answerable.
  ReturnFile stale = failed;
  stale.batch_id = "B2";
  EXPECT_THAT(DecideRecordReturn(account_, key_, stale).status().message(), HasSubstr("is not in batch B2"));
  Apply(DecideRecordReturn(account_, key_, Return("B2", v1::RETURN_OUTCOME_PAID)));
  EXPECT_EQ(P(Pay("stu_a")).state(), v1::PAYMENT_STATE_PAID);
  EXPECT_THAT(DecideRetry(account_, key_, {Pay("stu_a")}, "x").status().message(),
              HasSubstr("only a failed payment is retried"));
}

TEST_F(AccountTest, AdjustmentsChangeWhatIsNotYetPaid) {
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 50000), Share("stu_b", 50000)}, "fixed"));
  // Dropped out before payment: the adjustment's amount, not the approval's.
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 16298)}, "adjusted"));
  EXPECT_EQ(P(Pay("stu_a")).amount_fen(), 16298);
  EXPECT_EQ(B().committed(), 66298);
  Apply(DecideBuildBatch(account_, key_, "B1", "农商银行", {}, 100));
  Apply(DecideRecordReturn(account_, key_, Return("B1", v1::RETURN_OUTCOME_PAID)));
  // Resumed after payment: a second instalment for the difference.
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 40000)}, "resumed"));
  EXPECT_EQ(P(Pay("stu_a", 2)).amount_fen(), 40000 - 16298);
  // Reduced after payment: an overpayment on record, nothing paid back by itself.
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_b", 30000)}, "stopped"));
  EXPECT_EQ(P(Pay("stu_b")).overpaid_fen(), 20000);
  EXPECT_EQ(B().paid(), 66298);
  EXPECT_EQ(B().debits(), B().credits());
}

TEST_F(AccountTest, BatchesArePerBankByTheCardsPrefix) {
  account_.cards["stu_a"] = {"621700", 1};  // one bank's card
  account_.cards["stu_b"] = {"622848", 1};  // another's
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 100), Share("stu_b", 200), Share("stu_c", 300)}, "e"));
  EXPECT_THAT(DecideBuildBatch(account_, key_, "B1", "x", {"62x"}, 100).status().message(),
              HasSubstr("card_prefixes '62x' must be 2-6 digits"));
  Apply(DecideBuildBatch(account_, key_, "B1", "建设银行", {"621700", "621799"}, 100));
  const v1::BatchRecord& b1 = account_.batches[AccountId(key_)]["B1"];
  ASSERT_EQ(b1.lines_size(), 1);
  EXPECT_EQ(b1.lines(0).payment_id(), Pay("stu_a"));
  EXPECT_EQ(b1.card_prefixes_size(), 2);
  EXPECT_THAT(DecideBuildBatch(account_, key_, "B2", "建设银行", {"621700"}, 100).status().message(),
              HasSubstr("has no pending payment for a batch to a card of 建设银行 (621700)"));
  // stu_c has no card on record: only a batch for every card takes it.
  Apply(DecideBuildBatch(account_, key_, "B2", "农业银行", {"622848"}, 100));
  EXPECT_EQ(account_.batches[AccountId(key_)]["B2"].lines_size(), 1);
  Apply(DecideBuildBatch(account_, key_, "B3", "代理行", {}, 100));
  EXPECT_EQ(account_.batches[AccountId(key_)]["B3"].lines(0).payment_id(), Pay("stu_c"));
}

TEST_F(AccountTest, OnlyPaymentsWhoseCardWasCorrectedAreRetriedAsCorrected) {
  account_.cards["stu_a"] = {"621700", 1};
  account_.cards["stu_b"] = {"621700", 1};
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 100), Share("stu_b", 200)}, "e"));
  Apply(DecideBuildBatch(account_, key_, "B1", "建设银行", {}, 100));
  EXPECT_EQ(P(Pay("stu_a")).sent_card_revision(), 1);
  Apply(DecideRecordReturn(account_, key_, Return("B1", v1::RETURN_OUTCOME_FAILED)));
  EXPECT_THAT(DecideRetryCorrected(account_, key_, "卡号已更正").status().message(),
              HasSubstr("no failed payment of 210102/CENTRAL/2027-spring has a bank card corrected"));
  account_.cards["stu_a"] = {"622848", 2};  // the registry corrected stu_a's card
  absl::StatusOr<Events> retried = DecideRetryCorrected(account_, key_, "卡号已更正");
  ASSERT_TRUE(retried.ok()) << retried.status();
  Apply(retried);
  EXPECT_EQ(P(Pay("stu_a")).state(), v1::PAYMENT_STATE_PENDING);
  EXPECT_EQ(P(Pay("stu_b")).state(), v1::PAYMENT_STATE_FAILED);
}

TEST_F(AccountTest, AReversalMakesAPaidPaymentOwedAgainAndItIsPaidOnce) {
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 50000)}, "e"));
  Apply(DecideBuildBatch(account_, key_, "B1", "农商银行", {}, 100));
  Apply(DecideRecordReturn(account_, key_, Return("B1", v1::RETURN_OUTCOME_PAID)));
  const std::string ref = Pay("stu_a") + "#1";
  EXPECT_THAT(DecideReversal(account_, key_, "garbage", 50000, "退汇").status().message(),
              HasSubstr("must be <payment_id>#<attempt>"));
  EXPECT_EQ(DecideReversal(account_, key_, Pay("stu_x") + "#1", 50000, "退汇").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(DecideReversal(account_, key_, ref, 40000, "退汇").status().message()),
              HasSubstr("the reversal says 400.00 yuan; " + ref + " paid 500.00 yuan; nothing changed"));
  EXPECT_THAT(DecideReversal(account_, key_, ref, 50000, "").status().message(), HasSubstr("reason is required"));
  Apply(DecideReversal(account_, key_, ref, 50000, "账户已销户 closed after crediting"));
  EXPECT_EQ(P(Pay("stu_a")).state(), v1::PAYMENT_STATE_FAILED);
  EXPECT_THAT(P(Pay("stu_a")).failure_reason(), HasSubstr("reversed by the bank: 账户已销户"));
  EXPECT_EQ(B().paid(), 0);
  EXPECT_EQ(B().committed(), 50000);
  // A second reversal of the same attempt: refused, nothing changed.
  EXPECT_THAT(DecideReversal(account_, key_, ref, 50000, "again").status().message(),
              HasSubstr("is PAYMENT_STATE_FAILED under " + ref + "; only its paid attempt is reversed"));
  Apply(DecideRetry(account_, key_, {Pay("stu_a")}, "新卡"));
  Apply(DecideBuildBatch(account_, key_, "B2", "农商银行", {}, 100));
  Apply(DecideRecordReturn(account_, key_, Return("B2", v1::RETURN_OUTCOME_PAID)));
  EXPECT_EQ(P(Pay("stu_a")).reversals(), 1);
  EXPECT_EQ(B().paid(), 50000);
  EXPECT_EQ(B().debits(), B().credits());
}

TEST_F(AccountTest, AnOverpaymentIsRecoveredUpToWhatWasOverpaid) {
  Apply(DecideAllocate(account_, key_, 1000000, "notice"));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 50000)}, "e"));
  EXPECT_THAT(DecideRecovery(account_, key_, Pay("stu_a"), 100, "收据1").status().message(),
              HasSubstr("has no overpayment to recover"));
  Apply(DecideBuildBatch(account_, key_, "B1", "农商银行", {}, 100));
  Apply(DecideRecordReturn(account_, key_, Return("B1", v1::RETURN_OUTCOME_PAID)));
  Apply(DecideEntitlementShares(account_, key_, {Share("stu_a", 30000)}, "stopped"));
  EXPECT_EQ(P(Pay("stu_a")).overpaid_fen(), 20000);
  EXPECT_THAT(DecideRecovery(account_, key_, Pay("stu_a"), 20001, "收据1").status().message(),
              HasSubstr("at most the 200.00 yuan overpaid"));
  EXPECT_THAT(DecideRecovery(account_, key_, Pay("stu_a"), 100, "").status().message(),
              HasSubstr("document_ref is required"));
  const int64_t available = B().available();
  Apply(DecideRecovery(account_, key_, Pay("stu_a"), 15000, "收据1"));
  EXPECT_EQ(P(Pay("stu_a")).overpaid_fen(), 5000);
  EXPECT_EQ(P(Pay("stu_a")).amount_fen(), 35000);
  EXPECT_EQ(B().paid(), 35000);
  EXPECT_EQ(B().available(), available + 15000);
  // A reversal of the paid attempt now owes only what the entitlement allows.
  Apply(DecideReversal(account_, key_, Pay("stu_a") + "#1", 35000, "退汇"));
  EXPECT_EQ(P(Pay("stu_a")).amount_fen(), 30000);
  EXPECT_EQ(P(Pay("stu_a")).overpaid_fen(), 0);
  EXPECT_EQ(B().committed(), 30000);
  EXPECT_EQ(B().debits(), B().credits());
}

}  // namespace
}  // namespace zizhu::disbursement
