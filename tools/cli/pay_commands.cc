// zizhu pay: the fund ledger and payments — accounts, allocations, the
// failed-payment queue, bank batches, bank files out and returns in, retries,
// reconciliation.
#include <iostream>
#include <map>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/files/pay_files.h"
#include "services/common/core/money.h"
#include "services/common/crypto/sha256.h"
#include "tools/cli/commands.h"
#include "tools/cli/handoff_lists.h"
#include "tools/cli/subsidy_stub.h"
#include "tools/cli/table.h"
#include "zizhu/disbursement/v1/disbursement_service.grpc.pb.h"

namespace zizhu::cli {
namespace {

namespace dv1 = zizhu::disbursement::v1;
using Stub = dv1::DisbursementService::Stub;

class PayCommands final : public CommandGroup {
 public:
  explicit PayCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  // One method per subcommand, run by its callback.
  void RunAccounts();
  void RunAllocate();
  void RunPayments();
  void RunBatch();
  void RunExportFile();
  void RunRecord();
  void RunRetry();
  void RunReverse();
  void RunRecover();
  void RunDisclosure();
  void RunExports();
  void RunReconcile();
  // The account named by --county, --source, --semester.
  bool Key(dv1::AccountKey* key) {
    subsidy::v1::FundSource source;
    if (!subsidy::v1::FundSource_Parse("FUND_SOURCE_" + absl::AsciiStrToUpper(source_), &source)) {
      rc = Fail(absl::StrCat("--source '", source_,
                             "' is not central, provincial, city, county, foundation or civil_affairs"));
      return false;
    }
    key->set_county_code(county_);
    key->set_source(source);
    key->set_semester(semester_);
    return true;
  }
  void AccountOptions(CLI::App* cmd) {
    cmd->add_option("--county", county_, "county code")->required();
    cmd->add_option("--source", source_,
                    "fund source: central, provincial, city, county, foundation, civil_affairs (the hand-off)")
        ->required();
    cmd->add_option("--semester", semester_, "semester, e.g. 2027-spring")->required();
  }
  void PrintAccount(const dv1::AccountView& a) {
    if (g.json) return PrintJson(a);
    const auto& b = a.balances();
    std::cout << "account " << a.account_id() << ": allocated " << Yuan(b.allocated()) << ", available "
              << Yuan(b.available()) << ", committed " << Yuan(b.committed()) << ", at the bank "
              << Yuan(b.in_transit()) << ", paid " << Yuan(b.paid()) << " yuan"
              << (b.debits() == b.credits() ? "" : "  (DEBITS AND CREDITS DIFFER)") << "\n";
  }

  ServiceClient<dv1::DisbursementService> client_{g, rc, g.disbursement};
  std::string county_, source_, semester_, document_, yuan_, state_, batch_id_, bank_, out_, encoding_ = "gbk", file_,
                                                                                             note_;
  std::vector<std::string> payments_, card_prefixes_;
  HandOffInputs handoff_;
  int max_lines_ = 0;
  bool corrected_ = false;
};

void PayCommands::RunAccounts() {
  dv1::ListAccountsRequest request;
  request.set_semester(semester_);
  request.set_county_code(county_);
  dv1::ListAccountsResponse response;
  if (!client_.Call(&Stub::ListAccounts, request, &response)) return;
  TableWriter table(
      std::cout,
      {{"account", 30}, {"allocated", 12}, {"available", 12}, {"committed", 12}, {"at bank", 12}, {"paid", 0}});
  for (const auto& a : response.accounts()) {
    if (g.json) {
      PrintJson(a);
      continue;
    }
    const auto& b = a.balances();
    table.Row({a.account_id(), Yuan(b.allocated()), Yuan(b.available()), Yuan(b.committed()), Yuan(b.in_transit()),
               Yuan(b.paid())});
  }
}

void PayCommands::RunAllocate() {
  dv1::AllocateFundsRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  absl::StatusOr<Fen> fen = Fen::ParseTypedYuan(yuan_);
  if (!fen.ok()) {
    rc = Fail(absl::StrCat("--yuan '", yuan_, "' is not an amount in yuan"));
    return;
  }
  request.set_fen(fen->fen());
  request.set_document_ref(document_);
  dv1::AllocateFundsResponse response;
  if (client_.Call(&Stub::AllocateFunds, request, &response)) PrintAccount(response.account());
}

void PayCommands::RunPayments() {
  dv1::ListPaymentsRequest request;
  if (!Key(request.mutable_account())) return;
  if (!state_.empty()) {
    dv1::PaymentState state;
    if (!dv1::PaymentState_Parse("PAYMENT_STATE_" + absl::AsciiStrToUpper(state_), &state)) {
      rc = Fail(absl::StrCat("--state '", state_, "' is not a payment state"));
      return;
    }
    request.set_state(state);
  }
  request.set_page_size(1000);
  TableWriter table(
      std::cout,
      {{"payment", 60}, {"name", 8}, {"yuan", 10}, {"state", 14}, {"try", 3}, {"card fixed", 10}, {"reason", 0}});
  do {
    dv1::ListPaymentsResponse response;
    if (!client_.Call(&Stub::ListPayments, request, &response)) return;
    for (const auto& p : response.payments()) {
      if (g.json) {
        PrintJson(p);
        continue;
      }
      table.Row({p.payment_id(), p.name_masked(), Yuan(p.amount_fen()),
                 Short(p.state(), dv1::PaymentState_descriptor(), "PAYMENT_STATE_"), std::to_string(p.attempt()),
                 p.card_corrected() ? "yes" : "", p.failure_reason()});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void PayCommands::RunBatch() {
  dv1::BuildBatchRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  request.set_batch_id(batch_id_);
  request.set_bank(bank_);
  request.set_max_lines(max_lines_);
  for (const auto& prefix : card_prefixes_) request.add_card_prefixes(prefix);
  dv1::BuildBatchResponse response;
  if (!client_.Call(&Stub::BuildBatch, request, &response)) return;
  if (g.json) return PrintJson(response.batch());
  std::cout << "batch " << response.batch().batch_id() << ": " << response.batch().lines_size() << " payments, "
            << Yuan(response.batch().total_fen()) << " yuan\n";
}

void PayCommands::RunExportFile() {
  dv1::ExportBankFileRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  request.set_batch_id(batch_id_);
  dv1::ExportBankFileResponse response;
  if (!client_.Call(&Stub::ExportBankFile, request, &response)) return;
  absl::Status written = WriteBankFile(out_, encoding_, response);
  if (!written.ok()) {
    rc = FailStatus(written);
    return;
  }
  int missing = 0;
  for (const auto& line : response.lines()) missing += line.bank_card().empty() ? 1 : 0;
  Out(g) << "wrote " << response.lines_size() << " payments, " << Yuan(response.total_fen()) << " yuan, to " << out_
         << (missing ? absl::StrCat(" (", missing, " without a bank card on record: correct them in the registry)")
                     : "")
         << "\n";
}

void PayCommands::RunRecord() {
  dv1::RecordBankReturnRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  request.set_batch_id(batch_id_);
  absl::Status read = ReadReturnFile(file_, &request);
  if (!read.ok()) {
    rc = Fail(std::string(read.message()));
    return;
  }
  if (g.request_id.empty()) {  // the same file for the same batch twice writes nothing
    request.mutable_meta()->set_request_id(
        absl::StrCat("return-", Sha256Hex(batch_id_).substr(0, 16), "-", request.file_sha256().substr(0, 32)));
  }
  dv1::RecordBankReturnResponse response;
  if (!client_.Call(&Stub::RecordBankReturn, request, &response)) return;
  if (g.json) return PrintJson(response);
  std::cout << "batch " << batch_id_ << ": " << response.batch().paid() << " paid ("
            << Yuan(response.batch().paid_fen()) << " yuan), " << response.batch().failed() << " failed ("
            << Yuan(response.batch().failed_fen()) << " yuan)\n";
  PrintAccount(response.account());
}

void PayCommands::RunRetry() {
  if (payments_.empty() && !corrected_) {
    rc = Fail("name the payments (--payment) or retry every corrected one (--corrected)");
    return;
  }
  dv1::RetryPaymentsRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  for (const auto& id : payments_) request.add_payment_ids(id);
  request.set_corrected_cards(corrected_);
  request.set_note(note_);
  dv1::RetryPaymentsResponse response;
  if (!client_.Call(&Stub::RetryPayments, request, &response)) return;
  if (!g.json) std::cout << "retried " << response.retried() << " payments (new attempts)\n";
  PrintAccount(response.account());
}

void PayCommands::RunReverse() {
  dv1::ReversePaymentRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  absl::StatusOr<Fen> fen = Fen::ParseTypedYuan(yuan_);
  if (!fen.ok()) {
    rc = Fail(absl::StrCat("--yuan '", yuan_, "': ", fen.status().message()));
    return;
  }
  request.set_reference(payments_.front());
  request.set_fen(fen->fen());
  request.set_reason(note_);
  dv1::ReversePaymentResponse response;
  if (!client_.Call(&Stub::ReversePayment, request, &response)) return;
  if (g.json) return PrintJson(response);
  std::cout << "payment " << response.payment().payment_id()
            << " is failed again (owed): " << response.payment().failure_reason() << "\n";
  PrintAccount(response.account());
}

void PayCommands::RunRecover() {
  dv1::RecoverOverpaymentRequest request;
  *request.mutable_meta() = Meta(g);
  if (!Key(request.mutable_account())) return;
  absl::StatusOr<Fen> fen = Fen::ParseTypedYuan(yuan_);
  if (!fen.ok()) {
    rc = Fail(absl::StrCat("--yuan '", yuan_, "': ", fen.status().message()));
    return;
  }
  request.set_payment_id(payments_.front());
  request.set_fen(fen->fen());
  request.set_document_ref(document_);
  dv1::RecoverOverpaymentResponse response;
  if (!client_.Call(&Stub::RecoverOverpayment, request, &response)) return;
  if (g.json) return PrintJson(response);
  std::cout << "payment " << response.payment().payment_id() << ": " << Yuan(response.payment().overpaid_fen())
            << " yuan still overpaid\n";
  PrintAccount(response.account());
}

void PayCommands::RunDisclosure() {
  dv1::ListAccountsRequest list;
  list.set_semester(semester_);
  list.set_county_code(county_);
  dv1::ListAccountsResponse accounts;
  if (!client_.Call(&Stub::ListAccounts, list, &accounts)) return;
  std::map<std::pair<std::string, std::string>, DisclosureRow> by_student;  // (school, student)
  for (const auto& a : accounts.accounts()) {
    dv1::ListPaymentsRequest request;
    *request.mutable_account() = a.key();
    request.set_state(dv1::PAYMENT_STATE_PAID);
    request.set_page_size(1000);
    do {
      dv1::ListPaymentsResponse response;
      if (!client_.Call(&Stub::ListPayments, request, &response)) return;
      for (const auto& p : response.payments()) {
        DisclosureRow& row = by_student[{p.school_code(), p.student_id()}];
        row.school_code = p.school_code();
        row.student_id = p.student_id();
        row.name_masked = p.name_masked();
        row.paid_fen += p.amount_fen();
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
  }
  std::vector<DisclosureRow> rows;
  for (auto& [key, row] : by_student) rows.push_back(std::move(row));
  const std::string title = absl::StrCat(semester_, " 学生资助发放公示", county_.empty() ? "" : " " + county_);
  absl::Status written = WriteDisclosure(out_, title, rows);
  if (!written.ok()) {
    rc = FailStatus(written);
    return;
  }
  Out(g) << "wrote " << rows.size() << " students to " << out_ << "\n";
}

void PayCommands::RunExports() {
  dv1::ListPersonalDataExportsRequest request;
  request.set_county_code(county_);
  TableWriter table(std::cout, {{"exported at (UTC)", 22},
                                {"by", 28},
                                {"account", 30},
                                {"batch", 24},
                                {"payees", 8},
                                {"sum", 14},
                                {"file sha256", 0}});
  do {
    dv1::ListPersonalDataExportsResponse response;
    if (!client_.Call(&Stub::ListPersonalDataExports, request, &response)) return;
    for (const auto& e : response.exports()) {
      if (g.json) {
        PrintJson(e);
        continue;
      }
      table.Row({google::protobuf::util::TimeUtil::ToString(e.exported_at()).substr(0, 19), e.actor(),
                 absl::StrCat(e.account().county_code(), "/", e.account().semester()), e.batch_id(),
                 std::to_string(e.lines()), Yuan(e.total_fen()), e.content_sha256().substr(0, 16)});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void PayCommands::RunReconcile() {
  dv1::ReconcileRequest request;
  request.set_semester(semester_);
  request.set_county_code(county_);
  dv1::ReconcileResponse response;
  if (!client_.Call(&Stub::Reconcile, request, &response)) return;
  if (g.json) return PrintJson(response);
  for (const auto& a : response.accounts()) {
    PrintAccount(a.account());
    std::cout << "  awaiting funds " << a.awaiting_funds() << ", pending " << a.pending() << ", failed " << a.failed()
              << (a.balanced() ? ", balanced" : ", NOT BALANCED") << "\n";
    TableWriter table(std::cout, {{"batch", 24}, {"issued", 16}, {"paid", 16}, {"failed", 16}, {"outstanding", 0}});
    for (const auto& b : a.batches()) {
      table.Row({b.batch_id(), absl::StrCat(b.issued(), " / ", Yuan(b.issued_fen())),
                 absl::StrCat(b.paid(), " / ", Yuan(b.paid_fen())),
                 absl::StrCat(b.failed(), " / ", Yuan(b.failed_fen())),
                 absl::StrCat(b.outstanding(), " / ", Yuan(b.outstanding_fen()))});
    }
  }
}

void PayCommands::Add(CLI::App& app) {
  auto* pay = app.add_subcommand("pay", "fund ledger and payments (资金发放)")->require_subcommand(1);

  auto* accounts = pay->add_subcommand("accounts", "fund accounts of a semester in your scope");
  accounts->add_option("--semester", semester_, "semester")->required();
  accounts->add_option("--county", county_, "county code");
  accounts->callback([this] { RunAccounts(); });

  auto* allocate = pay->add_subcommand("allocate", "record funds handed down to an account");
  AccountOptions(allocate);
  allocate->add_option("--yuan", yuan_, "amount in yuan")->required();
  allocate->add_option("--document", document_, "the allocation notice (文号)")->required();
  allocate->callback([this] { RunAllocate(); });

  auto* payments = pay->add_subcommand("payments", "an account's payments (--state failed: the work queue)");
  AccountOptions(payments);
  payments->add_option("--state", state_, "awaiting_funds, pending, in_batch, paid, failed, cancelled");
  payments->callback([this] { RunPayments(); });

  auto* batch = pay->add_subcommand("batch", "put pending payments in a batch for the bank");
  AccountOptions(batch);
  batch->add_option("--batch-id", batch_id_, "batch id, e.g. 2027S-210102-C-1")->required();
  batch->add_option("--bank", bank_, "the paying bank")->required();
  batch->add_option("--max", max_lines_, "at most this many payments (default and most: 2000)");
  batch
      ->add_option("--card-prefix", card_prefixes_,
                   "only cards of this bank: its card prefix (BIN), repeat or comma-separate; "
                   "none = every card (one agent bank)")
      ->delimiter(',');
  batch->callback([this] { RunBatch(); });

  auto* export_file = pay->add_subcommand("export", "write a batch's bank file (card numbers in clear; audited)");
  AccountOptions(export_file);
  export_file->add_option("--batch-id", batch_id_, "batch id")->required();
  export_file->add_option("--out", out_, "FILE.csv or FILE.xlsx")->required();
  export_file->add_option("--encoding", encoding_, "CSV encoding: gbk (default) or utf-8")->capture_default_str();
  export_file->callback([this] { RunExportFile(); });

  auto* record = pay->add_subcommand("return", "record the bank's return file of a batch (whole or nothing)");
  AccountOptions(record);
  record->add_option("--batch-id", batch_id_, "batch id")->required();
  record->add_option("file", file_, "return file: CSV (UTF-8/GBK) or XLSX")->required();
  record->callback([this] { RunRecord(); });

  auto* retry = pay->add_subcommand("retry", "retry failed payments (after the card is corrected)");
  AccountOptions(retry);
  auto* named = retry->add_option("--payment", payments_, "payment id (repeat)");
  retry
      ->add_flag("--corrected", corrected_,
                 "every failed payment whose bank card the registry corrected since it was sent")
      ->excludes(named);
  retry->add_option("--note", note_, "what was corrected")->required();
  retry->callback([this] { RunRetry(); });

  auto* reverse = pay->add_subcommand("reverse", "record the bank taking back a paid payment (退汇)");
  AccountOptions(reverse);
  reverse->add_option("--reference", payments_, "the paid attempt's reference, <payment>#<attempt>")->required();
  reverse->add_option("--yuan", yuan_, "the amount taken back (the attempt's whole amount)")->required();
  reverse->add_option("--reason", note_, "what the bank says")->required();
  reverse->callback([this] { RunReverse(); });

  auto* recover = pay->add_subcommand("recover", "record an overpayment recovered from the family");
  AccountOptions(recover);
  recover->add_option("--payment", payments_, "the overpaid payment")->required();
  recover->add_option("--yuan", yuan_, "the amount recovered")->required();
  recover->add_option("--document", document_, "the receipt")->required();
  recover->callback([this] { RunRecover(); });

  auto* disclosure = pay->add_subcommand("disclosure", "the public list of paid aid per school (分级公示), masked");
  disclosure->add_option("--semester", semester_, "semester")->required();
  disclosure->add_option("--county", county_, "county code (default: every county in your scope)");
  disclosure->add_option("--out", out_, "FILE.csv or FILE.xlsx")->required();
  disclosure->callback([this] { RunDisclosure(); });

  // The hand-offs outside education, offline from the offices' files.
  for (HandOffKind kind : {HandOffKind::kUniversityGrant, HandOffKind::kCreditLoan}) {
    const bool grant = kind == HandOffKind::kUniversityGrant;
    auto* cmd = pay->add_subcommand(
        grant ? "university-list" : "loan-list",
        grant ? "offline: the university-admission grant list for civil affairs (民政发放名单), from the files"
              : "offline: students eligible for the bank's credit loan (信用助学贷款), from the files");
    cmd->add_option("--students", handoff_.students, "the student-status file (学籍), CSV or XLSX")->required();
    cmd->add_option("--poverty", handoff_.poverty, "the poverty office's roster (建档立卡)")->required();
    cmd->add_option("--civil", handoff_.civil, "civil affairs' roster (names children after the exit window)");
    cmd->add_option("--policy", handoff_.policy, "the policy file")->required();
    cmd->add_option("--year", handoff_.year, "the year the list is for, e.g. 2027")->required();
    cmd->add_option("--exit-transition-years", handoff_.exit_transition_years,
                    "exits this many years back still count (the registry's setting)")
        ->capture_default_str();
    cmd->add_option("--county", handoff_.county, "only this county's schools");
    cmd->add_option("--encoding", handoff_.encoding, "CSV encoding: auto, utf-8, gbk")->capture_default_str();
    cmd->add_option("--out", out_, "FILE.csv or FILE.xlsx")->required();
    cmd->callback([this, kind, grant] {
      absl::StatusOr<HandOffList> list = BuildHandOffList(kind, handoff_);
      if (!list.ok()) {
        rc = FailStatus(list.status());
        return;
      }
      const std::string title =
          absl::StrCat(grant ? "考入大学建档立卡学生资助 民政发放名单 " : "生源地信用助学贷款 资格名单 ", handoff_.year,
                       "年（政策 ", list->policy_version, "）");
      absl::Status written = WriteHandOffList(kind, out_, title, *list);
      if (!written.ok()) {
        rc = FailStatus(written);
        return;
      }
      int64_t total = 0;
      for (const auto& row : list->rows) total += row.fen_per_year;
      std::cout << "wrote " << list->rows.size() << " students" << (grant ? ", " : " (loan caps ") << Yuan(total)
                << (grant ? " yuan a year" : " yuan a year)") << ", to " << out_ << " (national IDs"
                << (grant ? " and bank cards" : "") << " in clear: hand it over as such)\n";
      if (list->rows_refused > 0) {
        std::cerr << list->rows_refused << " of " << list->students_read
                  << " lines of the student file do not parse and are not on the list:\n";
        for (const auto& note : list->notes) std::cerr << "  " << note << "\n";
      }
    });
  }

  auto* exports =
      pay->add_subcommand("exports", "auditors: the bank files exported in your scope (names and cards in clear)");
  exports->add_option("--county", county_, "county code");
  exports->callback([this] { RunExports(); });

  auto* reconcile = pay->add_subcommand("reconcile", "issued / paid / failed / outstanding per account and batch");
  reconcile->add_option("--semester", semester_, "semester")->required();
  reconcile->add_option("--county", county_, "county code");
  reconcile->callback([this] { RunReconcile(); });
}

}  // namespace

std::unique_ptr<CommandGroup> MakePayCommands(Cli& cli) { return std::make_unique<PayCommands>(cli); }

}  // namespace zizhu::cli
