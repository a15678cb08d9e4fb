#include "services/disbursement/app/disbursement_projection.h"

#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/storage/rows.h"
#include "services/disbursement/app/disbursement_keys.h"
#include "services/registry/published/enrolment_change.h"
#include "zizhu/disbursement/v1/disbursement_service.pb.h"
#include "zizhu/disbursement/v1/records.pb.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::disbursement {
namespace {

using Envelope = common::v1::EventEnvelope;
using Batch = storage::ProjectionBatch;

// `also`: rows of other views the event feeds besides the account's.
template <typename Event>
void OnAccountEvent(es::EventDispatcher<Batch&>& on,
                    absl::Status (*also)(const Event&, const Envelope&, Batch&) = nullptr) {
  on.On<Event>([also](const Event& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    if (also != nullptr) RETURN_IF_ERROR(also(event, envelope, batch));
    const std::string account = AccountId(event.account());
    if (envelope.aggregate_version() == 1) {  // the account's first event: its key and index
      batch.Put(keys::AccountKey(account), SerializeDeterministic(event.account()));
      batch.Put(absl::StrCat(keys::AccountIndexPrefix(event.account().semester()), event.account().county_code(), "/",
                             account),
                "");
    }
    RowsAccount rows(batch);
    return FoldAccountEvent(event, envelope.aggregate_version(), rows);
  });
}

// A bank file left with names and card numbers in clear: its row in the
// auditors' list (the time and who from the envelope, as every event has).
absl::Status IndexExport(const v1::BankFileExported& event, const Envelope& envelope, Batch& batch) {
  v1::PersonalDataExport row;
  row.set_access_id(envelope.event_id());
  row.set_actor(envelope.actor());
  row.set_actor_org_scope(envelope.org_scope());
  *row.mutable_account() = event.account();
  row.set_batch_id(event.batch_id());
  row.set_lines(event.lines());
  row.set_total_fen(event.total_fen());
  row.set_content_sha256(event.content_sha256());
  *row.mutable_exported_at() = envelope.occurred_at();
  row.set_kind("bank_file");
  const int64_t nanos = envelope.occurred_at().seconds() * 1000000000 + envelope.occurred_at().nanos();
  batch.Put(absl::StrCat(keys::kExportAuditPrefix, absl::Dec(nanos, absl::kZeroPad20), "/", envelope.event_id()),
            SerializeDeterministic(row));
  return absl::OkStatus();
}

}  // namespace

AccountsProjection::AccountsProjection() {
  AccountEvents::ForEach([this](auto tag) { OnAccountEvent<es::EventOfTag<decltype(tag)>>(on_); });
  OnAccountEvent<v1::BankFileExported>(on_, IndexExport);  // also the auditors' list of exports
}

namespace {

// A new card on record: its issuer prefix and the next revision.
absl::Status SetCard(const PersonalDataVault* vault, const registry::v1::ProtectedValue& card, v1::Payee& payee) {
  *payee.mutable_bank_card() = card;
  payee.set_card_revision(payee.card_revision() + 1);
  payee.clear_card_prefix();
  if (card.sealed().ciphertext().empty()) return absl::OkStatus();
  if (vault == nullptr) return absl::FailedPreconditionError("payees need the personal-data key to read bank cards");
  ASSIGN_OR_RETURN(std::string clear, vault->Open(card.sealed(), "bank_card"));
  payee.set_card_prefix(clear.substr(0, 6));
  return absl::OkStatus();
}

}  // namespace

Payees::Payees(const PersonalDataVault* vault) {
  on_.On<registry::v1::StudentRegistered>(
      [vault](const registry::v1::StudentRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
        v1::Payee payee;
        payee.set_student_id(e.student_id());
        payee.set_name(e.name());
        RETURN_IF_ERROR(SetCard(vault, e.bank_card(), payee));
        payee.set_school_code(e.school_code());
        batch.Put(keys::Payee(e.student_id()), SerializeDeterministic(payee));
        return absl::OkStatus();
      });
  on_.On<registry::v1::StudentAttributesUpdated>(
      [vault](const registry::v1::StudentAttributesUpdated& e, const Envelope&, Batch& batch) -> absl::Status {
        ASSIGN_OR_RETURN(auto payee, storage::LoadRow<v1::Payee>(batch, keys::Payee(e.student_id())));
        if (!payee) return absl::OkStatus();
        for (const std::string& field : e.changed_fields()) {
          if (field == "name") payee->set_name(e.name());
          if (field == "bank_card") RETURN_IF_ERROR(SetCard(vault, e.bank_card(), *payee));
        }
        batch.Put(keys::Payee(e.student_id()), SerializeDeterministic(*payee));
        return absl::OkStatus();
      });
  on_.On<registry::v1::EnrolmentStatusChanged>(
      [](const registry::v1::EnrolmentStatusChanged& e, const Envelope&, Batch& batch) -> absl::Status {
        ASSIGN_OR_RETURN(auto payee, storage::LoadRow<v1::Payee>(batch, keys::Payee(e.student_id())));
        const registry::EnrolmentChangeReading reading = registry::ReadEnrolmentChange(e);
        if (!payee || !reading.in_school || reading.school_code.empty()) return absl::OkStatus();
        payee->set_school_code(reading.school_code);
        batch.Put(keys::Payee(e.student_id()), SerializeDeterministic(*payee));
        return absl::OkStatus();
      });
}

absl::StatusOr<std::optional<std::string>> RowsAccount::Get(const std::string& key) {
  if (batch_ != nullptr) return batch_->Get(key);
  return store_->Get(key);
}

absl::Status RowsAccount::Scan(const std::string& prefix,
                               const std::function<bool(const std::string&, const std::string&)>& visit) {
  if (batch_ != nullptr) return batch_->Scan(prefix, visit);
  return store_->Scan(prefix, "", visit);
}

absl::StatusOr<std::optional<PayeeCard>> RowsAccount::FindPayeeCard(const std::string& student_id) {
  ASSIGN_OR_RETURN(auto row, Get(keys::Payee(student_id)));
  ASSIGN_OR_RETURN(auto payee, storage::ParseRow<v1::Payee>(row, keys::Payee(student_id)));
  if (!payee) return std::optional<PayeeCard>();
  return std::optional<PayeeCard>(PayeeCard{payee->card_prefix(), payee->card_revision()});
}

absl::StatusOr<v1::Balances> RowsAccount::Balances(const std::string& account) {
  ASSIGN_OR_RETURN(auto row, Get(keys::Account(account)));
  ASSIGN_OR_RETURN(auto balances, storage::ParseRow<v1::Balances>(row, keys::Account(account)));
  return balances.value_or(v1::Balances());
}

void RowsAccount::PutBalances(const std::string& account, const v1::Balances& balances) {
  batch_->Put(keys::Account(account), SerializeDeterministic(balances));
}

absl::StatusOr<std::optional<v1::Payment>> RowsAccount::Payment(const std::string& account, const std::string& id) {
  ASSIGN_OR_RETURN(auto row, Get(keys::Payment(account, id)));
  return storage::ParseRow<v1::Payment>(row, keys::Payment(account, id));
}

void RowsAccount::PutPayment(const std::string& account, const std::optional<v1::Payment>& before,
                             const v1::Payment& after) {
  if (before) batch_->Delete(keys::PaymentStatePrefix(account, before->state()) + before->payment_id());
  batch_->Put(keys::PaymentStatePrefix(account, after.state()) + after.payment_id(), "");
  batch_->Put(keys::Payment(account, after.payment_id()), SerializeDeterministic(after));
}

absl::Status RowsAccount::ForEachPayment(const std::string& account, v1::PaymentState state,
                                         const std::function<bool(const v1::Payment&)>& visit) {
  // Visited as the index is scanned (reads inside a scan are safe on a batch
  // and on the store), so a batch of 2,000 reads 2,000 payments, not all.
  const std::string prefix = keys::PaymentStatePrefix(account, state);
  absl::Status failure;
  RETURN_IF_ERROR(Scan(prefix, [&](const std::string& key, const std::string&) {
    absl::StatusOr<std::optional<v1::Payment>> payment = Payment(account, key.substr(prefix.size()));
    if (!payment.ok()) {
      failure = payment.status();
      return false;
    }
    return !*payment || visit(**payment);
  }));
  return failure;
}

absl::StatusOr<std::optional<v1::BatchRecord>> RowsAccount::Batch(const std::string& account, const std::string& id) {
  if (id.empty() || id.size() > 64) return std::optional<v1::BatchRecord>();
  ASSIGN_OR_RETURN(auto row, Get(keys::Batch(account, id)));
  return storage::ParseRow<v1::BatchRecord>(row, keys::Batch(account, id));
}

void RowsAccount::PutBatch(const std::string& account, const v1::BatchRecord& batch) {
  batch_->Put(keys::Batch(account, batch.batch_id()), SerializeDeterministic(batch));
}

void RowsAccount::PutAllocation(const std::string& account, const std::string& document_ref, int64_t fen) {
  batch_->Put(keys::Allocation(account, document_ref), absl::StrCat(fen));
}

absl::StatusOr<std::optional<int64_t>> RowsAccount::FindAllocation(const std::string& account,
                                                                   const std::string& document_ref) {
  ASSIGN_OR_RETURN(auto row, Get(keys::Allocation(account, document_ref)));
  if (!row) return std::optional<int64_t>();
  int64_t fen = 0;
  if (!absl::SimpleAtoi(*row, &fen)) {
    return absl::DataLossError(
        absl::StrCat("projection row '", keys::Allocation(account, document_ref), "' is not an amount"));
  }
  return std::optional<int64_t>(fen);
}

}  // namespace zizhu::disbursement
