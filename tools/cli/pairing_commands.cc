// zizhu pairing: urban-rural school pairs and teacher pairs, their
// activities, plans and progress, missed required activities, teacher rotation.
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "services/common/core/money.h"
#include "tools/cli/commands.h"
#include "tools/cli/table.h"
#include "zizhu/pairing/v1/pairing_service.grpc.pb.h"

namespace zizhu::cli {
namespace {

namespace pv1 = zizhu::pairing::v1;
using Stub = pv1::PairingService::Stub;

class PairingCommands final : public CommandGroup {
 public:
  explicit PairingCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  // One method per subcommand, run by its callback.
  void RunPair();
  void RunEnd();
  void RunActivity();
  void RunPairs();
  void RunShow();
  void RunPlan();
  void RunProgress();
  void RunMissed();
  void RunTeachers();
  void RunRotate();
  void RunRotation();
  void PrintPair(const pv1::PairRecord& p) {
    if (g.json) return PrintJson(p);
    std::cout << "pair " << p.pair_id() << ": " << p.urban_school() << " -> " << p.rural_school()
              << (p.kind() == pv1::PAIR_KIND_TEACHER
                      ? absl::StrCat(" (teachers ", p.urban_teacher(), " -> ", p.rural_teacher(), ")")
                      : "")
              << ", from " << rules::FormatDate(p.start())
              << (p.end().year() ? " to " + rules::FormatDate(p.end()) : "") << "\n";
    for (const auto& a : p.activities()) {
      std::cout << "  " << rules::FormatDate(a.date()) << " "
                << Short(a.kind(), pv1::ActivityKind_descriptor(), "ACTIVITY_KIND_") << " " << a.description()
                << a.person() << " " << a.item() << (a.quantity() ? absl::StrCat(" x", a.quantity()) : "")
                << (a.value_fen() ? absl::StrCat(" ", Fen::FromFen(a.value_fen()).ToYuanString(), " yuan") : "") << " "
                << a.subject() << "\n";
    }
  }

  ServiceClient<pv1::PairingService> client_{g, rc, g.pairing};
  std::string kind_, urban_, rural_, urban_teacher_, rural_teacher_, start_, end_, pair_, reason_, date_, description_,
      direction_, person_, item_, value_, school_, subject_, county_, scope_, name_, from_, to_, semester_, teacher_,
      file_;
  int64_t quantity_ = 0;
  int year_ = 0, school_pairs_ = 0, teacher_pairs_ = 0, lessons_ = 0;
  std::vector<std::string> teachers_;
};

void PairingCommands::RunPair() {
  pv1::FormPairRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_kind(urban_teacher_.empty() && rural_teacher_.empty() ? pv1::PAIR_KIND_SCHOOL : pv1::PAIR_KIND_TEACHER);
  request.set_urban_school(urban_);
  request.set_rural_school(rural_);
  request.set_urban_teacher(urban_teacher_);
  request.set_rural_teacher(rural_teacher_);
  if (!ParseDateOption("--start", start_, request.mutable_start(), rc) ||
      !ParseDateOption("--end", end_, request.mutable_end(), rc)) {
    return;
  }
  pv1::FormPairResponse response;
  if (client_.Call(&Stub::FormPair, request, &response)) PrintPair(response.pair());
}

void PairingCommands::RunEnd() {
  pv1::EndPairRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_pair_id(pair_);
  request.set_reason(reason_);
  if (!ParseDateOption("--date", date_, request.mutable_end(), rc)) return;
  pv1::EndPairResponse response;
  if (client_.Call(&Stub::EndPair, request, &response)) PrintPair(response.pair());
}

void PairingCommands::RunActivity() {
  pv1::RecordActivityRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_pair_id(pair_);
  pv1::Activity* a = request.mutable_activity();
  pv1::ActivityKind kind;
  if (!pv1::ActivityKind_Parse("ACTIVITY_KIND_" + absl::AsciiStrToUpper(kind_), &kind)) {
    rc = Fail(absl::StrCat("--kind '", kind_, "' is not an activity kind"));
    return;
  }
  a->set_kind(kind);
  if (!ParseDateOption("--date", date_, a->mutable_date(), rc)) return;
  if (!direction_.empty()) {
    pv1::Direction direction;
    if (!pv1::Direction_Parse("DIRECTION_" + absl::AsciiStrToUpper(direction_), &direction)) {
      rc = Fail(absl::StrCat("--direction '", direction_, "' is not urban_to_rural or rural_to_urban"));
      return;
    }
    a->set_direction(direction);
  }
  if (!value_.empty()) {
    absl::StatusOr<Fen> fen = Fen::ParseYuan(value_);
    if (!fen.ok()) {
      rc = Fail(absl::StrCat("--yuan '", value_, "': ", fen.status().message()));
      return;
    }
    a->set_value_fen(fen->fen());
  }
  a->set_description(description_);
  a->set_person(person_);
  a->set_item(item_);
  a->set_quantity(quantity_);
  a->set_school_code(school_);
  a->set_subject(subject_);
  pv1::RecordActivityResponse response;
  if (client_.Call(&Stub::RecordActivity, request, &response)) PrintPair(response.pair());
}

void PairingCommands::RunPairs() {
  pv1::ListPairsRequest request;
  request.set_county_code(county_);
  request.set_page_size(1000);
  TableWriter table(std::cout,
                    {{"pair", 50}, {"kind", 8}, {"urban", 13}, {"rural", 13}, {"from", 10}, {"activities", 0}});
  do {
    pv1::ListPairsResponse response;
    if (!client_.Call(&Stub::ListPairs, request, &response)) return;
    for (const auto& p : response.pairs()) {
      if (g.json) {
        PrintJson(p);
        continue;
      }
      table.Row({p.pair_id(), Short(p.kind(), pv1::PairKind_descriptor(), "PAIR_KIND_"), p.urban_school(),
                 p.rural_school(), rules::FormatDate(p.start()), std::to_string(p.activities_size())});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
}

void PairingCommands::RunShow() {
  pv1::GetPairRequest request;
  request.set_pair_id(pair_);
  pv1::GetPairResponse response;
  if (client_.Call(&Stub::GetPair, request, &response)) PrintPair(response.pair());
}

void PairingCommands::RunPlan() {
  pv1::SetPlanRequest request;
  *request.mutable_meta() = Meta(g);
  pv1::PlanRecord* p = request.mutable_plan();
  p->set_scope(scope_);
  p->set_name(name_);
  if (!ParseDateOption("--from", from_, p->mutable_from(), rc) || !ParseDateOption("--to", to_, p->mutable_to(), rc))
    return;
  p->set_school_pairs(school_pairs_);
  p->set_teacher_pairs(teacher_pairs_);
  p->set_demonstration_lessons(lessons_);
  pv1::SetPlanResponse response;
  if (client_.Call(&Stub::SetPlan, request, &response) && !g.json) {
    std::cout << "plan " << response.plan().plan_id() << " set\n";
  }
}

void PairingCommands::RunProgress() {
  pv1::GetProgressRequest request;
  request.set_plan_id(name_);
  pv1::GetProgressResponse r;
  if (!client_.Call(&Stub::GetProgress, request, &r)) return;
  if (g.json) return PrintJson(r);
  std::cout << "plan " << r.plan().plan_id() << " (" << rules::FormatDate(r.plan().from()) << " to "
            << rules::FormatDate(r.plan().to()) << "):\n"
            << "  school pairs           " << r.school_pairs() << " of " << r.plan().school_pairs() << "\n"
            << "  teacher pairs          " << r.teacher_pairs() << " of " << r.plan().teacher_pairs() << "\n"
            << "  demonstration lessons  " << r.demonstration_lessons() << " of " << r.plan().demonstration_lessons()
            << "\n";
}

void PairingCommands::RunMissed() {
  pv1::ListMissedActivitiesRequest request;
  request.set_semester(semester_);
  request.set_county_code(county_);
  pv1::ListMissedActivitiesResponse response;
  if (!client_.Call(&Stub::ListMissedActivities, request, &response)) return;
  for (const auto& m : response.missed()) {
    if (g.json) {
      PrintJson(m);
      continue;
    }
    std::cout << m.pair().pair_id() << ": " << m.missing() << "\n";
  }
  if (!g.json) std::cout << response.missed_size() << " pairs missed a required activity\n";
}

void PairingCommands::RunTeachers() {
  pv1::DeclareTeachersRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_county_code(county_);
  request.set_year(year_);
  for (const auto& text : teachers_) {
    std::vector<std::string> parts = absl::StrSplit(text, '|');
    if (parts.size() != 4 || (parts[3] != "yes" && parts[3] != "no")) {
      rc = Fail(absl::StrCat("--teacher '", text, "' must be id|name|school|yes or no"));
      return;
    }
    pv1::Teacher* t = request.add_teachers();
    t->set_teacher_id(parts[0]);
    t->set_name(parts[1]);
    t->set_school_code(parts[2]);
    t->set_backbone(parts[3] == "yes");
  }
  pv1::DeclareTeachersResponse response;
  if (client_.Call(&Stub::DeclareTeachers, request, &response) && !g.json) {
    std::cout << response.rotation().backbone_teachers() << " backbone teachers declared\n";
  }
}

void PairingCommands::RunRotate() {
  pv1::RotateTeacherRequest request;
  *request.mutable_meta() = Meta(g);
  request.set_county_code(county_);
  request.set_year(year_);
  request.set_teacher_id(teacher_);
  request.set_to_school(school_);
  if (!ParseDateOption("--from", from_, request.mutable_from(), rc)) return;
  pv1::RotateTeacherResponse response;
  if (!client_.Call(&Stub::RotateTeacher, request, &response)) return;
  if (g.json) return PrintJson(response.rotation());
  const auto& r = response.rotation();
  std::cout << r.rotated() << " of " << r.backbone_teachers()
            << " backbone teachers rotated: " << FormatBasisPoints(r.rate_bp()) << " (target "
            << FormatBasisPoints(r.target_min_bp()) << ")\n";
}

void PairingCommands::RunRotation() {
  pv1::GetRotationRequest request;
  request.set_county_code(county_);
  request.set_year(year_);
  pv1::GetRotationResponse response;
  if (!client_.Call(&Stub::GetRotation, request, &response)) return;
  if (g.json) return PrintJson(response);
  const auto& r = response.rotation();
  std::cout << "county " << r.county_code() << " " << r.year() << ": " << r.rotated() << " of " << r.backbone_teachers()
            << " backbone teachers rotated, " << FormatBasisPoints(r.rate_bp()) << " (target "
            << FormatBasisPoints(r.target_min_bp()) << "): " << (r.meets_target() ? "meets target" : "BELOW TARGET")
            << "\n";
}

void PairingCommands::Add(CLI::App& app) {
  auto* pairing = app.add_subcommand("pairing", "urban-rural school pairing and teacher exchange (结对帮扶)")
                      ->require_subcommand(1);

  auto* pair = pairing->add_subcommand("pair", "form a school pair (or --teachers a teacher pair)");
  pair->add_option("--urban", urban_, "the urban school's code")->required();
  pair->add_option("--rural", rural_, "the rural school's code")->required();
  pair->add_option("--urban-teacher", urban_teacher_, "a teacher pair's urban teacher");
  pair->add_option("--rural-teacher", rural_teacher_, "a teacher pair's rural teacher");
  pair->add_option("--start", start_, "start date (default today)");
  pair->add_option("--end", end_, "end date (default open)");
  pair->callback([this] { RunPair(); });

  auto* end = pairing->add_subcommand("end", "end a pair");
  end->add_option("pair", pair_, "pair id")->required();
  end->add_option("--date", date_, "end date")->required();
  end->add_option("--reason", reason_, "why")->required();
  end->callback([this] { RunEnd(); });

  auto* activity = pairing->add_subcommand("activity", "record an activity of a pair");
  activity->add_option("pair", pair_, "pair id")->required();
  activity
      ->add_option("--kind", kind_,
                   "joint_research | manager_exchange | donation | shared_facility | demonstration_lesson")
      ->required();
  activity->add_option("--date", date_, "the activity's date")->required();
  activity->add_option("--description", description_, "what was done");
  activity->add_option("--direction", direction_, "manager exchange: urban_to_rural | rural_to_urban");
  activity->add_option("--person", person_, "the manager exchanged, the teacher of a lesson");
  activity->add_option("--item", item_, "donation: the item");
  activity->add_option("--quantity", quantity_, "donation: how many");
  activity->add_option("--yuan", value_, "donation: the value in yuan");
  activity->add_option("--school", school_, "lesson: where it was given");
  activity->add_option("--subject", subject_, "lesson: the subject");
  activity->callback([this] { RunActivity(); });

  auto* pairs = pairing->add_subcommand("pairs", "pairs in your scope");
  pairs->add_option("--county", county_, "county code");
  pairs->callback([this] { RunPairs(); });

  auto* show = pairing->add_subcommand("show", "a pair with its activities");
  show->add_option("pair", pair_, "pair id")->required();
  show->callback([this] { RunShow(); });

  auto* plan = pairing->add_subcommand("plan", "set a plan's targets for a period");
  plan->add_option("--scope", scope_, "city or county code")->required();
  plan->add_option("--name", name_, "the plan's name, e.g. 2027")->required();
  plan->add_option("--from", from_, "first day")->required();
  plan->add_option("--to", to_, "last day")->required();
  plan->add_option("--school-pairs", school_pairs_, "target: school pairs formed");
  plan->add_option("--teacher-pairs", teacher_pairs_, "target: teacher pairs formed");
  plan->add_option("--lessons", lessons_, "target: demonstration lessons given");
  plan->callback([this] { RunPlan(); });

  auto* progress = pairing->add_subcommand("progress", "a plan's progress against its targets");
  progress->add_option("plan", name_, "plan id, <scope>/<name>")->required();
  progress->callback([this] { RunProgress(); });

  auto* missed = pairing->add_subcommand("missed", "pairs that missed a required activity in a semester");
  missed->add_option("--semester", semester_, "2027-spring or 2027-autumn")->required();
  missed->add_option("--county", county_, "county code");
  missed->callback([this] { RunMissed(); });

  auto* teachers = pairing->add_subcommand("teachers", "declare a county's teachers of a year (backbone or not)");
  teachers->add_option("--county", county_, "county code")->required();
  teachers->add_option("--year", year_, "year")->required();
  teachers->add_option("--teacher", teachers_, "id|name|school|backbone (yes/no), repeat")->required();
  teachers->callback([this] { RunTeachers(); });

  auto* rotate = pairing->add_subcommand("rotate", "rotate a backbone teacher to a poor (rural) school");
  rotate->add_option("--county", county_, "county code")->required();
  rotate->add_option("--year", year_, "year")->required();
  rotate->add_option("--teacher", teacher_, "teacher id")->required();
  rotate->add_option("--to", school_, "the rural school")->required();
  rotate->add_option("--from", from_, "from (default today)");
  rotate->callback([this] { RunRotate(); });

  auto* rotation = pairing->add_subcommand("rotation", "a county's rotation of a year against the target");
  rotation->add_option("--county", county_, "county code")->required();
  rotation->add_option("--year", year_, "year")->required();
  rotation->callback([this] { RunRotation(); });
}

}  // namespace

std::unique_ptr<CommandGroup> MakePairingCommands(Cli& cli) { return std::make_unique<PairingCommands>(cli); }

}  // namespace zizhu::cli
