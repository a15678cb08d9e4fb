#include "services/disbursement/domain/account_decisions.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/core/money.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/disbursement/domain/account_evolve.h"

namespace zizhu::disbursement {
namespace {

std::string Yuan(int64_t fen) { return Fen::FromFen(fen).ToYuanString(); }

v1::Posting Post(v1::Book debit, v1::Book credit, int64_t fen, const std::string& payment_id = "") {
  v1::Posting p;
  p.set_debit(debit);
  p.set_credit(credit);
  p.set_fen(fen);
  p.set_payment_id(payment_id);
  return p;
}

Events One(const v1::AccountKey& key, const v1::Balances& balances,
           std::shared_ptr<const google::protobuf::Message> payload) {
  return {es::NewEvent{kAccountAggregate, AggregateId(AccountId(key)),
                       AggregateVersion(balances.aggregate_version() + 1), std::move(payload)}};
}

absl::Status CheckKey(const v1::AccountKey& key) {
  if (key.county_code().size() != 6 || !std::all_of(key.county_code().begin(), key.county_code().end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return FieldInvalid("county_code", key.county_code().substr(0, 20), "must be a 6-digit county code");
  }
  if (key.source() == subsidy::v1::FUND_SOURCE_UNSPECIFIED) return FieldRequired("source");
  if (key.semester().empty() || key.semester().size() > 20) {
    return FieldRequired("semester");
  }
  return absl::OkStatus();
}

// The instalments of one entitlement from this account's source, in order.
absl::StatusOr<std::vector<v1::Payment>> Instalments(AccountState& state, const std::string& account,
                                                     const v1::AccountKey& key, const EntitlementShare& share) {
  std::vector<v1::Payment> all;
  for (int n = 1;; ++n) {
    ASSIGN_OR_RETURN(auto payment,
                     state.FindPayment(account, PaymentId(share.round_id, share.student_id, key.source(), n)));
    if (!payment) break;
    all.push_back(*std::move(payment));
  }
  return all;
}

// What an instalment counts toward the entitlement's total.
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

}  // namespace

std::string AccountId(const v1::AccountKey& key) {
  return absl::StrCat(key.county_code(), "/", subsidy::v1::FundSource_Name(key.source()).substr(12), "/",
                      key.semester());
}

std::string PaymentId(const std::string& round_id, const std::string& student_id, subsidy::v1::FundSource source,
                      int instalment) {
  return absl::StrCat(round_id, "/", student_id, "/",
                      absl::AsciiStrToLower(subsidy::v1::FundSource_Name(source).substr(12)), "/", instalment);
}

absl::StatusOr<Events> DecideAllocate(AccountState& state, const v1::AccountKey& key, int64_t fen,
                                      const std::string& document_ref) {
  RETURN_IF_ERROR(CheckKey(key));
  if (fen <= 0 || fen > 1'000'000'000'000) {
    return Refusal(absl::StatusCode::kInvalidArgument, "AMOUNT_OUT_OF_RANGE", {{"yuan", Yuan(fen)}},
                   absl::StrCat("amount ", Yuan(fen), " yuan must be more than 0 and at most 10000000000 yuan"));
  }
  if (document_ref.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "document_ref"}},
                   "document_ref (the allocation notice) is required");
  }
  const std::string account = AccountId(key);
  // One allocation notice is recorded once per account: a second click or a
  // re-sent form with a new request id must not allocate twice.
  ASSIGN_OR_RETURN(std::optional<int64_t> recorded, state.FindAllocation(account, document_ref));
  if (recorded) {
    return Refusal(absl::StatusCode::kAlreadyExists, "ALLOCATION_NOTICE_RECORDED",
                   {{"document", document_ref},
                    {"county", key.county_code()},
                    {"source", subsidy::v1::FundSource_Name(key.source())},
                    {"yuan", Yuan(*recorded)}},
                   absl::StrCat("allocation notice '", document_ref, "' is already recorded for account ", account,
                                " (", Yuan(*recorded), " yuan); a further allocation has its own notice"));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  auto allocated = std::make_shared<v1::FundsAllocated>();
  *allocated->mutable_account() = key;
  allocated->set_fen(fen);
  allocated->set_document_ref(document_ref);
  *allocated->add_postings() = Post(v1::BOOK_AVAILABLE, v1::BOOK_ALLOCATION, fen);
  Events events = One(key, balances, allocated);
  // Payments awaiting funds are committed in id order while the funds last.
  int64_t available = balances.available() + fen;
  int64_t version = balances.aggregate_version() + 1;
  std::shared_ptr<v1::PaymentsFunded> funded;
  auto flush = [&] {
    if (funded && !funded->payment_ids().empty()) {
      events.push_back(es::NewEvent{kAccountAggregate, AggregateId(account), AggregateVersion(++version), funded});
    }
    funded.reset();
  };
  RETURN_IF_ERROR(state.ForEachPayment(account, v1::PAYMENT_STATE_AWAITING_FUNDS, [&](const v1::Payment& p) {
    if (p.amount_fen() > available) return true;
    available -= p.amount_fen();
    if (!funded) {
      funded = std::make_shared<v1::PaymentsFunded>();
      *funded->mutable_account() = key;
    }
    funded->add_payment_ids(p.payment_id());
    *funded->add_postings() = Post(v1::BOOK_COMMITTED, v1::BOOK_AVAILABLE, p.amount_fen(), p.payment_id());
    if (funded->payment_ids_size() == kFundedPerEvent) flush();
    return true;
  }));
  flush();
  return events;
}

absl::StatusOr<Events> DecideEntitlementShares(AccountState& state, const v1::AccountKey& key,
                                               const std::vector<EntitlementShare>& shares,
                                               const std::string& cause_event_id) {
  RETURN_IF_ERROR(CheckKey(key));
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  int64_t available = balances.available();
  auto recorded = std::make_shared<v1::PaymentsRecorded>();
  *recorded->mutable_account() = key;
  recorded->set_cause_event_id(cause_event_id);
  auto changed = std::make_shared<v1::PaymentAmountsChanged>();
  *changed->mutable_account() = key;
  changed->set_cause_event_id(cause_event_id);
  // Funds a pending amount, or leaves the payment awaiting funds.
  auto fund = [&](v1::Payment& p, int64_t fen, google::protobuf::RepeatedPtrField<v1::Posting>* postings) {
    if (fen <= available) {
      available -= fen;
      p.set_state(v1::PAYMENT_STATE_PENDING);
      p.clear_failure_reason();
      *postings->Add() = Post(v1::BOOK_COMMITTED, v1::BOOK_AVAILABLE, fen, p.payment_id());
    } else {
      p.set_state(v1::PAYMENT_STATE_AWAITING_FUNDS);
      p.set_failure_reason(absl::StrCat("allocation of ", account, " has ", Yuan(available),
                                        " yuan available; this payment needs ", Yuan(fen)));
    }
  };
  std::set<std::string> seen;
  for (const EntitlementShare& share : shares) {
    if (share.total_fen < 0) {
      return Refusal(absl::StatusCode::kInvalidArgument, "ENTITLEMENT_NEGATIVE", {{"student", share.student_id}},
                     absl::StrCat("entitlement of ", share.student_id, " has a negative amount"));
    }
    if (!seen.insert(share.round_id + "/" + share.student_id).second) continue;
    ASSIGN_OR_RETURN(std::vector<v1::Payment> instalments, Instalments(state, account, key, share));
    int64_t scheduled = 0;
    for (const v1::Payment& p : instalments) scheduled += Scheduled(p);
    int64_t difference = share.total_fen - scheduled;
    if (difference == 0) continue;
    if (difference > 0) {
      // More is due: add it to an instalment not yet sent, or a new one.
      auto open = std::find_if(instalments.rbegin(), instalments.rend(), [](const v1::Payment& p) {
        return p.state() == v1::PAYMENT_STATE_AWAITING_FUNDS || p.state() == v1::PAYMENT_STATE_PENDING;
      });
      if (open != instalments.rend()) {
        v1::AmountChange* change = changed->add_changes();
        change->set_payment_id(open->payment_id());
        change->set_from_fen(open->amount_fen());
        change->set_to_fen(open->amount_fen() + difference);
        change->set_to_state(v1::PAYMENT_STATE_AWAITING_FUNDS);
        if (open->state() == v1::PAYMENT_STATE_PENDING) {
          if (difference <= available) {
            available -= difference;
            change->set_to_state(v1::PAYMENT_STATE_PENDING);
            *changed->add_postings() = Post(v1::BOOK_COMMITTED, v1::BOOK_AVAILABLE, difference, open->payment_id());
          } else {  // release what it had; it waits for funds as a whole
            available += open->amount_fen();
            *changed->add_postings() =
                Post(v1::BOOK_AVAILABLE, v1::BOOK_COMMITTED, open->amount_fen(), open->payment_id());
          }
        }
        continue;
      }
      v1::Payment p;
      p.set_payment_id(
          PaymentId(share.round_id, share.student_id, key.source(), static_cast<int>(instalments.size()) + 1));
      p.set_student_id(share.student_id);
      p.set_school_code(share.school_code);
      p.set_round_id(share.round_id);
      p.set_instalment(static_cast<int>(instalments.size()) + 1);
      p.set_amount_fen(difference);
      p.set_name_masked(share.name_masked);
      fund(p, difference, recorded->mutable_postings());
      *recorded->add_payments() = p;
      continue;
    }
    // Less is due: take it from what is not yet sent, then from what is at
    // the bank (applied on its return), then record an overpayment.
    int64_t reduce = -difference;
    for (auto it = instalments.rbegin(); it != instalments.rend() && reduce > 0; ++it) {
      const v1::Payment& p = *it;
      if (p.state() == v1::PAYMENT_STATE_CANCELLED) continue;
      const int64_t counted = Scheduled(p);
      const int64_t take = std::min(reduce, counted);
      if (take == 0) continue;
      v1::AmountChange* change = changed->add_changes();
      change->set_payment_id(p.payment_id());
      change->set_from_fen(counted);
      change->set_to_fen(counted - take);
      const bool unsent = p.state() == v1::PAYMENT_STATE_PENDING || p.state() == v1::PAYMENT_STATE_AWAITING_FUNDS ||
                          p.state() == v1::PAYMENT_STATE_FAILED;
      change->set_to_state(unsent && counted == take ? v1::PAYMENT_STATE_CANCELLED : p.state());
      // Committed funds (pending or failed, awaiting a new attempt) go back.
      if (p.state() == v1::PAYMENT_STATE_PENDING || p.state() == v1::PAYMENT_STATE_FAILED) {
        available += take;
        *changed->add_postings() = Post(v1::BOOK_AVAILABLE, v1::BOOK_COMMITTED, take, p.payment_id());
      }
      reduce -= take;
    }
  }
  Events events;
  int64_t version = balances.aggregate_version();
  auto add = [&](std::shared_ptr<const google::protobuf::Message> payload) {
    events.push_back(
        es::NewEvent{kAccountAggregate, AggregateId(account), AggregateVersion(++version), std::move(payload)});
  };
  if (!changed->changes().empty()) add(changed);
  if (!recorded->payments().empty()) add(recorded);
  return events;
}

absl::StatusOr<Events> DecideBuildBatch(AccountState& state, const v1::AccountKey& key, const std::string& batch_id,
                                        const std::string& bank, const std::vector<std::string>& card_prefixes,
                                        int max_lines) {
  RETURN_IF_ERROR(CheckKey(key));
  if (batch_id.empty() || batch_id.size() > 64) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "batch_id"}},
                   "batch_id must be 1-64 characters");
  }
  if (bank.empty() || bank.size() > 100) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "bank"}}, "bank is required");
  }
  if (max_lines < 1 || max_lines > kMaxBatchLines) {
    return FieldOutOfRange("max_lines", max_lines, 1, kMaxBatchLines);
  }
  for (const std::string& prefix : card_prefixes) {
    if (prefix.size() < 2 || prefix.size() > 6 || !std::all_of(prefix.begin(), prefix.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c));
        })) {
      return FieldInvalid("card_prefixes", prefix.substr(0, 20),
                          "must be 2-6 digits (the bank's card BIN, its first digits)");
    }
  }
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(auto existing, state.FindBatch(account, batch_id));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "BATCH_EXISTS", {{"batch", batch_id}},
                   absl::StrCat("batch ", batch_id, " exists already"));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  auto built = std::make_shared<v1::BatchBuilt>();
  *built->mutable_account() = key;
  built->set_batch_id(batch_id);
  built->set_bank(bank);
  for (const std::string& prefix : card_prefixes) built->add_card_prefixes(prefix);
  int64_t total = 0;
  absl::Status read_error;
  RETURN_IF_ERROR(state.ForEachPayment(account, v1::PAYMENT_STATE_PENDING, [&](const v1::Payment& p) {
    if (p.amount_fen() == 0) return true;
    absl::StatusOr<std::optional<PayeeCard>> card = state.FindPayeeCard(p.student_id());
    if (!card.ok()) {
      read_error = card.status();
      return false;
    }
    if (!card_prefixes.empty()) {
      const std::string bin = *card ? (*card)->prefix : "";
      if (std::none_of(card_prefixes.begin(), card_prefixes.end(),
                       [&](const std::string& prefix) { return !bin.empty() && bin.rfind(prefix, 0) == 0; })) {
        return true;  // another bank's card (or none yet): a batch of its own
      }
    }
    v1::BatchLine* line = built->add_lines();
    line->set_payment_id(p.payment_id());
    line->set_reference(absl::StrCat(p.payment_id(), "#", p.attempt() + 1));
    line->set_fen(p.amount_fen());
    line->set_card_revision(*card ? (*card)->revision : 0);
    total += p.amount_fen();
    *built->add_postings() = Post(v1::BOOK_IN_TRANSIT, v1::BOOK_COMMITTED, p.amount_fen(), p.payment_id());
    return built->lines_size() < max_lines;
  }));
  RETURN_IF_ERROR(read_error);
  if (built->lines().empty()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "NOTHING_TO_BATCH",
        {{"county", key.county_code()}, {"source", subsidy::v1::FundSource_Name(key.source())}},
        absl::StrCat(
            "account ", account, " has no pending payment for a batch",
            card_prefixes.empty() ? "" : " to a card of " + bank + " (" + absl::StrJoin(card_prefixes, ",") + ")"));
  }
  built->set_total_fen(total);
  return One(key, balances, built);
}

absl::StatusOr<Events> DecideRecordReturn(AccountState& state, const v1::AccountKey& key, const ReturnFile& file) {
  RETURN_IF_ERROR(CheckKey(key));
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(auto batch, state.FindBatch(account, file.batch_id));
  if (!batch) {
    return NotFound("batch", file.batch_id.substr(0, 64));
  }
  if (batch->returned()) {
    return Refusal(absl::StatusCode::kAlreadyExists, "RETURN_ALREADY_RECORDED", {{"batch", file.batch_id}},
                   absl::StrCat("batch ", file.batch_id, " has its return already (file sha256 ",
                                batch->return_file_hash().substr(0, 16), "); nothing changed"));
  }
  int64_t sum = 0;
  for (const v1::ReturnLine& line : file.lines) sum += line.fen();
  if (file.control_count != static_cast<int>(file.lines.size()) || file.control_fen != sum) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "RETURN_CONTROL_MISMATCH",
        {{"count", std::to_string(file.control_count)},
         {"yuan", Yuan(file.control_fen)},
         {"lines", std::to_string(file.lines.size())},
         {"sum", Yuan(sum)}},
        absl::StrCat("the control line says ", file.control_count, " lines and ", Yuan(file.control_fen),
                     " yuan; the file holds ", file.lines.size(), " lines and ", Yuan(sum), " yuan; nothing changed"));
  }
  std::map<std::string, const v1::BatchLine*> sent;
  for (const v1::BatchLine& line : batch->lines()) sent[line.reference()] = &line;
  std::set<std::string> answered;
  auto recorded = std::make_shared<v1::BankReturnRecorded>();
  *recorded->mutable_account() = key;
  recorded->set_batch_id(file.batch_id);
  recorded->set_file_hash(file.file_hash);
  for (size_t i = 0; i < file.lines.size(); ++i) {
    const v1::ReturnLine& line = file.lines[i];
    auto it = sent.find(line.reference());
    if (it == sent.end()) {
      return Refusal(
          absl::StatusCode::kInvalidArgument, "RETURN_UNKNOWN_REFERENCE",
          {{"line", std::to_string(i + 1)}, {"reference", line.reference().substr(0, 100)}, {"batch", file.batch_id}},
          absl::StrCat("line ", i + 1, ": reference '", line.reference().substr(0, 100), "' is not in batch ",
                       file.batch_id, "; nothing changed"));
    }
    if (!answered.insert(line.reference()).second) {
      return Refusal(
          absl::StatusCode::kInvalidArgument, "RETURN_REFERENCE_TWICE",
          {{"line", std::to_string(i + 1)}, {"reference", line.reference()}},
          absl::StrCat("line ", i + 1, ": reference ", line.reference(), " is answered twice; nothing changed"));
    }
    if (line.fen() != it->second->fen()) {
      return Refusal(absl::StatusCode::kInvalidArgument, "RETURN_AMOUNT_MISMATCH",
                     {{"line", std::to_string(i + 1)}, {"yuan", Yuan(line.fen())}, {"sent", Yuan(it->second->fen())}},
                     absl::StrCat("line ", i + 1, ": reference ", line.reference(), " says ", Yuan(line.fen()),
                                  " yuan; the batch sent ", Yuan(it->second->fen()), "; nothing changed"));
    }
    if (line.outcome() == v1::RETURN_OUTCOME_UNSPECIFIED) {
      return Refusal(absl::StatusCode::kInvalidArgument, "RETURN_OUTCOME_MISSING", {{"line", std::to_string(i + 1)}},
                     absl::StrCat("line ", i + 1, ": outcome must be paid or failed"));
    }
    if (line.outcome() == v1::RETURN_OUTCOME_FAILED && line.reason().empty()) {
      return Refusal(absl::StatusCode::kInvalidArgument, "RETURN_FAILED_WITHOUT_REASON",
                     {{"line", std::to_string(i + 1)}},
                     absl::StrCat("line ", i + 1, ": a failed line needs its reason"));
    }
    ASSIGN_OR_RETURN(auto payment, state.FindPayment(account, it->second->payment_id()));
    if (!payment || payment->state() != v1::PAYMENT_STATE_IN_BATCH ||
        absl::StrCat(payment->payment_id(), "#", payment->attempt()) != line.reference()) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "RETURN_NOT_AT_BANK",
                     {{"line", std::to_string(i + 1)}, {"reference", line.reference()}},
                     absl::StrCat("line ", i + 1, ": payment ", it->second->payment_id(), " is not at the bank under ",
                                  line.reference(), "; nothing changed"));
    }
    *recorded->add_lines() = line;
    const int64_t fen = line.fen();
    if (line.outcome() == v1::RETURN_OUTCOME_PAID) {
      *recorded->add_postings() = Post(v1::BOOK_PAID, v1::BOOK_IN_TRANSIT, fen, payment->payment_id());
    } else {
      *recorded->add_postings() = Post(v1::BOOK_COMMITTED, v1::BOOK_IN_TRANSIT, fen, payment->payment_id());
      // A change that arrived while it was at the bank now applies.
      if (payment->has_target_fen() && payment->target_fen() < fen) {
        *recorded->add_postings() =
            Post(v1::BOOK_AVAILABLE, v1::BOOK_COMMITTED, fen - payment->target_fen(), payment->payment_id());
      }
    }
  }
  if (answered.size() != sent.size()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "RETURN_INCOMPLETE",
                   {{"answered", std::to_string(answered.size())},
                    {"sent", std::to_string(sent.size())},
                    {"batch", file.batch_id}},
                   absl::StrCat("the return answers ", answered.size(), " of the ", sent.size(), " lines of batch ",
                                file.batch_id, "; nothing changed"));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  return One(key, balances, recorded);
}

absl::StatusOr<Events> DecideRecordExport(AccountState& state, const v1::AccountKey& key, const std::string& batch_id,
                                          int lines, int64_t total_fen, const std::string& content_sha256) {
  RETURN_IF_ERROR(CheckKey(key));
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(auto batch, state.FindBatch(account, batch_id));
  if (!batch) {
    return NotFound("batch", batch_id.substr(0, 64));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  auto exported = std::make_shared<v1::BankFileExported>();
  *exported->mutable_account() = key;
  exported->set_batch_id(batch_id);
  exported->set_lines(lines);
  exported->set_total_fen(total_fen);
  exported->set_content_sha256(content_sha256);
  return One(key, balances, exported);
}

absl::StatusOr<Events> DecideRetry(AccountState& state, const v1::AccountKey& key,
                                   const std::vector<std::string>& payment_ids, const std::string& note) {
  RETURN_IF_ERROR(CheckKey(key));
  if (payment_ids.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "RETRY_NOTHING_CHOSEN", {},
                   "payment_ids: name the failed payments to retry");
  }
  if (note.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "note"}},
                   "note is required (what was corrected)");
  }
  const std::string account = AccountId(key);
  auto retried = std::make_shared<v1::PaymentsRetried>();
  *retried->mutable_account() = key;
  retried->set_note(note);
  std::set<std::string> seen;
  for (const std::string& id : payment_ids) {
    if (!seen.insert(id).second) continue;
    ASSIGN_OR_RETURN(auto payment, state.FindPayment(account, id));
    if (!payment) return NotFound("payment", id.substr(0, 120));
    if (payment->state() != v1::PAYMENT_STATE_FAILED) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "RETRY_NOT_FAILED",
                     {{"name", payment->name_masked()}, {"state", v1::PaymentState_Name(payment->state())}},
                     absl::StrCat("payment ", id, " is ", v1::PaymentState_Name(payment->state()),
                                  "; only a failed payment is retried"));
    }
    retried->add_payment_ids(id);
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  return One(key, balances, retried);
}

bool CardCorrected(const v1::Payment& payment, const std::optional<PayeeCard>& card) {
  return card && card->revision > payment.sent_card_revision();
}

absl::StatusOr<Events> DecideRetryCorrected(AccountState& state, const v1::AccountKey& key, const std::string& note) {
  RETURN_IF_ERROR(CheckKey(key));
  if (note.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_REQUIRED", {{"field", "note"}},
                   "note is required (what was corrected)");
  }
  const std::string account = AccountId(key);
  std::vector<std::string> corrected;
  absl::Status read_error;
  RETURN_IF_ERROR(state.ForEachPayment(account, v1::PAYMENT_STATE_FAILED, [&](const v1::Payment& p) {
    absl::StatusOr<std::optional<PayeeCard>> card = state.FindPayeeCard(p.student_id());
    if (!card.ok()) {
      read_error = card.status();
      return false;
    }
    if (CardCorrected(p, *card)) corrected.push_back(p.payment_id());
    return true;
  }));
  RETURN_IF_ERROR(read_error);
  if (corrected.empty()) {
    return Refusal(
        absl::StatusCode::kFailedPrecondition, "NO_CORRECTED_CARD", {},
        absl::StrCat("no failed payment of ", account, " has a bank card corrected in the registry since it was sent"));
  }
  return DecideRetry(state, key, corrected, note);
}

std::string PaymentOfReference(const std::string& reference) {
  const size_t hash = reference.rfind('#');
  if (hash == std::string::npos || hash == 0 || hash + 1 == reference.size()) return "";
  for (size_t i = hash + 1; i < reference.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(reference[i]))) return "";
  }
  return reference.substr(0, hash);
}

absl::StatusOr<Events> DecideReversal(AccountState& state, const v1::AccountKey& key, const std::string& reference,
                                      int64_t fen, const std::string& reason) {
  RETURN_IF_ERROR(CheckKey(key));
  if (reason.empty() || reason.size() > 200) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                   {{"field", "reason"}, {"bytes", std::to_string(reason.size())}, {"max", "200"}},
                   "reason is required (what the bank says), at most 200 bytes");
  }
  const std::string account = AccountId(key);
  const std::string payment_id = PaymentOfReference(reference);
  if (payment_id.empty()) {
    return FieldInvalid("reference", reference.substr(0, 120), "must be <payment_id>#<attempt>, as in the bank file");
  }
  ASSIGN_OR_RETURN(auto payment, state.FindPayment(account, payment_id));
  if (!payment) {
    return NotFound("reference", reference.substr(0, 120));
  }
  if (payment->state() != v1::PAYMENT_STATE_PAID || payment->reference() != reference) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "REVERSAL_NOT_PAID",
                   {{"name", payment->name_masked()}, {"state", v1::PaymentState_Name(payment->state())}},
                   absl::StrCat("payment ", payment_id, " is ", v1::PaymentState_Name(payment->state()), " under ",
                                payment->reference(), "; only its paid attempt is reversed"));
  }
  if (fen != payment->amount_fen()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "REVERSAL_AMOUNT_MISMATCH",
                   {{"yuan", Yuan(fen)}, {"paid", Yuan(payment->amount_fen())}},
                   absl::StrCat("the reversal says ", Yuan(fen), " yuan; ", reference, " paid ",
                                Yuan(payment->amount_fen()), " yuan; nothing changed"));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  auto reversed = std::make_shared<v1::PaymentReversed>();
  *reversed->mutable_account() = key;
  reversed->set_payment_id(payment_id);
  reversed->set_reference(reference);
  reversed->set_reason(reason);
  const int64_t owed = payment->amount_fen() - payment->overpaid_fen();
  if (owed > 0) *reversed->add_postings() = Post(v1::BOOK_COMMITTED, v1::BOOK_PAID, owed, payment_id);
  if (payment->overpaid_fen() > 0) {
    *reversed->add_postings() = Post(v1::BOOK_AVAILABLE, v1::BOOK_PAID, payment->overpaid_fen(), payment_id);
  }
  return One(key, balances, reversed);
}

absl::StatusOr<Events> DecideRecovery(AccountState& state, const v1::AccountKey& key, const std::string& payment_id,
                                      int64_t fen, const std::string& document_ref) {
  RETURN_IF_ERROR(CheckKey(key));
  if (document_ref.empty()) return FieldRequired("document_ref");
  const std::string account = AccountId(key);
  ASSIGN_OR_RETURN(auto payment, state.FindPayment(account, payment_id));
  if (!payment) return NotFound("payment", payment_id.substr(0, 120));
  if (payment->state() != v1::PAYMENT_STATE_PAID || payment->overpaid_fen() == 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NO_OVERPAYMENT", {{"name", payment->name_masked()}},
                   absl::StrCat("payment ", payment_id, " has no overpayment to recover"));
  }
  if (fen <= 0 || fen > payment->overpaid_fen()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "RECOVERY_OUT_OF_RANGE",
                   {{"yuan", Yuan(fen)}, {"overpaid", Yuan(payment->overpaid_fen())}},
                   absl::StrCat("amount ", Yuan(fen), " yuan must be more than 0 and at most the ",
                                Yuan(payment->overpaid_fen()), " yuan overpaid"));
  }
  ASSIGN_OR_RETURN(v1::Balances balances, state.GetBalances(account));
  auto recovered = std::make_shared<v1::OverpaymentRecovered>();
  *recovered->mutable_account() = key;
  recovered->set_payment_id(payment_id);
  recovered->set_fen(fen);
  recovered->set_document_ref(document_ref);
  *recovered->add_postings() = Post(v1::BOOK_AVAILABLE, v1::BOOK_PAID, fen, payment_id);
  return One(key, balances, recovered);
}

}  // namespace zizhu::disbursement
