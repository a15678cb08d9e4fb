// zizhu aid: the semester aid round of a school, from opening to approval,
// and the queries around it (status, applications, the to-do list of
// registered-poor students, the notice list, entitlements, totals, what-if).
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/rules/field_values.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/crypto/sha256.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/semester.h"
#include "tools/cli/aid_files.h"
#include "tools/cli/commands.h"
#include "tools/cli/subsidy_stub.h"
#include "tools/cli/table.h"

namespace zizhu::cli {
namespace {

namespace sv1 = zizhu::subsidy::v1;
using Stub = sv1::SubsidyService::Stub;

// Items per command when a file is sent (a refused chunk stops the run; the
// chunks before it are in, and a re-run repeats them by request id).
constexpr size_t kChunk = 1000;

std::string RoundState(sv1::RoundState s) { return Short(s, sv1::RoundState_descriptor(), "ROUND_STATE_"); }
std::string AppState(sv1::ApplicationState s) {
  return Short(s, sv1::ApplicationState_descriptor(), "APPLICATION_STATE_");
}

void PrintRound(const Globals& g, const sv1::RoundRecord& r) {
  if (g.json) return PrintJson(r);
  std::cout << "round " << r.round_id() << " (" << r.school_name() << ", county " << r.county_code() << ")\n"
            << "  state " << RoundState(r.state()) << ", policy " << r.policy_version() << ", applications close "
            << subsidy::FormatDate(r.application_deadline()) << "\n"
            << "  applications " << r.submitted() << ": pending review " << r.pending_review() << ", accepted "
            << r.accepted() << ", rejected " << r.rejected() << ", removed " << r.removed() << "\n"
            << "  quota " << r.quota_used() << " of " << r.quota()
            << " hardship places used (registered-poor students are outside the quota)\n"
            << "  coverage reasons " << r.coverage_reasons() << ", objections " << r.objections() << " ("
            << r.open_objections() << " open)\n";
  if (r.state() != sv1::ROUND_STATE_OPEN) {
    std::cout << "  notice closes "
              << absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(r.notice_closes_at().seconds()),
                                  absl::FixedTimeZone(8 * 3600))
              << " (China time)\n";
  }
  if (r.state() == sv1::ROUND_STATE_APPROVED) {
    std::cout << "  approved: " << r.entitlements() << " entitlements, payable " << Yuan(r.total_fen()) << " yuan\n";
    if (r.awaiting_notice() > 0) {
      std::cout << "  待补充公示 / waiting for a supplementary notice: " << r.awaiting_notice()
                << " students accepted after the notice (`zizhu aid notice " << r.round_id() << "`)\n";
    }
    if (r.has_supplementary_closes_at()) {
      std::cout << "  supplementary notice closes "
                << absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(r.supplementary_closes_at().seconds()),
                                    absl::FixedTimeZone(8 * 3600))
                << " (China time)\n";
    }
  }
}

class AidCommands final : public CommandGroup {
 public:
  explicit AidCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  // One method per subcommand, run by its callback.
  void RunOpen();
  void RunApply();
  void RunReason();
  void RunReview();
  void RunNotice();
  void RunObject();
  void RunResolve();
  void RunApprove();
  void RunDisqualify();
  void RunStatus();
  void RunRounds();
  void RunApplications();
  void RunTodo();
  void RunObjections();
  void RunNoticeList();
  void RunEntitlements();
  void RunResume();
  void RunUnderpaid();
  void RunTotals();
  void RunWhatIf();
  // Calls `method`; on failure sets the exit code and returns false.
  template <typename Request, typename Response>
  bool Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*), const Request& request,
            Response* response) {
    if (!stub_) stub_ = DialSubsidy(g);
    grpc::Status status = (stub_.get()->*method)(Context(g).get(), request, response);
    if (!status.ok()) rc = FailRpc(status);
    return status.ok();
  }
  // Sends file rows in chunks; `send(chunk, request_id)` returns false to stop.
  template <typename Input>
  void SendChunks(const std::string& what, const std::vector<FileRow<Input>>& rows,
                  const std::function<bool(const std::vector<const FileRow<Input>*>&, const std::string&)>& send);
  void AddRoundCommands(CLI::App* aid);
  void AddQueries(CLI::App* aid);

  std::unique_ptr<Stub> stub_;
  std::string round_, school_, semester_, county_, student_, file_, note_, document_, kind_, reviewers_, reason_,
      stamped_by_, stamped_on_, scan_ref_, mid_, effective_, decision_, objection_, outcome_, by_, date_, csv_, xlsx_,
      draft_, state_;
  int quota_ = 0;
  int tier_ = 1;
  bool accept_ = false;
  bool reject_ = false;
  bool explain_ = false;
};

template <typename Input>
void AidCommands::SendChunks(
    const std::string& what, const std::vector<FileRow<Input>>& rows,
    const std::function<bool(const std::vector<const FileRow<Input>*>&, const std::string&)>& send) {
  // Request ids derive from what the chunk says (the round, the reviewers,
  // every row's content), never from the file's name: a re-run repeats the
  // chunks already in (answered, nothing written) and goes on; two single
  // entries of one round are two commands; a corrected row is a new one.
  const std::function<void(int, int)> progress = ProgressPrinter(what);
  for (size_t start = 0; start < rows.size(); start += kChunk) {
    std::vector<const FileRow<Input>*> chunk;
    std::string content = absl::StrCat(what, "\n", round_, "\n", reviewers_, "\n");
    for (size_t i = start; i < std::min(rows.size(), start + kChunk); ++i) {
      chunk.push_back(&rows[i]);
      absl::StrAppend(&content, SerializeDeterministic(rows[i].input), "\n");
    }
    const std::string id = g.request_id.empty() ? absl::StrCat(what, "-", Sha256Hex(content).substr(0, 32))
                                                : absl::StrCat(g.request_id, "-", start / kChunk);
    if (!send(chunk, id)) {
      std::cerr << what << ": stopped at the chunk starting on line " << chunk.front()->line << " of " << file_
                << "; the " << start << " rows before it are in. Fix the row and run the same command again.\n";
      return;
    }
    progress(static_cast<int>(std::min(rows.size(), start + kChunk)), static_cast<int>(rows.size()));
  }
  std::cerr << "\n";
}

void AidCommands::RunOpen() {
  sv1::OpenRoundRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_school_code(school_);
  request.set_semester(semester_);
  request.set_quota(quota_);
  sv1::OpenRoundResponse response;
  if (Call(&Stub::OpenRound, request, &response)) PrintRound(g, response.round());
}

void AidCommands::RunApply() {
  std::vector<FileRow<sv1::ApplicationInput>> rows;
  if (!file_.empty()) {
    absl::StatusOr<std::vector<FileRow<sv1::ApplicationInput>>> read = ReadApplicationsFile(file_);
    if (!read.ok()) {
      rc = Fail(std::string(read.status().message()));
      return;
    }
    rows = *std::move(read);
  } else {
    if (student_.empty()) {
      rc = Fail("name --student (with --stamped-by, --stamped-on, --scan-ref) or --file");
      return;
    }
    FileRow<sv1::ApplicationInput> row;
    row.input.set_student_id(student_);
    row.input.mutable_attestation()->set_stamped_by(stamped_by_);
    row.input.mutable_attestation()->set_scan_ref(scan_ref_);
    auto stamped = rules::ParseDate(stamped_on_);
    if (!stamped.ok()) {
      rc = Fail(absl::StrCat("--stamped-on '", stamped_on_, "' is not a date"));
      return;
    }
    *row.input.mutable_attestation()->mutable_stamped_on() = *stamped;
    if (!mid_.empty()) {
      row.input.set_mid_semester_reason(mid_ == "transfer_in" ? sv1::MID_SEMESTER_REASON_TRANSFER_IN
                                                              : sv1::MID_SEMESTER_REASON_CIRCUMSTANCES_CHANGED);
      auto from = rules::ParseDate(effective_);
      if (!from.ok() || (mid_ != "transfer_in" && mid_ != "changed")) {
        rc = Fail("--mid-semester must be transfer_in or changed, with --effective DATE");
        return;
      }
      *row.input.mutable_effective_date() = *from;
    }
    rows.push_back(row);
  }
  sv1::RoundRecord last;
  SendChunks<sv1::ApplicationInput>(
      "applications", rows,
      [&](const std::vector<const FileRow<sv1::ApplicationInput>*>& chunk, const std::string& id) {
        sv1::SubmitApplicationsRequest request;
        request.mutable_meta()->set_request_id(id);
        request.set_round_id(round_);
        for (const auto* row : chunk) *request.add_applications() = row->input;
        sv1::SubmitApplicationsResponse response;
        if (!Call(&Stub::SubmitApplications, request, &response)) return false;
        last = response.round();
        return true;
      });
  if (rc == 0) PrintRound(g, last);
}

void AidCommands::RunReason() {
  sv1::RecordCoverageReasonsRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  sv1::CoverageReasonInput* input = request.add_reasons();
  input->set_student_id(student_);
  sv1::CoverageReasonKind kind = sv1::COVERAGE_REASON_KIND_UNSPECIFIED;
  if (!sv1::CoverageReasonKind_Parse("COVERAGE_REASON_KIND_" + absl::AsciiStrToUpper(kind_), &kind)) {
    rc = Fail(absl::StrCat("--kind '", kind_, "' is not left_school, aided_elsewhere or declined_in_writing"));
    return;
  }
  input->set_kind(kind);
  input->set_note(note_);
  input->set_document_ref(document_);
  sv1::RecordCoverageReasonsResponse response;
  if (Call(&Stub::RecordCoverageReasons, request, &response)) PrintRound(g, response.round());
}

void AidCommands::RunReview() {
  std::vector<FileRow<sv1::ReviewInput>> rows;
  if (!file_.empty()) {
    auto read = ReadReviewsFile(file_);
    if (!read.ok()) {
      rc = Fail(std::string(read.status().message()));
      return;
    }
    rows = *std::move(read);
  } else {
    if (student_.empty() || accept_ == reject_) {
      rc = Fail("name --student with --accept or --reject, or --file");
      return;
    }
    FileRow<sv1::ReviewInput> row;
    row.input.set_student_id(student_);
    row.input.set_decision(accept_ ? sv1::REVIEW_DECISION_ACCEPTED : sv1::REVIEW_DECISION_REJECTED);
    row.input.set_tier(tier_);
    row.input.set_reason(reason_);
    rows.push_back(row);
  }
  std::vector<std::string> names = absl::StrSplit(reviewers_, ',', absl::SkipWhitespace());
  sv1::RoundRecord last;
  SendChunks<sv1::ReviewInput>("reviews", rows,
                               [&](const std::vector<const FileRow<sv1::ReviewInput>*>& chunk, const std::string& id) {
                                 sv1::ReviewApplicationsRequest request;
                                 request.mutable_meta()->set_request_id(id);
                                 request.set_round_id(round_);
                                 for (const std::string& name : names)
                                   request.add_reviewers(std::string(absl::StripAsciiWhitespace(name)));
                                 for (const auto* row : chunk) *request.add_reviews() = row->input;
                                 sv1::ReviewApplicationsResponse response;
                                 if (!Call(&Stub::ReviewApplications, request, &response)) return false;
                                 last = response.round();
                                 return true;
                               });
  if (rc == 0) PrintRound(g, last);
}

void AidCommands::RunNotice() {
  sv1::PublishNoticeRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  sv1::PublishNoticeResponse response;
  if (Call(&Stub::PublishNotice, request, &response)) PrintRound(g, response.round());
}

void AidCommands::RunObject() {
  sv1::RaiseObjectionRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  request.set_student_id(student_);
  request.set_reason(reason_);
  request.set_raised_by(by_);
  sv1::RaiseObjectionResponse response;
  if (!Call(&Stub::RaiseObjection, request, &response)) return;
  if (g.json) return PrintJson(response.objection());
  std::cout << "objection " << response.objection().objection_id() << " recorded\n";
}

void AidCommands::RunResolve() {
  sv1::ResolveObjectionRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  request.set_objection_id(objection_);
  if (outcome_ == "rejected") {
    request.set_outcome(sv1::OBJECTION_OUTCOME_REJECTED);
  } else if (outcome_ == "remove") {
    request.set_outcome(sv1::OBJECTION_OUTCOME_UPHELD_REMOVE);
  } else if (outcome_ == "change-tier") {
    request.set_outcome(sv1::OBJECTION_OUTCOME_UPHELD_CHANGE_TIER);
    request.set_new_tier(tier_);
  } else {
    rc = Fail(absl::StrCat("--outcome '", outcome_, "' is not rejected, remove or change-tier"));
    return;
  }
  request.set_note(note_);
  sv1::ResolveObjectionResponse response;
  if (!Call(&Stub::ResolveObjection, request, &response)) return;
  if (g.json) return PrintJson(response.objection());
  std::cout << "objection " << objection_ << " resolved: " << outcome_ << "\n";
}

void AidCommands::RunApprove() {
  sv1::ApproveRoundRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  sv1::ApproveRoundResponse response;
  if (!Call(&Stub::ApproveRound, request, &response)) return;
  if (!g.json) std::cout << "approved: " << response.fixed() << " entitlements fixed\n";
  PrintRound(g, response.round());
}

void AidCommands::RunDisqualify() {
  sv1::DisqualifyStudentRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  request.set_student_id(student_);
  sv1::DisqualificationReason reason = sv1::DISQUALIFICATION_REASON_UNSPECIFIED;
  if (!sv1::DisqualificationReason_Parse("DISQUALIFICATION_REASON_" + absl::AsciiStrToUpper(reason_), &reason)) {
    rc = Fail(absl::StrCat("--reason '", reason_, "' is not wasted_aid or disciplinary_sanction"));
    return;
  }
  request.set_reason(reason);
  request.set_note(note_);
  auto date = rules::ParseDate(date_);
  if (!date.ok()) {
    rc = Fail(absl::StrCat("--date '", date_, "' is not a date"));
    return;
  }
  *request.mutable_effective_date() = *date;
  sv1::DisqualifyStudentResponse response;
  if (!Call(&Stub::DisqualifyStudent, request, &response)) return;
  if (g.json) return PrintJson(response.application());
  std::cout << "disqualified " << student_ << ": " << response.application().disqualification() << "\n";
}

void AidCommands::RunStatus() {
  sv1::GetRoundRequest request;
  request.set_round_id(round_);
  sv1::GetRoundResponse response;
  if (Call(&Stub::GetRound, request, &response)) PrintRound(g, response.round());
}

void AidCommands::RunRounds() {
  sv1::ListRoundsRequest request;
  request.set_semester(semester_);
  request.set_county_code(county_);
  request.set_page_size(1000);
  TableWriter table(std::cout, {{"round", 26},
                                {"state", 8},
                                {"accepted", 8},
                                {"pending", 7},
                                {"quota", 9},
                                {"payable (yuan)", 14},
                                {"school", 0}});
  do {
    sv1::ListRoundsResponse response;
    if (!Call(&Stub::ListRounds, request, &response)) return;
    for (const auto& r : response.rounds()) {
      if (g.json) {
        PrintJson(r);
        continue;
      }
      table.Row({r.round_id(), RoundState(r.state()), std::to_string(r.accepted()), std::to_string(r.pending_review()),
                 absl::StrCat(r.quota_used(), "/", r.quota()), Yuan(r.total_fen()), r.school_name()});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void AidCommands::RunApplications() {
  sv1::ListApplicationsRequest request;
  request.set_round_id(round_);
  request.set_page_size(1000);
  if (!state_.empty()) {
    sv1::ApplicationState state;
    if (!sv1::ApplicationState_Parse("APPLICATION_STATE_" + absl::AsciiStrToUpper(state_), &state)) {
      rc = Fail(absl::StrCat("--state '", state_, "' is not an application state"));
      return;
    }
    request.set_state(state);
  }
  TableWriter table(std::cout, {{"student", 36},
                                {"name", 8},
                                {"grade", 5},
                                {"class", 6},
                                {"poor", 4},
                                {"state", 12},
                                {"tier", 4},
                                {"reason", 0}});
  do {
    sv1::ListApplicationsResponse response;
    if (!Call(&Stub::ListApplications, request, &response)) return;
    for (const auto& a : response.applications()) {
      if (g.json) {
        PrintJson(a);
        continue;
      }
      const auto& f = a.application().facts();
      table.Row({a.application().student_id(), f.name_masked(), std::to_string(f.grade()), f.class_name(),
                 f.registered_poor() ? "yes" : "",
                 a.state() == sv1::APPLICATION_STATE_ACCEPTED && a.needs_notice() && !a.has_notice_closes_at()
                     ? "accepted, 待补充公示"
                     : AppState(a.state()),
                 a.tier() ? std::to_string(a.tier()) : "",
                 a.disqualification().empty() ? a.review_reason() : a.disqualification()});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void AidCommands::RunTodo() {
  sv1::ListCoverageTodoRequest request;
  request.set_round_id(round_);
  request.set_page_size(1000);
  TableWriter table(
      std::cout, {{"student", 36}, {"name", 8}, {"id number", 18}, {"grade", 5}, {"class", 6}, {"household exit", 0}});
  int total = 0;
  do {
    sv1::ListCoverageTodoResponse response;
    if (!Call(&Stub::ListCoverageTodo, request, &response)) return;
    total = response.total();
    for (const auto& s : response.students()) {
      if (g.json) {
        PrintJson(s);
        continue;
      }
      const auto& f = s.facts();
      table.Row({s.student_id(), f.name_masked(), f.national_id_masked(), std::to_string(f.grade()), f.class_name(),
                 f.household_exit_year() ? absl::StrCat("exited ", f.household_exit_year()) : ""});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  Out(g) << total << " registered-poor students still to cover (the target is zero)\n";
}

void AidCommands::RunObjections() {
  sv1::ListObjectionsRequest request;
  request.set_round_id(round_);
  sv1::ListObjectionsResponse response;
  if (!Call(&Stub::ListObjections, request, &response)) return;
  TableWriter table(std::cout, {{"id", 4}, {"student", 36}, {"outcome", 18}, {"reason", 0}});
  for (const auto& o : response.objections()) {
    if (g.json) {
      PrintJson(o);
      continue;
    }
    table.Row({o.objection_id(), o.student_id(),
               o.outcome() == sv1::OBJECTION_OUTCOME_UNSPECIFIED
                   ? "open"
                   : Short(o.outcome(), sv1::ObjectionOutcome_descriptor(), "OBJECTION_OUTCOME_"),
               o.reason()});
  }
}

void AidCommands::RunNoticeList() {
  sv1::GetNoticeListRequest request;
  request.set_round_id(round_);
  request.set_page_size(1000);
  std::vector<sv1::NoticeEntry> entries;
  sv1::RoundRecord round;
  do {
    sv1::GetNoticeListResponse response;
    if (!Call(&Stub::GetNoticeList, request, &response)) return;
    round = response.round();
    for (const auto& e : response.entries()) entries.push_back(e);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  for (const std::string& path : {csv_, xlsx_}) {
    if (path.empty()) continue;
    absl::Status written = WriteNoticeList(path, round, entries);
    if (!written.ok()) {
      rc = FailStatus(written);
      return;
    }
    Out(g) << "wrote " << entries.size() << " entries to " << path << "\n";
  }
  if (!csv_.empty() || !xlsx_.empty()) return;
  TableWriter table(std::cout, {{"name", 8},
                                {"id number", 18},
                                {"grade", 5},
                                {"class", 6},
                                {"class of aid", 12},
                                {"tier", 4},
                                {"semester (yuan)", 0}});
  for (const auto& e : entries) {
    if (g.json) {
      PrintJson(e);
      continue;
    }
    table.Row({e.name_masked(), e.national_id_masked(), std::to_string(e.grade()), e.class_name(),
               subsidy::AidClassName(e.aid_class()), std::to_string(e.tier()), Yuan(e.semester_amount_fen())});
  }
}

void AidCommands::RunEntitlements() {
  sv1::ListEntitlementsRequest request;
  request.set_semester(semester_);
  request.set_student_id(student_);
  request.set_school_code(school_);
  request.set_county_code(county_);
  request.set_page_size(1000);
  TableWriter table(
      std::cout,
      {{"student", 36}, {"name", 8}, {"rule", 22}, {"tier", 4}, {"approved", 9}, {"payable", 9}, {"state", 0}});
  do {
    sv1::ListEntitlementsResponse response;
    if (!Call(&Stub::ListEntitlements, request, &response)) return;
    for (const auto& r : response.entitlements()) {
      if (g.json) {
        PrintJson(r);
        continue;
      }
      const auto& e = r.entitlement();
      table.Row({e.student_id(), e.facts().name_masked(), e.rule_id(), std::to_string(e.tier()), Yuan(e.amount_fen()),
                 Yuan(r.payable_fen()), Short(r.state(), sv1::EntitlementState_descriptor(), "ENTITLEMENT_STATE_")});
      if (explain_) {
        std::cout << "    " << e.explanation() << "\n";
        for (const auto& a : r.adjustments()) {
          std::cout << "    " << Short(a.kind(), sv1::AdjustmentKind_descriptor(), "ADJUSTMENT_KIND_") << " from "
                    << subsidy::FormatDate(a.effective_date()) << ": " << a.reason() << "; payable "
                    << Yuan(a.payable_before_fen()) << " -> " << Yuan(a.payable_after_fen()) << "\n";
        }
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void AidCommands::RunResume() {
  sv1::ResumeEntitlementRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_round_id(round_);
  request.set_student_id(student_);
  auto date = rules::ParseDate(date_);
  if (!date.ok()) {
    rc = Fail(absl::StrCat("--date '", date_, "' is not a date"));
    return;
  }
  *request.mutable_effective_date() = *date;
  request.set_reason(reason_);
  sv1::ResumeEntitlementResponse response;
  if (!Call(&Stub::ResumeEntitlement, request, &response)) return;
  if (g.json) return PrintJson(response.entitlement());
  std::cout << "resumed: payable " << Yuan(response.entitlement().payable_fen()) << " yuan\n";
}

void AidCommands::RunUnderpaid() {
  sv1::ListUnderpaidRequest request;
  request.set_semester(semester_);
  request.set_school_code(school_);
  request.set_county_code(county_);
  request.set_page_size(1000);
  TableWriter table(std::cout,
                    {{"student", 36}, {"name", 8}, {"school", 14}, {"entitled", 9}, {"payable", 9}, {"reason", 0}});
  int count = 0;
  do {
    sv1::ListUnderpaidResponse response;
    if (!Call(&Stub::ListUnderpaid, request, &response)) return;
    for (const auto& u : response.underpaid()) {
      ++count;
      if (g.json) {
        PrintJson(u);
        continue;
      }
      table.Row({u.student_id(), u.name_masked(), u.school_code(), Yuan(u.entitled_fen()), Yuan(u.payable_fen()),
                 u.reason()});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (!g.json) std::cerr << count << " 人少于应得 / underpaid\n";
}

void AidCommands::RunTotals() {
  sv1::GetEntitlementTotalsRequest request;
  request.set_semester(semester_);
  request.set_school_code(school_);
  request.set_county_code(county_);
  sv1::GetEntitlementTotalsResponse response;
  if (!Call(&Stub::GetEntitlementTotals, request, &response)) return;
  if (g.json) return PrintJson(response);
  const auto& t = response.totals();
  std::cout << t.entitlements() << " entitlements (" << t.registered_poor() << " registered-poor), approved "
            << Yuan(t.amount_fen()) << " yuan, payable " << Yuan(t.payable_fen()) << " yuan\n";
  TableWriter table(std::cout, {{"fund source", 14}, {"payable (yuan)", 0}});
  for (const auto& part : t.payable_shares()) table.Row({subsidy::FundSourceName(part.source()), Yuan(part.fen())});
}

void AidCommands::RunWhatIf() {
  sv1::WhatIfRequest request;
  request.set_semester(semester_);
  request.set_draft_version(draft_);
  request.set_school_code(school_);
  request.set_county_code(county_);
  request.set_page_size(1000);
  TableWriter table(std::cout, {{"student", 36},
                                {"name", 8},
                                {"approved rule", 22},
                                {"approved", 9},
                                {"draft rule", 22},
                                {"draft", 9},
                                {"difference", 0}});
  sv1::WhatIfResponse response;
  do {
    if (!Call(&Stub::WhatIf, request, &response)) return;
    for (const auto& d : response.differences()) {
      if (g.json) {
        PrintJson(d);
        continue;
      }
      table.Row({d.student_id(), d.name_masked(), d.approved_rule_id(), Yuan(d.approved_fen()),
                 d.draft_rule_id().empty() ? "(none)" : d.draft_rule_id(), Yuan(d.draft_fen()),
                 Yuan(d.difference_fen())});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  Out(g) << response.students() << " students (approved under " << response.approved_versions() << "), "
         << response.students_changed() << " change: approved " << Yuan(response.approved_total_fen())
         << " yuan, under " << draft_ << " " << Yuan(response.draft_total_fen()) << " yuan, difference "
         << Yuan(response.difference_fen()) << " yuan. Nothing approved was changed.\n";
}

void AidCommands::Add(CLI::App& app) {
  auto* aid = app.add_subcommand("aid", "the semester aid round (资助评审)")->require_subcommand(1);
  AddRoundCommands(aid);
  AddQueries(aid);
}

void AidCommands::AddRoundCommands(CLI::App* aid) {
  auto* open = aid->add_subcommand("open", "open a school's round with the quota handed down (名额)");
  open->add_option("--school", school_, "school code")->required();
  open->add_option("--semester", semester_, "2026-spring or 2026-autumn")->required();
  open->add_option("--quota", quota_, "places for hardship students (registered-poor need none)")->required();
  open->callback([this] { RunOpen(); });

  auto* apply = aid->add_subcommand("apply", "submit applications (one, or a file of them)");
  apply->add_option("round", round_, "round id SCHOOL/SEMESTER")->required();
  apply->add_option("--file", file_,
                    "CSV/XLSX: student_id, stamped_by, stamped_on, scan_ref[, mid_semester, effective_date]");
  apply->add_option("--student", student_, "student id (one application)");
  apply->add_option("--stamped-by", stamped_by_, "village committee that stamped the form");
  apply->add_option("--stamped-on", stamped_on_, "date of the stamp");
  apply->add_option("--scan-ref", scan_ref_, "reference of the scanned form");
  apply->add_option("--mid-semester", mid_, "transfer_in or changed (after the window)");
  apply->add_option("--effective", effective_, "mid-semester: from which date");
  apply->callback([this] { RunApply(); });

  auto* reason = aid->add_subcommand("reason", "record why a registered-poor student has no application");
  reason->add_option("round", round_, "round id")->required();
  reason->add_option("--student", student_, "student id")->required();
  reason->add_option("--kind", kind_, "left_school, aided_elsewhere or declined_in_writing")->required();
  reason->add_option("--note", note_, "what happened")->required();
  reason->add_option("--document", document_, "archive reference (required when declined in writing)");
  reason->callback([this] { RunReason(); });

  auto* review = aid->add_subcommand("review", "record the working group's review (one, or a file)");
  review->add_option("round", round_, "round id")->required();
  review->add_option("--reviewers", reviewers_, "comma-separated names of the reviewers")->required();
  review->add_option("--file", file_, "CSV/XLSX: student_id, decision (accept|reject), tier, reason");
  review->add_option("--student", student_, "student id (one review)");
  review->add_flag("--accept", accept_, "accept");
  review->add_flag("--reject", reject_, "reject (with --reason)");
  review->add_option("--tier", tier_, "tier (档次) when accepted")->capture_default_str();
  review->add_option("--reason", reason_, "reason");
  review->callback([this] { RunReview(); });

  auto* notice = aid->add_subcommand(
      "notice",
      "publish the proposed list for the public notice (公示); after approval, the supplementary notice "
      "of the students accepted since (补充公示)");
  notice->add_option("round", round_, "round id")->required();
  notice->callback([this] { RunNotice(); });

  auto* object = aid->add_subcommand("object", "record an objection to the notice list");
  object->add_option("round", round_, "round id")->required();
  object->add_option("--student", student_, "student id on the list")->required();
  object->add_option("--reason", reason_, "what the objection says")->required();
  object->add_option("--by", by_, "who objected");
  object->callback([this] { RunObject(); });

  auto* resolve = aid->add_subcommand("resolve", "resolve an objection after investigating");
  resolve->add_option("round", round_, "round id")->required();
  resolve->add_option("objection", objection_, "objection id (O1, O2 ...)")->required();
  resolve->add_option("--outcome", outcome_, "rejected, remove or change-tier")->required();
  resolve->add_option("--tier", tier_, "the new tier (change-tier)");
  resolve->add_option("--note", note_, "what the investigation found")->required();
  resolve->callback([this] { RunResolve(); });

  auto* approve = aid->add_subcommand("approve", "approve the round (education bureau): fixes the entitlements");
  approve->add_option("round", round_, "round id")->required();
  approve->callback([this] { RunApprove(); });

  auto* disqualify = aid->add_subcommand("disqualify", "disqualify a student (wasted aid, disciplinary sanction)");
  disqualify->add_option("round", round_, "round id")->required();
  disqualify->add_option("--student", student_, "student id")->required();
  disqualify->add_option("--reason", reason_, "wasted_aid or disciplinary_sanction")->required();
  disqualify->add_option("--note", note_, "the record it rests on")->required();
  disqualify->add_option("--date", date_, "from when")->required();
  disqualify->callback([this] { RunDisqualify(); });
}

void AidCommands::AddQueries(CLI::App* aid) {
  auto* status = aid->add_subcommand("status", "a round's state and counts");
  status->add_option("round", round_, "round id")->required();
  status->callback([this] { RunStatus(); });

  auto* rounds = aid->add_subcommand("rounds", "rounds of a semester in your scope");
  rounds->add_option("--semester", semester_, "semester")->required();
  rounds->add_option("--county", county_, "county code");
  rounds->callback([this] { RunRounds(); });

  auto* applications = aid->add_subcommand("applications", "a round's applications (masked)");
  applications->add_option("round", round_, "round id")->required();
  applications->add_option("--state", state_, "submitted, accepted, rejected, removed, disqualified, approved");
  applications->callback([this] { RunApplications(); });

  auto* todo = aid->add_subcommand("todo", "registered-poor students with neither an application nor a reason");
  todo->add_option("round", round_, "round id")->required();
  todo->callback([this] { RunTodo(); });

  auto* objections = aid->add_subcommand("objections", "a round's objections");
  objections->add_option("round", round_, "round id")->required();
  objections->callback([this] { RunObjections(); });

  auto* notice_list = aid->add_subcommand("notice-list", "the public-notice list, masked (print, --csv, --xlsx)");
  notice_list->add_option("round", round_, "round id")->required();
  notice_list->add_option("--csv", csv_, "write a CSV file (UTF-8 with BOM)");
  notice_list->add_option("--xlsx", xlsx_, "write an XLSX file");
  notice_list->callback([this] { RunNoticeList(); });

  auto* entitlements = aid->add_subcommand("entitlements", "approved entitlements of a student, school or county");
  entitlements->add_option("--semester", semester_, "semester")->required();
  entitlements->add_option("--student", student_, "student id");
  entitlements->add_option("--school", school_, "school code");
  entitlements->add_option("--county", county_, "county code");
  entitlements->add_flag("--explain", explain_, "print how each amount was computed");
  entitlements->callback([this] { RunEntitlements(); });

  auto* resume = aid->add_subcommand(
      "resume", "county: resume a stopped entitlement of a pupil the registry shows back at the school");
  resume->add_option("round", round_, "round id")->required();
  resume->add_option("--student", student_, "student id")->required();
  resume->add_option("--date", date_, "the day the pupil was back")->required();
  resume->add_option("--reason", reason_, "what the record shows")->required();
  resume->callback([this] { RunResume(); });

  auto* underpaid =
      aid->add_subcommand("underpaid", "pupils paid less than their days enrolled entitle them to (aim: none)");
  underpaid->add_option("--semester", semester_, "semester")->required();
  underpaid->add_option("--school", school_, "school code");
  underpaid->add_option("--county", county_, "county code");
  underpaid->callback([this] { RunUnderpaid(); });

  auto* totals = aid->add_subcommand("totals", "entitlement totals by fund source (school, county or your scope)");
  totals->add_option("--semester", semester_, "semester")->required();
  totals->add_option("--school", school_, "school code");
  totals->add_option("--county", county_, "county code");
  totals->callback([this] { RunTotals(); });

  auto* what_if = aid->add_subcommand("what-if", "recompute approved entitlements under another policy version");
  what_if->add_option("--semester", semester_, "semester")->required();
  what_if->add_option("--draft", draft_, "the policy version to compare with (draft or published)")->required();
  what_if->add_option("--school", school_, "school code");
  what_if->add_option("--county", county_, "county code");
  what_if->callback([this] { RunWhatIf(); });
}

}  // namespace

std::unique_ptr<CommandGroup> MakeAidCommands(Cli& cli) { return std::make_unique<AidCommands>(cli); }

}  // namespace zizhu::cli
