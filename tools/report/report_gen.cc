#include "tools/report/report_gen.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "zizhu/common/v1/envelope.pb.h"
#include "zizhu/disbursement/v1/events.pb.h"
#include "zizhu/dropout/v1/events.pb.h"
#include "zizhu/pairing/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu::report::gen {
namespace {

namespace rv1 = registry::v1;
namespace sv1 = subsidy::v1;
namespace dv1 = disbursement::v1;

rv1::Date D(absl::CivilDay d) {
  rv1::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// Buffers records per topic and appends them in transactions.
class Writer {
 public:
  Writer(const std::map<std::string, es::EventLog*>& logs, int per_append, std::function<void(int64_t)> progress)
      : logs_(logs), per_append_(per_append), progress_(std::move(progress)) {}

  absl::Status Add(const std::string& service, const std::string& aggregate_type, const std::string& aggregate_id,
                   const google::protobuf::Message& payload, absl::CivilDay day) {
    common::v1::EventEnvelope e;
    e.set_event_id(absl::StrCat("gen-", ++count_));
    e.set_aggregate_type(aggregate_type);
    e.set_aggregate_id(aggregate_id);
    e.set_aggregate_version(++versions_[service + "|" + aggregate_id]);
    e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(StartOfDayInChina(day) + absl::Hours(10)));
    e.set_actor("service:gen");
    e.set_org_scope("*");
    e.set_envelope_version(1);
    e.mutable_payload()->PackFrom(payload);
    std::vector<es::AppendRecord>& pending = pending_[service];
    pending.push_back(es::AppendRecord{aggregate_id, SerializeDeterministic(e)});
    if (static_cast<int>(pending.size()) >= per_append_) return Flush(service);
    return absl::OkStatus();
  }

  absl::Status FlushAll() {
    for (auto& [service, pending] : pending_) RETURN_IF_ERROR(Flush(service));
    return absl::OkStatus();
  }

 private:
  absl::Status Flush(const std::string& service) {
    std::vector<es::AppendRecord>& pending = pending_[service];
    if (pending.empty()) return absl::OkStatus();
    auto log = logs_.find(service);
    if (log == logs_.end()) return absl::InvalidArgumentError(absl::StrCat("no log for ", service));
    RETURN_IF_ERROR(log->second->AppendAtomically(pending).status());
    written_ += static_cast<int64_t>(pending.size());
    pending.clear();
    if (progress_) progress_(written_);
    return absl::OkStatus();
  }

  const std::map<std::string, es::EventLog*>& logs_;
  const int per_append_;
  std::function<void(int64_t)> progress_;
  std::map<std::string, std::vector<es::AppendRecord>> pending_;
  std::map<std::string, int64_t> versions_;
  int64_t count_ = 0;
  int64_t written_ = 0;
};

struct Student {
  std::string id;
  std::string hash;
  std::string school;
  std::string county;
  rv1::EducationStage stage;
  bool registered_poor = false;
  bool subsistence = false;
  bool disabled = false;
  bool dropped_out = false;
  bool returned = false;  // dropped out in November and back a week later
  bool applies = false;
  bool refused = false;
};

sv1::StudentFacts FactsOf(const Student& s) {
  sv1::StudentFacts f;
  f.set_name_masked("张*明");
  f.set_national_id_masked("2101**********1234");
  f.set_stage(s.stage);
  f.set_grade(3);
  f.set_registered_poor(s.registered_poor);
  if (s.registered_poor) f.add_categories(rv1::POVERTY_CATEGORY_REGISTERED_POOR);
  if (s.subsistence) f.add_categories(rv1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE);
  if (s.disabled) f.add_categories(rv1::POVERTY_CATEGORY_DISABLED);
  return f;
}

}  // namespace

absl::Status Generate(const Shape& shape, const std::map<std::string, es::EventLog*>& logs,
                      const std::function<void(int64_t)>& progress) {
  Writer w(logs, shape.records_per_append, progress);
  const int y = shape.year;
  const absl::CivilDay opened(y, 9, 1), reviewed(y, 10, 8), approved(y, 10, 20), paid(y, 11, 10), dropped(y, 10, 15),
      after_period(y + 1, 1, 6);
  const std::string semester = absl::StrCat(y, "-autumn");
  std::vector<Student> all;
  for (int c = 0; c < shape.counties; ++c) {
    const std::string county = absl::StrFormat("2101%02d", c + 2);
    for (int k = 0; k < shape.schools_per_county; ++k) {
      const std::string school = absl::StrFormat("%s%04d", county, k + 1);
      rv1::SchoolRegistered s;
      s.set_school_code(school);
      s.set_name(absl::StrCat("第", k + 1, "学校"));
      s.set_county_code(county);
      s.set_county_name(absl::StrCat("县", c + 1));
      const rv1::EducationStage stage = k % 2 == 0 ? rv1::EDUCATION_STAGE_PRIMARY : rv1::EDUCATION_STAGE_JUNIOR_MIDDLE;
      s.add_stages(stage);
      s.set_rural(k % 2 == 1);
      RETURN_IF_ERROR(w.Add("registry", "registry.School", school, s, absl::CivilDay(y, 8, 20)));
      for (int i = 0; i < shape.students_per_school; ++i) {
        Student st;
        st.id = absl::StrFormat("%s-%05d", school, i);
        st.hash = absl::StrCat("h", st.id);
        st.school = school;
        st.county = county;
        st.stage = stage;
        st.registered_poor = i % 3 == 0;
        st.subsistence = i % 7 == 0;
        st.disabled = i % 11 == 0;
        st.dropped_out = i % 97 == 5;
        st.applies = (st.registered_poor && i % 30 != 0) || (!st.registered_poor && i % 5 == 1);
        st.refused = !st.registered_poor && i % 10 == 1;
        if (st.dropped_out && st.registered_poor) st.applies = false;
        st.returned = st.registered_poor && st.applies && i % 59 == 12;
        all.push_back(st);
        rv1::StudentRegistered r;
        r.set_student_id(st.id);
        r.set_name("张小明");
        r.mutable_national_id()->set_masked("2101**********1234");
        r.set_national_id_hash(st.hash);
        const sv1::StudentFacts facts = FactsOf(st);
        for (int category : facts.categories()) r.add_categories(static_cast<rv1::PovertyCategory>(category));
        r.set_stage(stage);
        r.set_school_code(school);
        r.set_grade(3);
        r.set_status(rv1::ENROLMENT_STATUS_ENROLLED);
        RETURN_IF_ERROR(w.Add("registry", "registry.Student", st.id, r, absl::CivilDay(y, 8, 25)));
      }
    }
  }
  // Civil affairs' roster: the disabled children (visual), and a dropout.
  {
    rv1::RosterRowsApplied rows;
    rows.set_import_id("civil-1");
    rows.set_source(rv1::ROSTER_SOURCE_CIVIL_AFFAIRS);
    for (const Student& s : all) {
      if (!s.disabled) continue;
      rv1::AppliedRosterRow* row = rows.add_rows();
      row->set_change(rv1::ROSTER_CHANGE_UPSERT);
      row->mutable_person()->set_national_id_hash(s.hash);
      row->mutable_person()->set_county(s.county);
      row->mutable_person()->set_disability(rv1::DISABILITY_CATEGORY_VISUAL);
      row->mutable_person()->add_assistance(rv1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE);
      if (rows.rows_size() == 500) {
        RETURN_IF_ERROR(w.Add("registry", "registry.RosterImport", "civil-1", rows, absl::CivilDay(y, 9, 3)));
        rows.clear_rows();
      }
    }
    if (rows.rows_size() > 0) {
      RETURN_IF_ERROR(w.Add("registry", "registry.RosterImport", "civil-1", rows, absl::CivilDay(y, 9, 3)));
    }
  }
  for (const Student& s : all) {
    if (!s.dropped_out) continue;
    rv1::EnrolmentStatusChanged e;
    e.set_student_id(s.id);
    e.set_from_status(rv1::ENROLMENT_STATUS_ENROLLED);
    e.set_to_status(rv1::ENROLMENT_STATUS_DROPPED_OUT);
    e.set_reason("辍学");
    RETURN_IF_ERROR(w.Add("registry", "registry.Student", s.id, e, dropped));
  }
  // Dropped out on 1 November, back on the 8th. The return names no school
  // (as the registry wrote it before 2026-12), and the subsidy of the time
  // read that as a move: the entitlement stayed stopped (issue 22).
  const absl::CivilDay left(y, 11, 1), back(y, 11, 8);
  for (const Student& s : all) {
    if (!s.returned) continue;
    rv1::EnrolmentStatusChanged out;
    out.set_student_id(s.id);
    out.set_from_status(rv1::ENROLMENT_STATUS_ENROLLED);
    out.set_to_status(rv1::ENROLMENT_STATUS_DROPPED_OUT);
    *out.mutable_effective_date() = D(left);
    out.set_previous_school_code(s.school);
    out.set_reason("辍学");
    RETURN_IF_ERROR(w.Add("registry", "registry.Student", s.id, out, left));
    rv1::EnrolmentStatusChanged in = out;
    in.set_from_status(rv1::ENROLMENT_STATUS_DROPPED_OUT);
    in.set_to_status(rv1::ENROLMENT_STATUS_ENROLLED);
    *in.mutable_effective_date() = D(back);
    in.set_reason("劝返复学");
    RETURN_IF_ERROR(w.Add("registry", "registry.Student", s.id, in, back));
  }
  // A student registered after the period: the next period's.
  {
    rv1::StudentRegistered late;
    late.set_student_id("late-student");
    late.set_school_code(all.front().school);
    late.set_stage(all.front().stage);
    late.set_status(rv1::ENROLMENT_STATUS_ENROLLED);
    late.add_categories(rv1::POVERTY_CATEGORY_REGISTERED_POOR);
    RETURN_IF_ERROR(w.Add("registry", "registry.Student", "late-student", late, after_period));
  }

  // The aid round at each school; entitlements split 80 % central, 20 % county.
  std::map<std::string, std::vector<const Student*>> by_school;
  for (const Student& s : all) by_school[s.school].push_back(&s);
  std::map<std::string, std::vector<dv1::Payment>> payments;  // by account id
  std::map<std::string, dv1::AccountKey> keys;
  for (const auto& [school, students] : by_school) {
    const std::string round = absl::StrCat(school, "/", semester);
    const std::string county = students.front()->county;
    sv1::RoundOpened o;
    o.set_round_id(round);
    o.set_school_code(school);
    o.set_county_code(county);
    o.set_semester(semester);
    o.set_quota(100000);
    o.set_policy_version(absl::StrCat(y, "-v1"));
    RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, o, opened));
    sv1::ApplicationsSubmitted submitted;
    submitted.set_round_id(round);
    sv1::ApplicationsReviewed review;
    review.set_round_id(round);
    review.add_reviewers("王老师");
    review.add_reviewers("李主任");
    std::vector<sv1::Entitlement> entitlements;
    for (const Student* s : students) {
      if (!s->applies) continue;
      sv1::Application* a = submitted.add_applications();
      a->set_student_id(s->id);
      *a->mutable_facts() = FactsOf(*s);
      sv1::Review* r = review.add_reviews();
      r->set_student_id(s->id);
      r->set_decision(s->refused ? sv1::REVIEW_DECISION_REJECTED : sv1::REVIEW_DECISION_ACCEPTED);
      r->set_tier(s->refused ? 0 : (s->registered_poor ? 1 : 2));
      if (s->refused) r->set_reason("家庭收入超过标准");
      if (s->refused) continue;
      sv1::Entitlement e;
      e.set_student_id(s->id);
      e.set_round_id(round);
      e.set_semester(semester);
      e.set_school_code(school);
      e.set_county_code(county);
      e.set_tier(r->tier());
      *e.mutable_facts() = FactsOf(*s);
      const int64_t fen = s->registered_poor ? 100000 : 50000;
      e.set_base_fen(50000);
      e.set_top_up_fen(fen - 50000);
      e.set_amount_fen(fen);
      e.set_payable_fen(fen);
      *e.mutable_semester_start() = D(absl::CivilDay(y, 8, 1));
      *e.mutable_semester_end() = D(absl::CivilDay(y + 1, 1, 31));
      *e.mutable_accrues_from() = e.semester_start();
      for (auto* shares : {e.mutable_base_shares(), e.mutable_top_up_shares()}) {
        sv1::FundShare* central_share = shares->Add();
        central_share->set_source(sv1::FUND_SOURCE_CENTRAL);
        central_share->set_percent(80);
        sv1::FundShare* county_share = shares->Add();
        county_share->set_source(sv1::FUND_SOURCE_COUNTY);
        county_share->set_percent(20);
      }
      const int64_t central = fen * 8 / 10;
      sv1::ShareAmount* share = e.add_payable_shares();
      share->set_source(sv1::FUND_SOURCE_CENTRAL);
      share->set_fen(central);
      share = e.add_payable_shares();
      share->set_source(sv1::FUND_SOURCE_COUNTY);
      share->set_fen(fen - central);
      entitlements.push_back(e);
      for (const sv1::ShareAmount& sh : e.payable_shares()) {
        dv1::AccountKey key;
        key.set_county_code(county);
        key.set_source(sh.source());
        key.set_semester(semester);
        const std::string account =
            absl::StrCat(county, "/", sv1::FundSource_Name(sh.source()).substr(12), "/", semester);
        keys[account] = key;
        dv1::Payment p;
        p.set_payment_id(absl::StrCat(round, "/", s->id, "/", sh.source(), "/1"));
        p.set_student_id(s->id);
        p.set_school_code(school);
        p.set_round_id(round);
        p.set_instalment(1);
        p.set_amount_fen(sh.fen());
        p.set_state(dv1::PAYMENT_STATE_PENDING);
        payments[account].push_back(p);
      }
    }
    RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, submitted, opened + 10));
    RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, review, reviewed));
    sv1::RoundApproved approval;
    approval.set_round_id(round);
    approval.set_entitlements(static_cast<int>(entitlements.size()));
    RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, approval, approved));
    for (size_t i = 0; i < entitlements.size(); i += 500) {
      sv1::EntitlementsFixed fixed;
      fixed.set_round_id(round);
      for (size_t j = i; j < entitlements.size() && j < i + 500; ++j) *fixed.add_entitlements() = entitlements[j];
      RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, fixed, approved));
    }
    for (const sv1::Entitlement& e : entitlements) {
      const Student* s = nullptr;
      for (const Student* candidate : students) {
        if (candidate->id == e.student_id()) s = candidate;
      }
      if (s == nullptr || !s->returned) continue;
      sv1::AccrualSpan until;
      *until.mutable_from() = e.semester_start();
      *until.mutable_to() = D(left);
      const subsidy::Payable after = subsidy::PayableFor(e, subsidy::AccruedDays(e, {until}));
      sv1::EntitlementAdjusted adjusted;
      adjusted.set_round_id(round);
      adjusted.set_student_id(e.student_id());
      adjusted.set_school_code(school);
      adjusted.set_county_code(county);
      adjusted.set_semester(semester);
      sv1::Adjustment* a = adjusted.mutable_adjustment();
      a->set_kind(sv1::ADJUSTMENT_KIND_STOPPED);
      *a->mutable_effective_date() = D(left);
      a->set_reason("registry: enrolled -> dropped out (辍学)");
      a->set_payable_before_fen(e.payable_fen());
      a->set_payable_after_fen(after.fen);
      for (const sv1::ShareAmount& part : after.shares) *a->add_shares_after() = part;
      RETURN_IF_ERROR(w.Add("subsidy", "subsidy.Round", round, adjusted, left));
    }
  }

  // Funds, payments, batches of at most 2000 lines, the bank's returns
  // (every 40th line fails).
  int64_t line_number = 0;
  for (auto& [account, list] : payments) {
    const dv1::AccountKey& key = keys[account];
    int64_t total = 0;
    for (const dv1::Payment& p : list) total += p.amount_fen();
    dv1::FundsAllocated allocated;
    *allocated.mutable_account() = key;
    allocated.set_fen(total + total / 10);
    allocated.set_document_ref("财教〔2026〕1号");
    dv1::Posting* posting = allocated.add_postings();
    posting->set_debit(dv1::BOOK_AVAILABLE);
    posting->set_credit(dv1::BOOK_ALLOCATION);
    posting->set_fen(allocated.fen());
    RETURN_IF_ERROR(w.Add("disbursement", "disbursement.Account", account, allocated, opened + 5));
    for (size_t i = 0; i < list.size(); i += 2000) {
      dv1::PaymentsRecorded recorded;
      *recorded.mutable_account() = key;
      dv1::BatchBuilt batch;
      *batch.mutable_account() = key;
      batch.set_batch_id(absl::StrCat(account, "/b", i / 2000));
      batch.set_bank("农商银行");
      dv1::BankReturnRecorded returned;
      *returned.mutable_account() = key;
      returned.set_batch_id(batch.batch_id());
      for (size_t j = i; j < list.size() && j < i + 2000; ++j) {
        const dv1::Payment& p = list[j];
        *recorded.add_payments() = p;
        dv1::BatchLine* line = batch.add_lines();
        line->set_payment_id(p.payment_id());
        line->set_reference(absl::StrCat(p.payment_id(), "#1"));
        line->set_fen(p.amount_fen());
        batch.set_total_fen(batch.total_fen() + p.amount_fen());
        dv1::ReturnLine* r = returned.add_lines();
        r->set_reference(line->reference());
        r->set_fen(p.amount_fen());
        const bool failed = ++line_number % 40 == 0;
        r->set_outcome(failed ? dv1::RETURN_OUTCOME_FAILED : dv1::RETURN_OUTCOME_PAID);
        if (failed) r->set_reason("账户已销户");
      }
      RETURN_IF_ERROR(w.Add("disbursement", "disbursement.Account", account, recorded, approved + 1));
      RETURN_IF_ERROR(w.Add("disbursement", "disbursement.Account", account, batch, paid - 3));
      RETURN_IF_ERROR(w.Add("disbursement", "disbursement.Account", account, returned, paid));
    }
  }

  // Dropout cases of the children who dropped out: a team for every other
  // one, every third back and crossed off in November.
  int n = 0;
  for (const Student& s : all) {
    if (!s.dropped_out) continue;
    const std::string case_id = absl::StrCat(s.id, "#1");
    dropout::v1::CaseOpened o;
    o.set_case_id(case_id);
    o.set_subject(s.id);
    o.set_student_id(s.id);
    o.set_school_code(s.school);
    o.set_county_code(s.county);
    o.set_stage(s.stage);
    o.set_reason("学籍系统记为辍学");
    *o.mutable_opened_on() = D(dropped);
    RETURN_IF_ERROR(w.Add("dropout", "dropout.Subject", s.id, o, dropped));
    if (n % 2 == 0) {
      dropout::v1::TeamAssigned t;
      t.set_case_id(case_id);
      for (auto role :
           {dropout::v1::TEAM_ROLE_TEACHER, dropout::v1::TEAM_ROLE_VILLAGE_CADRE, dropout::v1::TEAM_ROLE_GUARDIAN}) {
        dropout::v1::TeamMember* m = t.add_team();
        m->set_role(role);
        m->set_name("某某");
      }
      RETURN_IF_ERROR(w.Add("dropout", "dropout.Subject", s.id, t, dropped + 2));
    }
    if (n % 3 == 0) {
      dropout::v1::CaseCrossedOff x;
      x.set_case_id(case_id);
      *x.mutable_date() = D(absl::CivilDay(y, 11, 20));
      x.set_note("已返校");
      RETURN_IF_ERROR(w.Add("dropout", "dropout.Subject", s.id, x, absl::CivilDay(y, 11, 20)));
    }
    ++n;
  }

  // A school pair per county (the urban first school, the rural second),
  // its activities, the city's plan, the county's teachers and a rotation.
  for (int c = 0; c < shape.counties && shape.schools_per_county >= 2; ++c) {
    const std::string county = absl::StrFormat("2101%02d", c + 2);
    const std::string pair = absl::StrCat(county, "-pair-1");
    pairing::v1::PairFormed f;
    f.set_pair_id(pair);
    f.set_kind(pairing::v1::PAIR_KIND_SCHOOL);
    f.set_urban_school(absl::StrCat(county, "0001"));
    f.set_rural_school(absl::StrCat(county, "0002"));
    f.set_county_code(county);
    *f.mutable_start() = D(opened);
    RETURN_IF_ERROR(w.Add("pairing", "pairing.Pair", pair, f, opened));
    int activity = 0;
    for (auto [kind, day] : {std::make_pair(pairing::v1::ACTIVITY_KIND_JOINT_RESEARCH, absl::CivilDay(y, 10, 10)),
                             std::make_pair(pairing::v1::ACTIVITY_KIND_DEMONSTRATION_LESSON, absl::CivilDay(y, 11, 11)),
                             std::make_pair(pairing::v1::ACTIVITY_KIND_DEMONSTRATION_LESSON, absl::CivilDay(y, 9, 20)),
                             std::make_pair(pairing::v1::ACTIVITY_KIND_DONATION, absl::CivilDay(y, 12, 1)),
                             std::make_pair(pairing::v1::ACTIVITY_KIND_DEMONSTRATION_LESSON, after_period)}) {
      pairing::v1::ActivityRecorded a;
      a.set_pair_id(pair);
      a.mutable_activity()->set_activity_id(absl::StrCat(pair, "/", ++activity));
      a.mutable_activity()->set_kind(kind);
      *a.mutable_activity()->mutable_date() = D(day);
      if (kind == pairing::v1::ACTIVITY_KIND_DONATION) a.mutable_activity()->set_value_fen(1234500);
      RETURN_IF_ERROR(w.Add("pairing", "pairing.Pair", pair, a, day));
    }
    pairing::v1::TeachersDeclared t;
    t.set_county_code(county);
    t.set_year(y);
    for (int i = 0; i < 10; ++i) {
      pairing::v1::Teacher* teacher = t.add_teachers();
      teacher->set_teacher_id(absl::StrCat(county, "-t", i));
      teacher->set_school_code(absl::StrCat(county, "0001"));
      teacher->set_backbone(i < 5);
    }
    const std::string rotation = absl::StrCat(county, "/", y);
    RETURN_IF_ERROR(w.Add("pairing", "pairing.Rotation", rotation, t, opened));
    pairing::v1::TeacherRotated r;
    r.set_county_code(county);
    r.set_year(y);
    r.mutable_rotation()->set_teacher_id(absl::StrCat(county, "-t0"));
    r.mutable_rotation()->set_to_school(absl::StrCat(county, "0002"));
    *r.mutable_rotation()->mutable_from() = D(opened);
    RETURN_IF_ERROR(w.Add("pairing", "pairing.Rotation", rotation, r, opened));
  }
  pairing::v1::PlanSet plan;
  plan.mutable_plan()->set_plan_id("2101/2026-2028");
  plan.mutable_plan()->set_scope("2101");
  plan.mutable_plan()->set_name("城乡结对三年计划");
  *plan.mutable_plan()->mutable_from() = D(absl::CivilDay(y, 1, 1));
  *plan.mutable_plan()->mutable_to() = D(absl::CivilDay(y + 2, 12, 31));
  plan.mutable_plan()->set_school_pairs(100);
  plan.mutable_plan()->set_teacher_pairs(200);
  plan.mutable_plan()->set_demonstration_lessons(300);
  RETURN_IF_ERROR(w.Add("pairing", "pairing.Plan", "2101/2026-2028", plan, opened));
  return w.FlushAll();
}

}  // namespace zizhu::report::gen
