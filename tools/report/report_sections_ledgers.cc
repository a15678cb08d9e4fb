// The ledger sections: dropout rates and cases, disabled children's
// enrolment, pairing activities, plans and teacher rotation.
#include <array>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rules/dates.h"
#include "services/common/core/basis_points.h"
#include "services/dropout/domain/rates.h"
#include "services/pairing/domain/pairing_progress.h"
#include "services/subsidy/domain/semester.h"
#include "tools/report/report_sections.h"

namespace zizhu::report {
namespace {

namespace rv1 = registry::v1;
namespace dv1 = dropout::v1;
namespace pv1 = pairing::v1;
using Row = std::vector<Cell>;

absl::CivilDay Day(const rv1::Date& d) { return subsidy::ToCivil(d); }

struct CaseCounts {
  int64_t opened = 0;
  int64_t crossed_off = 0;
  int64_t open_at_end = 0;
  int64_t without_full_team = 0;
};

class LedgerBuilder {
 public:
  LedgerBuilder(const ReportFacts& facts, const SectionInput& in)
      : f_(facts), in_(in), l_(in.language), first_(in.period.first_day()), last_(in.period.last_day()) {}

  std::vector<Table> Build() {
    std::vector<Table> tables;
    CountChildren();
    tables.push_back(Dropout());
    tables.push_back(Disabled());
    tables.push_back(Pairing());
    tables.push_back(Plans());
    tables.push_back(Rotation());
    return tables;
  }

 private:
  bool IsSchoolScope() const { return in_.scope.kind == ReportScope::Kind::kSchool; }
  // The unit rows are broken down to: the county, or the school in a school's report.
  std::string UnitOf(const std::string& county, const std::string& school) const {
    return IsSchoolScope() ? school : county;
  }
  std::string UnitLabel(const std::string& unit) const {
    return IsSchoolScope() ? SchoolLabel(f_, unit) : CountyLabel(f_, unit);
  }
  bool InPeriod(const rv1::Date& d) const { return rules::IsSet(d) && Day(d) >= first_ && Day(d) <= last_; }

  void CountChildren() {
    for (const auto& [id, s] : f_.students) {
      const std::string county = f_.CountyOf(s.school_code());
      if (!in_.scope.CoversSchool(county, s.school_code())) continue;
      dropout::StageCount& c = counts_[UnitOf(county, s.school_code())].stages[s.stage()];
      if (s.status() == rv1::ENROLMENT_STATUS_ENROLLED) ++c.enrolled;
      if (s.status() == rv1::ENROLMENT_STATUS_DROPPED_OUT) ++c.dropped_out;
    }
    // Disabled children of the three categories: enrolled per the registry
    // (its school's county then counts) or per the student-status roster.
    for (const auto& [hash, d] : f_.disabled) {
      std::string county = f_.CountyCodeFor(d.county);
      std::string school;
      bool enrolled = f_.status_roster_enrolled.contains(hash);
      auto student = f_.student_of_hash.find(hash);
      if (student != f_.student_of_hash.end()) {
        auto s = f_.students.find(student->second);
        if (s != f_.students.end()) {
          school = s->second.school_code();
          if (!school.empty()) county = f_.CountyOf(school);
          enrolled = enrolled || s->second.status() == rv1::ENROLMENT_STATUS_ENROLLED;
        }
      }
      if (!in_.scope.CoversSchool(county, school)) continue;
      dropout::CountyCounts& c = counts_[UnitOf(county, school)];
      ++c.disabled_children;
      if (enrolled) ++c.disabled_enrolled;
    }
    for (const auto& [id, c] : f_.cases) {
      if (!in_.scope.CoversSchool(c.county_code(), c.school_code())) continue;
      CaseCounts& n = cases_[std::make_pair(UnitOf(c.county_code(), c.school_code()), static_cast<int>(c.stage()))];
      if (InPeriod(c.opened_on())) ++n.opened;
      if (InPeriod(c.crossed_off_on())) ++n.crossed_off;
      const bool opened_by_end = rules::IsSet(c.opened_on()) && Day(c.opened_on()) <= last_;
      const bool crossed_by_end = rules::IsSet(c.crossed_off_on()) && Day(c.crossed_off_on()) <= last_;
      if (opened_by_end && !crossed_by_end) {
        ++n.open_at_end;
        if (!c.team_complete()) ++n.without_full_team;
      }
    }
  }

  Table Dropout() {
    Table t;
    t.name = "dropout";
    t.title = Say(l_, "控辍保学：辍学率与台账", "Dropout: rates and the return ledger");
    t.note = absl::StrCat(
        Say(l_, "目标（", "targets ("), in_.targets.version(), Say(l_, "）：小学低于 ", "): primary below "),
        FormatBasisPoints(in_.targets.primary_dropout_max_bp()), Say(l_, "，初中低于 ", ", junior middle below "),
        FormatBasisPoints(in_.targets.junior_middle_dropout_max_bp()),
        Say(l_, "；案件按立案、销号日期计入", "; cases counted by the dates they were opened and crossed off"));
    t.columns = {{"unit", IsSchoolScope() ? Say(l_, "学校", "school") : Say(l_, "区县", "county"), CellKind::kText},
                 {"stage", Say(l_, "学段", "stage"), CellKind::kText},
                 {"enrolled", Say(l_, "在籍", "enrolled"), CellKind::kCount},
                 {"dropped_out", Say(l_, "辍学", "dropped out"), CellKind::kCount},
                 {"rate_bp", Say(l_, "辍学率", "dropout rate"), CellKind::kBasisPoints},
                 {"target_max_bp", Say(l_, "目标上限", "target (max)"), CellKind::kBasisPoints},
                 {"meets_target", Say(l_, "达标", "meets target"), CellKind::kText},
                 {"cases_opened", Say(l_, "本期立案", "cases opened"), CellKind::kCount},
                 {"cases_crossed_off", Say(l_, "本期销号", "crossed off"), CellKind::kCount},
                 {"cases_open", Say(l_, "期末未销号", "open at period end"), CellKind::kCount},
                 {"cases_without_team", Say(l_, "其中帮扶小组不全", "of which team incomplete"), CellKind::kCount}};
    std::vector<Row> other_stages;  // after the rated rows, so that the chart takes these
    std::set<std::string> units;
    for (const auto& [unit, c] : counts_) units.insert(unit);
    for (const auto& [key, c] : cases_) units.insert(key.first);
    for (const std::string& unit : units) {
      dropout::CountyCounts counts = counts_.count(unit) ? counts_.at(unit) : dropout::CountyCounts();
      for (rv1::EducationStage stage : {rv1::EDUCATION_STAGE_PRIMARY, rv1::EDUCATION_STAGE_JUNIOR_MIDDLE}) {
        counts.stages[stage];  // both stages appear, with zeros
      }
      const dv1::CountyRates rates = dropout::RatesOf(unit, counts, in_.targets);
      for (const dv1::StageRate& s : rates.stages()) {
        if (s.target_max_bp() == 0) continue;  // stages without a target
        const CaseCounts n = cases_.count({unit, s.stage()}) ? cases_.at({unit, s.stage()}) : CaseCounts();
        t.rows.push_back({Cell::Text(absl::StrCat(UnitLabel(unit), " ", StageName(l_, s.stage()))),
                          Cell::Text(StageName(l_, s.stage())), Cell::Count(s.base() - s.dropped_out()),
                          Cell::Count(s.dropped_out()), Cell::Rate(s.rate_bp()), Cell::Rate(s.target_max_bp()),
                          Cell::Text(YesNo(l_, s.meets_target())), Cell::Count(n.opened), Cell::Count(n.crossed_off),
                          Cell::Count(n.open_at_end), Cell::Count(n.without_full_team)});
      }
      // Cases of other stages (a child of no stage, senior high ...) still count.
      for (const auto& [key, n] : cases_) {
        if (key.first != unit || key.second == rv1::EDUCATION_STAGE_PRIMARY ||
            key.second == rv1::EDUCATION_STAGE_JUNIOR_MIDDLE) {
          continue;
        }
        const auto stage = static_cast<rv1::EducationStage>(key.second);
        other_stages.push_back({Cell::Text(absl::StrCat(UnitLabel(unit), " ", StageName(l_, stage))),
                                Cell::Text(StageName(l_, stage)), Cell::Text(""), Cell::Text(""), Cell::Text(""),
                                Cell::Text(""), Cell::Text(""), Cell::Count(n.opened), Cell::Count(n.crossed_off),
                                Cell::Count(n.open_at_end), Cell::Count(n.without_full_team)});
      }
    }
    t.chart = Chart{Chart::Type::kColumn,
                    Say(l_, "辍学率与目标", "Dropout rate against target"),
                    0,
                    {4, 5},
                    static_cast<int>(t.rows.size())};
    for (Row& row : other_stages) t.rows.push_back(std::move(row));
    return t;
  }

  Table Disabled() {
    Table t;
    t.name = "disabled";
    t.title = Say(l_, "三类残疾儿童入学率", "Enrolment of disabled children (visual, hearing, intellectual)");
    t.note = absl::StrCat(Say(l_, "目标不低于 ", "target at least "),
                          FormatBasisPoints(in_.targets.disabled_enrolment_min_bp()),
                          Say(l_, "；名单来自民政残疾儿童名册", "; children from civil affairs' roster"));
    t.columns = {{"unit", IsSchoolScope() ? Say(l_, "学校", "school") : Say(l_, "区县", "county"), CellKind::kText},
                 {"children", Say(l_, "三类残疾儿童", "children"), CellKind::kCount},
                 {"enrolled", Say(l_, "入学", "enrolled"), CellKind::kCount},
                 {"rate_bp", Say(l_, "入学率", "enrolment rate"), CellKind::kBasisPoints},
                 {"target_min_bp", Say(l_, "目标下限", "target (min)"), CellKind::kBasisPoints},
                 {"meets_target", Say(l_, "达标", "meets target"), CellKind::kText}};
    int64_t children = 0, enrolled = 0;
    for (const auto& [unit, c] : counts_) {
      if (c.disabled_children == 0) continue;
      const dv1::CountyRates r = dropout::RatesOf(unit, c, in_.targets);
      t.rows.push_back({Cell::Text(UnitLabel(unit)), Cell::Count(r.disabled_children()),
                        Cell::Count(r.disabled_enrolled()), Cell::Rate(r.disabled_enrolment_bp()),
                        Cell::Rate(r.disabled_target_min_bp()), Cell::Text(YesNo(l_, r.disabled_meets_target()))});
      children += c.disabled_children;
      enrolled += c.disabled_enrolled;
    }
    t.chart = Chart{Chart::Type::kColumn, t.title, 0, {3, 4}, static_cast<int>(t.rows.size())};
    dropout::CountyCounts total;
    total.disabled_children = children;
    total.disabled_enrolled = enrolled;
    const dv1::CountyRates r = dropout::RatesOf("", total, in_.targets);
    t.rows.push_back({Cell::Text(Say(l_, "合计", "total")), Cell::Count(children), Cell::Count(enrolled),
                      Cell::Rate(r.disabled_enrolment_bp()), Cell::Rate(r.disabled_target_min_bp()),
                      Cell::Text(YesNo(l_, r.disabled_meets_target()))});
    return t;
  }

  bool PairInScope(const pv1::PairRecord& p) const {
    if (!IsSchoolScope()) return in_.scope.CoversCounty(p.county_code());
    return p.urban_school() == in_.scope.code || p.rural_school() == in_.scope.code;
  }
  // The pair as it stood at the period's end: formed by then, activities dated by then.
  std::optional<pv1::PairRecord> AtEnd(const pv1::PairRecord& p) const {
    if (!rules::IsSet(p.start()) || Day(p.start()) > last_) return std::nullopt;
    pv1::PairRecord at = p;
    at.clear_activities();
    for (const pv1::Activity& a : p.activities()) {
      if (rules::IsSet(a.date()) && Day(a.date()) <= last_) *at.add_activities() = a;
    }
    return at;
  }

  Table Pairing() {
    Table t;
    t.name = "pairing";
    t.title = Say(l_, "结对帮扶：结对与本期活动", "School pairing: pairs and the period's activities");
    t.note = Say(l_, "结对按农村学校所在区县统计；活动按活动日期计入本期",
                 "pairs by the rural school's county; "
                 "activities by their dates");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school_pairs", Say(l_, "学校结对（期末有效）", "school pairs (active)"), CellKind::kCount},
                 {"teacher_pairs", Say(l_, "教师结对（期末有效）", "teacher pairs (active)"), CellKind::kCount},
                 {"joint_research", Say(l_, "联合教研", "joint research"), CellKind::kCount},
                 {"manager_exchanges", Say(l_, "管理人员交流", "manager exchanges"), CellKind::kCount},
                 {"lessons", Say(l_, "示范课", "demonstration lessons"), CellKind::kCount},
                 {"donations", Say(l_, "捐赠次数", "donations"), CellKind::kCount},
                 {"donation_fen", Say(l_, "捐赠价值（元）", "donated value (yuan)"), CellKind::kFen},
                 {"shared_facilities", Say(l_, "共享设施", "shared facilities"), CellKind::kCount}};
    struct Counts {
      std::array<int64_t, 8> n{};  // school pairs, teacher pairs, research, exchanges, lessons, donations, fen, shared
    };
    std::map<std::string, Counts> by_county;
    for (const auto& [id, pair] : f_.pairs) {
      if (!PairInScope(pair)) continue;
      std::optional<pv1::PairRecord> p = AtEnd(pair);
      if (!p) continue;
      Counts& c = by_county[p->county_code()];
      const bool active = !rules::IsSet(p->end()) || Day(p->end()) >= first_;
      if (active) ++c.n[p->kind() == pv1::PAIR_KIND_SCHOOL ? 0 : 1];
      for (const pv1::Activity& a : p->activities()) {
        if (!InPeriod(a.date())) continue;
        switch (a.kind()) {
          case pv1::ACTIVITY_KIND_JOINT_RESEARCH:
            ++c.n[2];
            break;
          case pv1::ACTIVITY_KIND_MANAGER_EXCHANGE:
            ++c.n[3];
            break;
          case pv1::ACTIVITY_KIND_DEMONSTRATION_LESSON:
            ++c.n[4];
            break;
          case pv1::ACTIVITY_KIND_DONATION:
            ++c.n[5];
            c.n[6] += a.value_fen();
            break;
          case pv1::ACTIVITY_KIND_SHARED_FACILITY:
            ++c.n[7];
            break;
          default:
            break;
        }
      }
    }
    Counts total;
    auto row_of = [](const std::string& label, const Counts& c) {
      Row row = {Cell::Text(label)};
      for (size_t i = 0; i < c.n.size(); ++i) row.push_back(i == 6 ? Cell::Fen(c.n[i]) : Cell::Count(c.n[i]));
      return row;
    };
    for (const auto& [county, c] : by_county) {
      t.rows.push_back(row_of(CountyLabel(f_, county), c));
      for (size_t i = 0; i < c.n.size(); ++i) total.n[i] += c.n[i];
    }
    t.chart = Chart{Chart::Type::kColumn,
                    Say(l_, "本期结对帮扶活动", "Pairing activities in the period"),
                    0,
                    {3, 4, 5},
                    static_cast<int>(t.rows.size())};
    t.rows.push_back(row_of(Say(l_, "合计", "total"), total));
    return t;
  }

  Table Plans() {
    Table t;
    t.name = "plans";
    t.title = Say(l_, "结对帮扶计划完成情况（截至期末）", "Pairing plans against their targets (to the period's end)");
    t.columns = {{"plan", Say(l_, "计划", "plan"), CellKind::kText},
                 {"period", Say(l_, "计划期", "plan period"), CellKind::kText},
                 {"school_pairs_target", Say(l_, "学校结对目标", "school pairs target"), CellKind::kCount},
                 {"school_pairs", Say(l_, "学校结对", "school pairs"), CellKind::kCount},
                 {"teacher_pairs_target", Say(l_, "教师结对目标", "teacher pairs target"), CellKind::kCount},
                 {"teacher_pairs", Say(l_, "教师结对", "teacher pairs"), CellKind::kCount},
                 {"lessons_target", Say(l_, "示范课目标", "lessons target"), CellKind::kCount},
                 {"lessons", Say(l_, "示范课", "lessons"), CellKind::kCount},
                 {"lessons_bp", Say(l_, "示范课完成率", "lessons done"), CellKind::kBasisPoints}};
    std::vector<pv1::PairRecord> pairs;
    for (const auto& [id, pair] : f_.pairs) {
      if (!PairInScope(pair)) continue;
      if (std::optional<pv1::PairRecord> p = AtEnd(pair)) pairs.push_back(*std::move(p));
    }
    const std::string unit = IsSchoolScope() ? f_.CountyOf(in_.scope.code) : in_.scope.code;
    for (const auto& [id, plan] : f_.plans) {
      // The plans over the report's place: the city's plans in a county's
      // report (counted over the county's pairs), the county's own.
      const bool over = absl::StartsWith(unit, plan.scope()) || absl::StartsWith(plan.scope(), unit);
      if (!over) continue;
      const pv1::GetProgressResponse p = pairing::ProgressOf(plan, pairs);
      t.rows.push_back(
          {Cell::Text(absl::StrCat(plan.name(), " (", plan.scope(), ")")),
           Cell::Text(absl::StrCat(subsidy::FormatDate(plan.from()), " ~ ", subsidy::FormatDate(plan.to()))),
           Cell::Count(plan.school_pairs()), Cell::Count(p.school_pairs()), Cell::Count(plan.teacher_pairs()),
           Cell::Count(p.teacher_pairs()), Cell::Count(plan.demonstration_lessons()),
           Cell::Count(p.demonstration_lessons()),
           Cell::Rate(BasisPoints(p.demonstration_lessons(), plan.demonstration_lessons()))});
    }
    t.chart = Chart{Chart::Type::kBar, t.title, 0, {2, 3, 4, 5, 6, 7}, static_cast<int>(t.rows.size())};
    return t;
  }

  Table Rotation() {
    Table t;
    t.name = "rotation";
    const int year = static_cast<int>(last_.year());
    t.title = absl::StrCat(Say(l_, "骨干教师交流轮岗（", "Backbone teacher rotation ("), year, Say(l_, " 年）", ")"));
    t.note = absl::StrCat(
        Say(l_, "目标不低于 ", "target at least "), FormatBasisPoints(in_.rules.rotation_min_bp()),
        Say(l_, "；按轮岗开始日期计入至期末", "; rotations counted from their start dates to the period's end"));
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"backbone_teachers", Say(l_, "骨干教师", "backbone teachers"), CellKind::kCount},
                 {"rotated", Say(l_, "已轮岗", "rotated"), CellKind::kCount},
                 {"rate_bp", Say(l_, "轮岗比例", "rotation rate"), CellKind::kBasisPoints},
                 {"target_min_bp", Say(l_, "目标下限", "target (min)"), CellKind::kBasisPoints},
                 {"meets_target", Say(l_, "达标", "meets target"), CellKind::kText}};
    if (IsSchoolScope()) {
      t.note += Say(l_, "（轮岗按区县统计，学校报表不列）", " (rotation is per county; not in a school's report)");
      return t;
    }
    for (const auto& [key, record] : f_.rotations) {
      if (key.second != year || !in_.scope.CoversCounty(key.first)) continue;
      pv1::RotationRecord at = record;
      at.clear_rotations();
      for (const pv1::Rotation& r : record.rotations()) {
        if (rules::IsSet(r.from()) && Day(r.from()) <= last_) *at.add_rotations() = r;
      }
      const pv1::RotationProgress p = pairing::RotationProgressOf(at, in_.rules);
      t.rows.push_back({Cell::Text(CountyLabel(f_, key.first)), Cell::Count(p.backbone_teachers()),
                        Cell::Count(p.rotated()), Cell::Rate(p.rate_bp()), Cell::Rate(p.target_min_bp()),
                        Cell::Text(YesNo(l_, p.meets_target()))});
    }
    t.chart = Chart{Chart::Type::kColumn, t.title, 0, {3, 4}, static_cast<int>(t.rows.size())};
    return t;
  }

  const ReportFacts& f_;
  const SectionInput& in_;
  const Language l_;
  const absl::CivilDay first_, last_;
  std::map<std::string, dropout::CountyCounts> counts_;      // by unit
  std::map<std::pair<std::string, int>, CaseCounts> cases_;  // by unit and stage
};

}  // namespace

std::vector<Table> LedgerSections(const ReportFacts& facts, const SectionInput& in) {
  return LedgerBuilder(facts, in).Build();
}

std::string CountyLabel(const ReportFacts& facts, const std::string& county_code) {
  auto it = facts.county_names.find(county_code);
  if (it == facts.county_names.end()) return county_code;
  return absl::StrCat(it->second, " (", county_code, ")");
}

std::string SchoolLabel(const ReportFacts& facts, const std::string& school_code) {
  auto it = facts.schools.find(school_code);
  if (it == facts.schools.end() || it->second.name.empty()) return school_code;
  return absl::StrCat(it->second.name, " (", school_code, ")");
}

absl::StatusOr<std::vector<Table>> BuildSections(const ReportFacts& facts, const SectionInput& in) {
  // The two halves read the facts only: at once, on two threads.
  std::vector<Table> ledgers;
  std::thread ledger_thread([&] { ledgers = LedgerSections(facts, in); });
  std::vector<Table> tables = AidSections(facts, in);
  ledger_thread.join();
  for (Table& t : ledgers) tables.push_back(std::move(t));
  return tables;
}

}  // namespace zizhu::report
