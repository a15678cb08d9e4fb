// The aid sections: students aided, amounts, registered-poor students
// without aid, refused applications, the performance table.
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/rules/dates.h"
#include "services/common/core/basis_points.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/enum_label.h"
#include "services/common/core/money.h"
#include "services/registry/domain/plausibility.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/semester.h"
#include "services/subsidy/domain/underpayment.h"
#include "tools/report/report_sections.h"

namespace zizhu::report {
namespace {

namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;
using Row = std::vector<Cell>;

constexpr std::array<rv1::PovertyCategory, 5> kOtherCategories = {
    rv1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE, rv1::POVERTY_CATEGORY_EXTREME_POVERTY, rv1::POVERTY_CATEGORY_ORPHAN,
    rv1::POVERTY_CATEGORY_DISABLED, rv1::POVERTY_CATEGORY_LEFT_BEHIND};

struct AidedCount {
  int64_t students = 0;
  int64_t registered_poor = 0;
  std::array<int64_t, kOtherCategories.size()> categories{};
  int64_t fen = 0;
  void Add(const AidedCount& o) {
    students += o.students;
    registered_poor += o.registered_poor;
    for (size_t i = 0; i < categories.size(); ++i) categories[i] += o.categories[i];
    fen += o.fen;
  }
};

struct Money {
  int64_t allocated = 0;
  int64_t approved = 0;
  int64_t paid = 0;
  int64_t failed = 0;
  void Add(const Money& o) {
    allocated += o.allocated;
    approved += o.approved;
    paid += o.paid;
    failed += o.failed;
  }
};

struct Coverage {
  int64_t registered_poor = 0;
  int64_t aided = 0;
};

std::string Date(const google::protobuf::Timestamp& at) { return subsidy::FormatDate(rules::DateInChina(at)); }

// The unit a row is broken down to: (county, school); school "" = county total.
using Place = std::pair<std::string, std::string>;

class AidBuilder {
 public:
  AidBuilder(const ReportFacts& facts, const SectionInput& in) : f_(facts), in_(in), l_(in.language) {}

  std::vector<Table> Build() {
    CollectEntitlements();
    CollectPayments();
    std::vector<Table> tables;
    tables.push_back(Aided());
    tables.push_back(AmountsByCounty());
    tables.push_back(Amounts());
    tables.push_back(WithoutAid());
    tables.push_back(Underpaid());
    tables.push_back(Refused());
    tables.push_back(Performance());
    return tables;
  }

 private:
  bool IsSchoolScope() const { return in_.scope.kind == ReportScope::Kind::kSchool; }
  std::string Total() const { return Say(l_, "合计", "total"); }
  std::string Subtotal(const std::string& county) const {
    return absl::StrCat(CountyLabel(f_, county), Say(l_, " 小计", " subtotal"));
  }

  void CollectEntitlements() {
    const std::string semester = in_.period.semester();
    for (const auto& [key, record] : f_.entitlements) {
      const sv1::Entitlement& e = record.entitlement();
      if (e.semester() != semester || record.state() == sv1::ENTITLEMENT_STATE_DISQUALIFIED) continue;
      aided_students_.insert(e.student_id());
      if (!in_.scope.CoversSchool(e.county_code(), e.school_code())) continue;
      AidedCount& c =
          aided_[std::make_tuple(e.county_code(), e.school_code(), static_cast<int>(e.facts().stage()), e.tier())];
      ++c.students;
      if (e.facts().registered_poor()) ++c.registered_poor;
      for (size_t i = 0; i < kOtherCategories.size(); ++i) {
        for (int category : e.facts().categories()) {
          if (category == kOtherCategories[i]) ++c.categories[i];
        }
      }
      c.fen += record.payable_fen();
      for (const sv1::ShareAmount& share : record.payable_shares()) {
        money_[std::make_tuple(e.county_code(), e.school_code(), static_cast<int>(share.source()))].approved +=
            share.fen();
      }
    }
  }

  void CollectPayments() {
    const std::string semester = in_.period.semester();
    for (const auto& [id, entry] : f_.payments) {
      const auto& [account, p] = entry;
      auto a = f_.accounts.find(account);
      if (a == f_.accounts.end() || a->second.key.semester() != semester) continue;
      const std::string& county = a->second.key.county_code();
      if (!in_.scope.CoversSchool(county, p.school_code())) continue;
      Money& m = money_[std::make_tuple(county, p.school_code(), static_cast<int>(a->second.key.source()))];
      if (p.state() == disbursement::v1::PAYMENT_STATE_PAID) m.paid += p.amount_fen();  // what was paid
      if (p.state() == disbursement::v1::PAYMENT_STATE_FAILED) m.failed += p.amount_fen();
    }
    if (IsSchoolScope()) return;  // funds are allocated to a county's accounts, not to a school
    for (const auto& [account, a] : f_.accounts) {
      if (a.key.semester() != semester || !in_.scope.CoversCounty(a.key.county_code())) continue;
      allocated_[std::make_pair(a.key.county_code(), static_cast<int>(a.key.source()))] += a.balances.allocated();
    }
  }

  Table Aided() {
    Table t;
    t.name = "aided";
    t.title = Say(l_, "受助学生（按学段、档次、类别）", "Students aided (by stage, tier, category)");
    t.note = absl::StrCat(
        Say(l_, "学期 ", "semester "), in_.period.semester(),
        Say(l_, "；已批复评审的资助（取消资格者不计）", "; approved rounds' aid (disqualified not counted)"));
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school", Say(l_, "学校", "school"), CellKind::kText},
                 {"stage", Say(l_, "学段", "stage"), CellKind::kText},
                 {"tier", Say(l_, "档次", "tier"), CellKind::kCount},
                 {"students", Say(l_, "受助人数", "students"), CellKind::kCount},
                 {"registered_poor", CategoryName(l_, rv1::POVERTY_CATEGORY_REGISTERED_POOR), CellKind::kCount}};
    for (rv1::PovertyCategory c : kOtherCategories) {
      t.columns.push_back(
          {absl::AsciiStrToLower(rv1::PovertyCategory_Name(c).substr(17)), CategoryName(l_, c), CellKind::kCount});
    }
    t.columns.push_back({"amount_fen", Say(l_, "资助金额（元）", "amount (yuan)"), CellKind::kFen});
    auto counts = [](Row& row, const AidedCount& c) {
      row.push_back(Cell::Count(c.students));
      row.push_back(Cell::Count(c.registered_poor));
      for (int64_t n : c.categories) row.push_back(Cell::Count(n));
      row.push_back(Cell::Fen(c.fen));
    };
    AidedCount total, county_total;
    std::string county;
    auto close_county = [&]() {
      if (county.empty() || IsSchoolScope()) return;
      Row row = {Cell::Text(Subtotal(county)), Cell::Text(""), Cell::Text(""), Cell::Text("")};
      counts(row, county_total);
      t.rows.push_back(std::move(row));
    };
    for (const auto& [key, c] : aided_) {
      const auto& [k_county, school, stage, tier] = key;
      if (k_county != county) {
        close_county();
        county = k_county;
        county_total = AidedCount();
      }
      Row row = {Cell::Text(CountyLabel(f_, k_county)), Cell::Text(SchoolLabel(f_, school)),
                 Cell::Text(StageName(l_, static_cast<rv1::EducationStage>(stage))), Cell::Count(tier)};
      counts(row, c);
      t.rows.push_back(std::move(row));
      county_total.Add(c);
      total.Add(c);
    }
    close_county();
    Row row = {Cell::Text(Total()), Cell::Text(""), Cell::Text(""), Cell::Text("")};
    counts(row, total);
    t.rows.push_back(std::move(row));
    return t;
  }

  std::vector<Column> MoneyColumns() const {
    return {{"allocated_fen", Say(l_, "下达资金（元）", "allocated (yuan)"), CellKind::kFen},
            {"approved_fen", Say(l_, "核定应发（元）", "approved (yuan)"), CellKind::kFen},
            {"paid_fen", Say(l_, "已发放（元）", "paid (yuan)"), CellKind::kFen},
            {"failed_fen", Say(l_, "发放失败待重发（元）", "failed, to retry (yuan)"), CellKind::kFen},
            {"outstanding_fen", Say(l_, "未发放（元）", "outstanding (yuan)"), CellKind::kFen}};
  }
  void MoneyCells(Row& row, const Money& m, bool with_allocated) const {
    row.push_back(with_allocated ? Cell::Fen(m.allocated) : Cell::Text(""));
    row.push_back(Cell::Fen(m.approved));
    row.push_back(Cell::Fen(m.paid));
    row.push_back(Cell::Fen(m.failed));
    row.push_back(Cell::Fen(m.approved - m.paid));
  }

  // Per county (or the school) over every fund source, with a chart.
  Table AmountsByCounty() {
    Table t;
    t.name = "amounts_by_county";
    t.title = Say(l_, "资金汇总（按区县）", "Funds by county");
    t.note = absl::StrCat(Say(l_, "学期 ", "semester "), in_.period.semester());
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText}};
    for (Column& c : MoneyColumns()) t.columns.push_back(std::move(c));
    std::map<std::string, Money> by_county;
    for (const auto& [key, m] : money_) by_county[std::get<0>(key)].Add(m);
    for (const auto& [key, fen] : allocated_) by_county[key.first].allocated += fen;
    Money total;
    for (const auto& [county, m] : by_county) {
      Row row = {Cell::Text(IsSchoolScope() ? SchoolLabel(f_, in_.scope.code) : CountyLabel(f_, county))};
      MoneyCells(row, m, !IsSchoolScope());
      t.rows.push_back(std::move(row));
      total.Add(m);
      by_county_[county] = m;
    }
    t.chart = Chart{Chart::Type::kColumn, t.title, 0, {1, 2, 3, 5}, static_cast<int>(t.rows.size())};
    if (IsSchoolScope()) t.chart->value_columns = {2, 3, 5};
    Row row = {Cell::Text(Total())};
    MoneyCells(row, total, !IsSchoolScope());
    t.rows.push_back(std::move(row));
    return t;
  }

  // Per county, school and fund source; the county rows carry the allocation.
  Table Amounts() {
    Table t;
    t.name = "amounts";
    t.title = Say(l_, "资金明细（按区县、学校、资金来源）", "Funds by county, school and fund source");
    t.note = Say(l_, "下达资金按区县资金账户统计；失败金额为银行退回、等待重发的款项",
                 "allocations are per county account; failed = returned by the bank, waiting for a retry");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school", Say(l_, "学校", "school"), CellKind::kText},
                 {"source", Say(l_, "资金来源", "fund source"), CellKind::kText}};
    for (Column& c : MoneyColumns()) t.columns.push_back(std::move(c));
    std::map<std::pair<std::string, int>, Money> county_source;
    for (const auto& [key, m] : money_) county_source[std::make_pair(std::get<0>(key), std::get<2>(key))].Add(m);
    for (const auto& [key, fen] : allocated_) county_source[key].allocated += fen;
    std::string county;
    auto close_county = [&]() {
      if (county.empty() || IsSchoolScope()) return;
      for (const auto& [key, m] : county_source) {
        if (key.first != county) continue;
        Row row = {Cell::Text(Subtotal(county)), Cell::Text(""),
                   Cell::Text(SourceName(l_, static_cast<sv1::FundSource>(key.second)))};
        MoneyCells(row, m, true);
        t.rows.push_back(std::move(row));
      }
    };
    for (const auto& [key, m] : money_) {
      const auto& [k_county, school, source] = key;
      if (k_county != county) {
        close_county();
        county = k_county;
      }
      Row row = {Cell::Text(CountyLabel(f_, k_county)), Cell::Text(SchoolLabel(f_, school)),
                 Cell::Text(SourceName(l_, static_cast<sv1::FundSource>(source)))};
      MoneyCells(row, m, false);
      t.rows.push_back(std::move(row));
    }
    close_county();
    // Counties with an allocation but no payment or entitlement yet.
    for (const auto& [key, m] : county_source) {
      bool listed = false;
      for (const auto& [mk, unused] : money_) listed = listed || std::get<0>(mk) == key.first;
      if (listed) continue;
      Row row = {Cell::Text(Subtotal(key.first)), Cell::Text(""),
                 Cell::Text(SourceName(l_, static_cast<sv1::FundSource>(key.second)))};
      MoneyCells(row, m, true);
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  // The rounds of the semester at each school.
  std::map<std::string, std::vector<const sv1::RoundRecord*>> RoundsBySchool() const {
    std::map<std::string, std::vector<const sv1::RoundRecord*>> rounds;
    for (const auto& [id, r] : f_.rounds) {
      if (r.semester() == in_.period.semester()) rounds[r.school_code()].push_back(&r);
    }
    return rounds;
  }

  // Why a registered-poor student has no aid, as the rounds record it; and
  // whether an office recorded a reason (coverage reason, refusal, removal).
  std::pair<std::string, bool> WhyNoAid(const std::vector<const sv1::RoundRecord*>* rounds,
                                        const std::string& student) const {
    if (rounds == nullptr) {
      return {Say(l_, "本学期学校未开展资助评审", "no aid round at the school this semester"), false};
    }
    for (const sv1::RoundRecord* r : *rounds) {
      const std::string key = absl::StrCat(r->round_id(), "/", student);
      auto reason = f_.coverage_reasons.find(key);
      if (reason != f_.coverage_reasons.end()) {
        return {absl::StrCat(Say(l_, "已登记原因：", "reason recorded: "),
                             EnumLabel(reason->second.kind(), l_ == Language::kChinese), " ", reason->second.note()),
                true};
      }
      auto app = f_.applications.find(key);
      if (app == f_.applications.end()) continue;
      switch (app->second.state()) {
        case sv1::APPLICATION_STATE_REJECTED:
          return {absl::StrCat(Say(l_, "申请未通过：", "application refused: "), app->second.review_reason()), true};
        case sv1::APPLICATION_STATE_REMOVED:
          return {absl::StrCat(Say(l_, "移出名单：", "removed: "), app->second.review_reason()), true};
        case sv1::APPLICATION_STATE_DISQUALIFIED:
          return {absl::StrCat(Say(l_, "取消资格：", "disqualified: "), app->second.disqualification()), true};
        default:
          return {Say(l_, "已申请，评审尚未批复", "applied; the round is not approved yet"), false};
      }
    }
    return {Say(l_, "未申请", "no application"), false};
  }

  Table WithoutAid() {
    Table t;
    t.name = "without_aid";
    t.title = Say(l_, "未受助的建档立卡学生（目标为零）", "Registered-poor students without aid (target: zero)");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school", Say(l_, "学校", "school"), CellKind::kText},
                 {"name", Say(l_, "姓名", "name"), CellKind::kText},
                 {"national_id", Say(l_, "身份证号", "national ID"), CellKind::kText},
                 {"stage", Say(l_, "学段", "stage"), CellKind::kText},
                 {"grade", Say(l_, "年级", "grade"), CellKind::kCount},
                 {"household_exit", Say(l_, "脱贫情况", "household exit"), CellKind::kText},
                 {"why", Say(l_, "情况", "what the round records"), CellKind::kText},
                 {"reason_recorded", Say(l_, "已登记原因", "reason recorded"), CellKind::kText}};
    const int year = static_cast<int>(in_.period.last_day().year());
    const auto rounds = RoundsBySchool();
    std::map<std::tuple<std::string, std::string, std::string>, Row> rows;
    int64_t unexplained = 0;
    for (const auto& [id, s] : f_.students) {
      if (s.status() != rv1::ENROLMENT_STATUS_ENROLLED) continue;
      const std::string county = f_.CountyOf(s.school_code());
      if (!in_.scope.CoversSchool(county, s.school_code())) continue;
      auto ev = f_.evidence.find(s.national_id_hash());
      const sv1::StudentFacts facts =
          subsidy::FactsOf(s, ev == f_.evidence.end() ? nullptr : &ev->second, f_.exit_transition_years, year);
      if (!facts.registered_poor()) continue;
      Coverage& c = coverage_[county];
      ++c.registered_poor;
      if (aided_students_.contains(id)) {
        ++c.aided;
        continue;
      }
      auto school_rounds = rounds.find(s.school_code());
      auto [why, recorded] = WhyNoAid(school_rounds == rounds.end() ? nullptr : &school_rounds->second, id);
      if (!recorded) ++unexplained;
      rows[std::make_tuple(county, s.school_code(), id)] = {
          Cell::Text(CountyLabel(f_, county)),
          Cell::Text(SchoolLabel(f_, s.school_code())),
          Cell::Text(s.name_masked()),
          Cell::Text(s.national_id_masked()),
          Cell::Text(StageName(l_, s.stage())),
          Cell::Count(s.grade()),
          Cell::Text(facts.household_exit_year() > 0
                         ? absl::StrCat(Say(l_, "已脱贫 ", "exited "), facts.household_exit_year())
                         : ""),
          Cell::Text(why),
          Cell::Text(YesNo(l_, recorded))};
    }
    for (auto& [key, row] : rows) t.rows.push_back(std::move(row));
    t.note = absl::StrCat(Say(l_, "共 ", ""), t.rows.size(), Say(l_, " 人，其中未登记原因 ", " students, "),
                          unexplained, Say(l_, " 人", " without a recorded reason"));
    return t;
  }

  // Entitlements paying less than the pupil's days enrolled at the school
  // entitle them to (the aim is none): a stop never undone, with its reason.
  Table Underpaid() {
    Table t;
    t.name = "underpaid";
    t.title =
        Say(l_, "少于应得金额的学生（目标为零）", "Pupils paid less than their enrolment entitles (target: zero)");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school", Say(l_, "学校", "school"), CellKind::kText},
                 {"name", Say(l_, "姓名", "name"), CellKind::kText},
                 {"national_id", Say(l_, "身份证号", "national ID"), CellKind::kText},
                 {"enrolled_days", Say(l_, "在校天数", "days enrolled"), CellKind::kCount},
                 {"accrued_days", Say(l_, "计发天数", "days paid for"), CellKind::kCount},
                 {"entitled_fen", Say(l_, "应得（元）", "entitled (yuan)"), CellKind::kFen},
                 {"payable_fen", Say(l_, "核定应发（元）", "payable (yuan)"), CellKind::kFen},
                 {"short_fen", Say(l_, "少发（元）", "short (yuan)"), CellKind::kFen},
                 {"stopped_on", Say(l_, "停发日期", "stopped on"), CellKind::kText},
                 {"why", Say(l_, "原因", "reason"), CellKind::kText}};
    const std::string semester = in_.period.semester();
    std::map<std::tuple<std::string, std::string, std::string>, Row> rows;
    int64_t short_fen = 0;
    for (const auto& [key, record] : f_.entitlements) {
      const sv1::Entitlement& e = record.entitlement();
      if (e.semester() != semester || !in_.scope.CoversSchool(e.county_code(), e.school_code())) continue;
      auto student = f_.students.find(e.student_id());
      if (student == f_.students.end()) continue;
      std::optional<sv1::Underpayment> u = subsidy::UnderpaymentOf(record, student->second);
      if (!u) continue;
      short_fen += u->entitled_fen() - u->payable_fen();
      const std::string why =
          u->has_stopped_on() ? absl::StrCat(Say(l_, "停发后在校未恢复：", "stopped and not resumed while enrolled: "),
                                             u->stop_reason())
                              : Say(l_, "计发天数少于在校天数", "paid for fewer days than enrolled");
      rows[std::make_tuple(e.county_code(), e.school_code(), e.student_id())] = {
          Cell::Text(CountyLabel(f_, e.county_code())),
          Cell::Text(SchoolLabel(f_, e.school_code())),
          Cell::Text(u->name_masked()),
          Cell::Text(student->second.national_id_masked()),
          Cell::Count(u->enrolled_days()),
          Cell::Count(u->accrued_days()),
          Cell::Fen(u->entitled_fen()),
          Cell::Fen(u->payable_fen()),
          Cell::Fen(u->entitled_fen() - u->payable_fen()),
          Cell::Text(u->has_stopped_on() ? subsidy::FormatDate(u->stopped_on()) : ""),
          Cell::Text(why)};
    }
    for (auto& [key, row] : rows) t.rows.push_back(std::move(row));
    t.note = absl::StrCat(Say(l_, "共 ", ""), t.rows.size(), Say(l_, " 人，少发合计 ", " pupils, short in all "),
                          Fen::FromFen(short_fen).ToYuanString(), Say(l_, " 元", " yuan"));
    return t;
  }

  Table Refused() {
    Table t;
    t.name = "refused";
    t.title = Say(l_, "未通过及移出的申请", "Applications refused or removed");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"school", Say(l_, "学校", "school"), CellKind::kText},
                 {"name", Say(l_, "姓名", "name"), CellKind::kText},
                 {"stage", Say(l_, "学段", "stage"), CellKind::kText},
                 {"outcome", Say(l_, "结果", "outcome"), CellKind::kText},
                 {"reason", Say(l_, "原因", "reason"), CellKind::kText},
                 {"reviewers", Say(l_, "评审人", "reviewers"), CellKind::kText},
                 {"reviewed_on", Say(l_, "评审日期", "reviewed on"), CellKind::kText}};
    std::map<std::tuple<std::string, std::string, std::string, std::string>, Row> rows;
    for (const auto& [key, app] : f_.applications) {
      const bool rejected = app.state() == sv1::APPLICATION_STATE_REJECTED;
      if (!rejected && app.state() != sv1::APPLICATION_STATE_REMOVED) continue;
      auto round = f_.rounds.find(app.round_id());
      if (round == f_.rounds.end() || round->second.semester() != in_.period.semester()) continue;
      const sv1::RoundRecord& r = round->second;
      if (!in_.scope.CoversSchool(r.county_code(), r.school_code())) continue;
      const sv1::StudentFacts& facts = app.application().facts();
      rows[std::make_tuple(r.county_code(), r.school_code(), r.round_id(), app.application().student_id())] = {
          Cell::Text(CountyLabel(f_, r.county_code())),
          Cell::Text(SchoolLabel(f_, r.school_code())),
          Cell::Text(facts.name_masked()),
          Cell::Text(StageName(l_, facts.stage())),
          Cell::Text(rejected ? Say(l_, "未通过", "refused") : Say(l_, "移出", "removed")),
          Cell::Text(app.review_reason()),
          Cell::Text(absl::StrJoin(app.reviewers(), Say(l_, "、", ", "))),
          Cell::Text(app.has_reviewed_at() ? Date(app.reviewed_at()) : "")};
    }
    for (auto& [key, row] : rows) t.rows.push_back(std::move(row));
    t.note = absl::StrCat(t.rows.size(), Say(l_, " 份", " applications"));
    return t;
  }

  Table Performance() {
    Table t;
    t.name = "performance";
    t.title = Say(l_, "绩效评价", "Performance evaluation");
    t.note =
        Say(l_, "完成率 = 已受助建档立卡学生 / 在校建档立卡学生；资金到位率 = 下达 / 核定；资金发放率 = 已发放 / 核定",
            "completion = aided / enrolled registered-poor; funds in place = allocated / approved; "
            "funds disbursed = paid / approved");
    t.columns = {{"county", Say(l_, "区县", "county"), CellKind::kText},
                 {"registered_poor", Say(l_, "在校建档立卡学生", "registered-poor enrolled"), CellKind::kCount},
                 {"aided", Say(l_, "已受助", "aided"), CellKind::kCount},
                 {"completion_bp", Say(l_, "完成率", "completion"), CellKind::kBasisPoints},
                 {"approved_fen", Say(l_, "核定应发（元）", "approved (yuan)"), CellKind::kFen},
                 {"allocated_fen", Say(l_, "下达资金（元）", "allocated (yuan)"), CellKind::kFen},
                 {"in_place_bp", Say(l_, "资金到位率", "funds in place"), CellKind::kBasisPoints},
                 {"paid_fen", Say(l_, "已发放（元）", "paid (yuan)"), CellKind::kFen},
                 {"disbursed_bp", Say(l_, "资金发放率", "funds disbursed"), CellKind::kBasisPoints}};
    std::set<std::string> counties;
    for (const auto& [county, c] : coverage_) counties.insert(county);
    for (const auto& [county, m] : by_county_) counties.insert(county);
    Coverage total_c;
    Money total_m;
    auto row_of = [&](const std::string& label, const Coverage& c, const Money& m) {
      return Row{Cell::Text(label),
                 Cell::Count(c.registered_poor),
                 Cell::Count(c.aided),
                 Cell::Rate(BasisPoints(c.aided, c.registered_poor)),
                 Cell::Fen(m.approved),
                 Cell::Fen(m.allocated),
                 Cell::Rate(BasisPoints(m.allocated, m.approved)),
                 Cell::Fen(m.paid),
                 Cell::Rate(BasisPoints(m.paid, m.approved))};
    };
    for (const std::string& county : counties) {
      const Coverage c = coverage_.count(county) ? coverage_.at(county) : Coverage();
      const Money m = by_county_.count(county) ? by_county_.at(county) : Money();
      t.rows.push_back(row_of(IsSchoolScope() ? SchoolLabel(f_, in_.scope.code) : CountyLabel(f_, county), c, m));
      total_c.registered_poor += c.registered_poor;
      total_c.aided += c.aided;
      total_m.Add(m);
    }
    t.chart = Chart{Chart::Type::kColumn, t.title, 0, {3, 6, 8}, static_cast<int>(t.rows.size())};
    if (IsSchoolScope()) t.chart->value_columns = {3, 8};
    t.rows.push_back(row_of(Total(), total_c, total_m));
    return t;
  }

  const ReportFacts& f_;
  const SectionInput& in_;
  const Language l_;
  absl::flat_hash_set<std::string> aided_students_;  // with an entitlement of the semester, anywhere
  std::map<std::tuple<std::string, std::string, int, int>, AidedCount> aided_;  // county, school, stage, tier
  std::map<std::tuple<std::string, std::string, int>, Money> money_;            // county, school, source
  std::map<std::pair<std::string, int>, int64_t> allocated_;                    // county, source
  std::map<std::string, Money> by_county_;
  std::map<std::string, Coverage> coverage_;
};

}  // namespace

std::vector<Table> AidSections(const ReportFacts& facts, const SectionInput& in) {
  return AidBuilder(facts, in).Build();
}

}  // namespace zizhu::report
