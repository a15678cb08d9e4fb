// zizhu dropout: the 三帮一 return ledger — cases, teams, visits, exemptions,
// cross-off, reopening; rates against targets; left-behind children's cards.
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "tools/cli/commands.h"
#include "tools/cli/table.h"
#include "zizhu/dropout/v1/dropout_service.grpc.pb.h"

namespace zizhu::cli {
namespace {

namespace dv1 = zizhu::dropout::v1;
using Stub = dv1::DropoutService::Stub;

class DropoutCommands final : public CommandGroup {
 public:
  explicit DropoutCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  // One method per subcommand, run by its callback.
  void RunCases();
  void RunShow();
  void RunOpen();
  void RunTeam();
  void RunVisit();
  void RunExempt();
  void RunCross();
  void RunReopen();
  void RunRates();
  void RunLeft();
  void RunCard();
  void PrintCase(const dv1::CaseRecord& c) {
    if (g.json) return PrintJson(c);
    std::cout << "case " << c.case_id() << " (" << c.name_masked() << ", school " << c.school_code()
              << "): " << Short(c.state(), dv1::CaseState_descriptor(), "CASE_STATE_") << ", opened "
              << rules::FormatDate(c.opened_on()) << " ("
              << Short(c.origin(), dv1::CaseOrigin_descriptor(), "CASE_ORIGIN_") << ": "
              << CodedLinesSaid(c.open_reason_codes(), c.open_reason()) << ")\n";
    std::cout << "  team" << (c.team_complete() ? "" : " (INCOMPLETE: one teacher, one village cadre, one guardian)")
              << ":";
    for (const auto& m : c.team()) {
      std::cout << " " << Short(m.role(), dv1::TeamRole_descriptor(), "TEAM_ROLE_") << " " << m.name() << ";";
    }
    std::cout << "\n";
    for (const auto& v : c.visits()) {
      std::cout << "  visit " << rules::FormatDate(v.date()) << ": " << v.agreed()
                << (v.next_step().empty() ? "" : " — next: " + v.next_step()) << "\n";
    }
    if (c.evidence().kind() != dv1::EVIDENCE_KIND_UNSPECIFIED) {
      std::cout << "  back: " << Short(c.evidence().kind(), dv1::EvidenceKind_descriptor(), "EVIDENCE_KIND_") << " "
                << rules::FormatDate(c.evidence().date()) << " " << c.evidence().school_code() << " "
                << c.evidence().reason() << "\n";
    }
    if (c.state() == dv1::CASE_STATE_CROSSED_OFF) {
      std::cout << "  crossed off " << rules::FormatDate(c.crossed_off_on()) << " " << c.crossed_off_note() << "\n";
    }
  }

  ServiceClient<dv1::DropoutService> client_{g, rc, g.dropout};
  std::string student_, case_id_, reason_, date_, note_, county_, school_, state_, agreed_, next_, teacher_, cadre_,
      guardian_, contact_name_, contact_phone_;
  std::vector<std::string> visitors_, parents_;
  bool incomplete_ = false;
};

void DropoutCommands::RunCases() {
  dv1::ListCasesRequest request;
  request.set_county_code(county_);
  request.set_school_code(school_);
  request.set_without_full_team(incomplete_);
  if (!state_.empty()) {
    dv1::CaseState state;
    if (!dv1::CaseState_Parse("CASE_STATE_" + absl::AsciiStrToUpper(state_), &state)) {
      rc = Fail(absl::StrCat("--state '", state_, "' is not open or crossed_off"));
      return;
    }
    request.set_state(state);
  }
  request.set_page_size(1000);
  TableWriter table(std::cout, {{"case", 40},
                                {"name", 8},
                                {"school", 13},
                                {"state", 11},
                                {"opened", 10},
                                {"team", 8},
                                {"visits", 6},
                                {"back", 0}});
  do {
    dv1::ListCasesResponse response;
    if (!client_.Call(&Stub::ListCases, request, &response)) return;
    for (const auto& c : response.cases()) {
      if (g.json) {
        PrintJson(c);
        continue;
      }
      table.Row({c.case_id(), c.name_masked(), c.school_code(),
                 Short(c.state(), dv1::CaseState_descriptor(), "CASE_STATE_"), rules::FormatDate(c.opened_on()),
                 c.team_complete() ? "full" : "MISSING", std::to_string(c.visits_size()),
                 c.evidence().kind() == dv1::EVIDENCE_KIND_UNSPECIFIED
                     ? ""
                     : Short(c.evidence().kind(), dv1::EvidenceKind_descriptor(), "EVIDENCE_KIND_")});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void DropoutCommands::RunShow() {
  dv1::GetCaseRequest request;
  request.set_case_id(case_id_);
  dv1::GetCaseResponse response;
  if (client_.Call(&Stub::GetCase, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunOpen() {
  dv1::OpenCaseRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_student_id(student_);
  request.set_reason(reason_);
  if (!ParseDateOption("--date", date_, request.mutable_opened_on(), rc)) return;
  dv1::OpenCaseResponse response;
  if (client_.Call(&Stub::OpenCase, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunTeam() {
  dv1::AssignTeamRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_case_id(case_id_);
  for (const auto& [role, name] :
       {std::pair{dv1::TEAM_ROLE_TEACHER, teacher_}, std::pair{dv1::TEAM_ROLE_VILLAGE_CADRE, cadre_},
        std::pair{dv1::TEAM_ROLE_GUARDIAN, guardian_}}) {
    if (name.empty()) continue;
    dv1::TeamMember* m = request.add_team();
    m->set_role(role);
    m->set_name(name);
  }
  dv1::AssignTeamResponse response;
  if (client_.Call(&Stub::AssignTeam, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunVisit() {
  dv1::RecordVisitRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_case_id(case_id_);
  if (!ParseDateOption("--date", date_, request.mutable_visit()->mutable_date(), rc)) return;
  for (const auto& v : visitors_) request.mutable_visit()->add_visitors(v);
  request.mutable_visit()->set_agreed(agreed_);
  request.mutable_visit()->set_next_step(next_);
  dv1::RecordVisitResponse response;
  if (client_.Call(&Stub::RecordVisit, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunExempt() {
  dv1::RecordExemptionRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_case_id(case_id_);
  request.set_reason(reason_);
  if (!ParseDateOption("--date", date_, request.mutable_date(), rc)) return;
  dv1::RecordExemptionResponse response;
  if (client_.Call(&Stub::RecordExemption, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunCross() {
  dv1::CrossOffCaseRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_case_id(case_id_);
  request.set_note(note_);
  if (!ParseDateOption("--date", date_, request.mutable_date(), rc)) return;
  dv1::CrossOffCaseResponse response;
  if (client_.Call(&Stub::CrossOffCase, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunReopen() {
  dv1::ReopenCaseRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_case_id(case_id_);
  request.set_reason(reason_);
  dv1::ReopenCaseResponse response;
  if (client_.Call(&Stub::ReopenCase, request, &response)) PrintCase(response.case_());
}

void DropoutCommands::RunRates() {
  dv1::GetRatesRequest request;
  request.set_county_code(county_);
  dv1::GetRatesResponse response;
  if (!client_.Call(&Stub::GetRates, request, &response)) return;
  if (g.json) return PrintJson(response);
  std::cout << "targets " << response.targets().version() << ": primary below "
            << FormatBasisPoints(response.targets().primary_dropout_max_bp()) << ", junior middle below "
            << FormatBasisPoints(response.targets().junior_middle_dropout_max_bp())
            << ", disabled children enrolled at least "
            << FormatBasisPoints(response.targets().disabled_enrolment_min_bp()) << "\n";
  TableWriter table(std::cout, {{"county", 8}, {"stage", 14}, {"dropped out", 11}, {"of", 8}, {"rate", 9}, {"", 0}});
  for (const auto& c : response.counties()) {
    for (const auto& s : c.stages()) {
      table.Row({c.county_code(), Short(s.stage(), registry::v1::EducationStage_descriptor(), "EDUCATION_STAGE_"),
                 std::to_string(s.dropped_out()), std::to_string(s.base()), FormatBasisPoints(s.rate_bp()),
                 s.target_max_bp() == 0 ? "" : (s.meets_target() ? "meets target" : "ABOVE TARGET")});
    }
    table.Row({c.county_code(), "disabled (3)", std::to_string(c.disabled_enrolled()) + " enrolled",
               std::to_string(c.disabled_children()),
               c.disabled_children() == 0 ? "-" : FormatBasisPoints(c.disabled_enrolment_bp()),
               c.disabled_children() == 0 ? "" : (c.disabled_meets_target() ? "meets target" : "BELOW TARGET")});
    table.Row({c.county_code(), "open cases", std::to_string(c.open_cases()), "", "",
               c.cases_without_full_team() ? absl::StrCat(c.cases_without_full_team(), " without a full team") : ""});
  }
}

void DropoutCommands::RunLeft() {
  dv1::ListLeftBehindChildrenRequest request;
  request.set_county_code(county_);
  request.set_school_code(school_);
  request.set_incomplete_only(incomplete_);
  request.set_page_size(1000);
  TableWriter table(std::cout, {{"student", 24},
                                {"name", 8},
                                {"school", 13},
                                {"guardian", 10},
                                {"parents", 30},
                                {"school contact", 14},
                                {"card", 0}});
  do {
    dv1::ListLeftBehindChildrenResponse response;
    if (!client_.Call(&Stub::ListLeftBehindChildren, request, &response)) return;
    for (const auto& c : response.children()) {
      if (g.json) {
        PrintJson(c);
        continue;
      }
      std::string parents;
      for (const auto& p : c.parents()) {
        parents +=
            absl::StrCat(parents.empty() ? "" : "; ", p.relation(), " ", p.work_place(), " ", p.phone().masked());
      }
      table.Row({c.student_id(), c.name_masked(), c.school_code(), c.guardian().name(), parents,
                 c.school_contact_name(), c.complete() ? "complete" : "INCOMPLETE"});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void DropoutCommands::RunCard() {
  dv1::RecordLeftBehindCardRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_student_id(student_);
  for (const auto& text : parents_) {
    std::vector<std::string> parts = absl::StrSplit(text, '|');
    if (parts.size() != 4) {
      rc = Fail(absl::StrCat("--parent '", text, "' must be relation|name|work place|phone"));
      return;
    }
    auto* p = request.add_parents();
    p->set_relation(parts[0]);
    p->set_name(parts[1]);
    p->set_work_place(parts[2]);
    p->set_phone(parts[3]);
  }
  request.set_school_contact_name(contact_name_);
  request.set_school_contact_phone(contact_phone_);
  request.set_notes(note_);
  dv1::RecordLeftBehindCardResponse response;
  if (!client_.Call(&Stub::RecordLeftBehindCard, request, &response)) return;
  if (g.json) return PrintJson(response.card());
  std::cout << "card of " << response.card().student_id() << " (" << response.card().name_masked()
            << "): " << (response.card().complete() ? "complete" : "incomplete") << "\n";
}

void DropoutCommands::Add(CLI::App& app) {
  auto* dropout = app.add_subcommand("dropout", "the dropout return ledger (控辍保学 三帮一)")->require_subcommand(1);

  auto* cases = dropout->add_subcommand("cases", "the ledger's cases in your scope");
  cases->add_option("--county", county_, "county code");
  cases->add_option("--school", school_, "school code (with --county)");
  cases->add_option("--state", state_, "open or crossed_off");
  cases->add_flag("--incomplete-team", incomplete_, "only cases without a full 三帮一 team");
  cases->callback([this] { RunCases(); });

  auto* show = dropout->add_subcommand("show", "one case: team, visits, evidence");
  show->add_option("case", case_id_, "case id, <student>#<n>")->required();
  show->callback([this] { RunShow(); });

  auto* open =
      dropout->add_subcommand("open", "open a case by hand (dropouts the registry records open by themselves)");
  open->add_option("--student", student_, "student id")->required();
  open->add_option("--reason", reason_, "why")->required();
  open->add_option("--date", date_, "opened on (default today)");
  open->callback([this] { RunOpen(); });

  auto* team = dropout->add_subcommand("team", "name the 三帮一 team: one teacher, one village cadre, one guardian");
  team->add_option("case", case_id_, "case id")->required();
  team->add_option("--teacher", teacher_, "the teacher");
  team->add_option("--cadre", cadre_, "the village cadre");
  team->add_option("--guardian", guardian_, "the parent or guardian");
  team->callback([this] { RunTeam(); });

  auto* visit = dropout->add_subcommand("visit", "record a home visit");
  visit->add_option("case", case_id_, "case id")->required();
  visit->add_option("--date", date_, "the visit's date")->required();
  visit->add_option("--by", visitors_, "who visited (repeat)")->required();
  visit->add_option("--agreed", agreed_, "what was agreed")->required();
  visit->add_option("--next", next_, "the next step");
  visit->callback([this] { RunVisit(); });

  auto* exempt = dropout->add_subcommand("exempt", "record an exemption (e.g. medical) as the case's evidence");
  exempt->add_option("case", case_id_, "case id")->required();
  exempt->add_option("--reason", reason_, "why, with the certificate's reference")->required();
  exempt->add_option("--date", date_, "date (default today)");
  exempt->callback([this] { RunExempt(); });

  auto* cross =
      dropout->add_subcommand("cross-off", "cross a case off (销号): needs the registry's enrolment or an exemption");
  cross->add_option("case", case_id_, "case id")->required();
  cross->add_option("--note", note_, "a note");
  cross->add_option("--date", date_, "date (default today)");
  cross->callback([this] { RunCross(); });

  auto* reopen = dropout->add_subcommand("reopen", "reopen a crossed-off case");
  reopen->add_option("case", case_id_, "case id")->required();
  reopen->add_option("--reason", reason_, "why")->required();
  reopen->callback([this] { RunReopen(); });

  auto* rates = dropout->add_subcommand("rates", "dropout rates per county and stage, disabled children's enrolment");
  rates->add_option("--county", county_, "county code (default: every county in your scope)");
  rates->callback([this] { RunRates(); });

  auto* left = dropout->add_subcommand("left-behind", "left-behind children (留守儿童) and their contact cards");
  left->add_option("--county", county_, "county code");
  left->add_option("--school", school_, "school code (with --county)");
  left->add_flag("--incomplete", incomplete_, "only children whose card is incomplete");
  left->callback([this] { RunLeft(); });

  auto* card = dropout->add_subcommand("card", "record a left-behind child's contact card (phones sealed)");
  card->add_option("--student", student_, "student id")->required();
  card->add_option("--parent", parents_, "relation|name|work place|phone (repeat)");
  card->add_option("--school-contact", contact_name_, "the school's contact teacher");
  card->add_option("--school-contact-phone", contact_phone_, "the contact's phone");
  card->add_option("--note", note_, "notes");
  card->callback([this] { RunCard(); });
}

}  // namespace

std::unique_ptr<CommandGroup> MakeDropoutCommands(Cli& cli) { return std::make_unique<DropoutCommands>(cli); }

}  // namespace zizhu::cli
