// Pure decisions of the disbursement service on one account (aggregate
// disbursement.Account, id "<county>/<source>/<semester>"): allocations,
// payments recorded from approved entitlements, amount changes from
// adjustments, batches for the bank, the bank's return file and retries.
//
// The guarantees the property test (tests/ledger_property_test.cc) checks
// after every step of random interleavings:
//  - every event's postings debit and credit the same amounts, so the
//    ledger's debits equal its credits;
//  - the books equal the payments: committed = pending payments, in transit =
//    payments at the bank, paid = paid payments; available never negative;
//  - an instalment is paid at most once: a payment id is derived from the
//    entitlement (so a repeated upstream event finds it), a paid payment
//    never enters a batch again, and a return line must name the current
//    attempt of a payment of that batch, once.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/es/new_event.h"
#include "services/disbursement/domain/ports.h"
#include "zizhu/disbursement/v1/events.pb.h"

namespace zizhu::disbursement {

inline constexpr char kAccountAggregate[] = "disbursement.Account";
// Lines per batch: a batch and its return are one event each, which must
// stay well under Kafka's message limit (1 MiB); larger payrolls are several
// batches.
inline constexpr int kMaxBatchLines = 2000;
// Payments per PaymentsFunded event, for the same reason.
inline constexpr int kFundedPerEvent = 2000;
using Events = std::vector<es::NewEvent>;

std::string AccountId(const v1::AccountKey& key);
// "<round>/<student>/<source>/<instalment>"
std::string PaymentId(const std::string& round_id, const std::string& student_id, subsidy::v1::FundSource source,
                      int instalment);

// What an approved or adjusted entitlement owes from one fund source.
struct EntitlementShare {
  std::string round_id;
  std::string student_id;
  std::string school_code;
  std::string name_masked;
  int64_t total_fen = 0;  // what the entitlement now allows from this source
};

absl::StatusOr<Events> DecideAllocate(AccountState& state, const v1::AccountKey& key, int64_t fen,
                                      const std::string& document_ref);

// Brings the account's payments of each entitlement in line with what it
// now allows: new entitlements get their first instalment (funded when the
// allocation covers it, else awaiting funds), adjustments change what is not
// yet sent, add an instalment after a payment, or record an overpayment.
// An entitlement whose payments already add up writes nothing (a repeated
// upstream event). No events when nothing changes.
absl::StatusOr<Events> DecideEntitlementShares(AccountState& state, const v1::AccountKey& key,
                                               const std::vector<EntitlementShare>& shares,
                                               const std::string& cause_event_id);

// Puts up to `max_lines` pending payments in a batch for `bank`: those whose
// payee's card starts with one of `card_prefixes` (the bank's BINs), or every
// pending payment when there are none (one agent bank for the county).
absl::StatusOr<Events> DecideBuildBatch(AccountState& state, const v1::AccountKey& key, const std::string& batch_id,
                                        const std::string& bank, const std::vector<std::string>& card_prefixes,
                                        int max_lines);

// The bank's return file for a batch: applied whole or refused whole.
struct ReturnFile {
  std::string batch_id;
  std::string file_hash;
  std::vector<v1::ReturnLine> lines;
  int control_count = 0;
  int64_t control_fen = 0;
};
absl::StatusOr<Events> DecideRecordReturn(AccountState& state, const v1::AccountKey& key, const ReturnFile& file);

// The audit of a bank file written for a batch (card numbers in clear): its
// size and hash. NOT_FOUND when the batch does not exist.
absl::StatusOr<Events> DecideRecordExport(AccountState& state, const v1::AccountKey& key, const std::string& batch_id,
                                          int lines, int64_t total_fen, const std::string& content_sha256);

// Failed payments become pending again, for a new attempt.
absl::StatusOr<Events> DecideRetry(AccountState& state, const v1::AccountKey& key,
                                   const std::vector<std::string>& payment_ids, const std::string& note);
// Whether the registry has corrected the payee's card since the payment's
// last attempt was sent (a later card revision).
bool CardCorrected(const v1::Payment& payment, const std::optional<PayeeCard>& card);

// Every failed payment whose payee's card the registry corrected after the
// failed attempt was sent (its revision is later) becomes pending again.
// FAILED_PRECONDITION when there is none.
absl::StatusOr<Events> DecideRetryCorrected(AccountState& state, const v1::AccountKey& key, const std::string& note);

// The bank took back the paid attempt `reference` (its whole amount, `fen`):
// the payment is failed again and owed (committed); what a later adjustment
// made an overpayment is released instead. Refused unless `reference` is the
// payment's paid attempt and `fen` its amount.
absl::StatusOr<Events> DecideReversal(AccountState& state, const v1::AccountKey& key, const std::string& reference,
                                      int64_t fen, const std::string& reason);

// `fen` of a paid payment's overpayment came back from the family: released
// to available. Refused beyond what is overpaid.
absl::StatusOr<Events> DecideRecovery(AccountState& state, const v1::AccountKey& key, const std::string& payment_id,
                                      int64_t fen, const std::string& document_ref);

// The payment id of a bank reference "<payment_id>#<attempt>" ("" when it is
// not one).
std::string PaymentOfReference(const std::string& reference);

}  // namespace zizhu::disbursement
