#include "services/registry/domain/cross_match.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/enum_label.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"
#include "services/registry/domain/roster_rows.h"

namespace zizhu::registry {
namespace {

struct Claim {
  std::string source;
  std::string name;
  v1::Date birth_date;
};

bool HasCategory(const v1::StudentRecord& s, v1::PovertyCategory c) {
  return std::find(s.categories().begin(), s.categories().end(), c) != s.categories().end();
}

std::string AssistanceName(v1::AssistanceType a) { return EnumLabel(a, /*chinese=*/true); }

// A reason the work queues show: the English line (logs, the agencies'
// systems) and its code with parameters, said in the operator's language from
// the catalogue (libs/reasons/reasons.tsv). Parameters ending _zh and _en hold
// text already in that language.
void Say(v1::MatchResult& r, absl::string_view code, ReasonParams params, std::string english) {
  r.add_reasons(std::move(english));
  common::v1::ErrorInfo* info = r.add_reason_codes();
  info->set_reason(std::string(code));
  info->set_domain("zizhu");
  for (const auto& [name, value] : params) (*info->mutable_metadata())[std::string(name)] = value;
}

// A source of a claim ("poverty", "civil", "status", "registry") in words.
std::string SourceWords(const std::string& source, bool chinese) {
  if (source == "poverty") return chinese ? "扶贫部门" : "poverty office";
  if (source == "civil") return chinese ? "民政部门" : "civil affairs";
  if (source == "status") return chinese ? "学籍名单" : "student-status roster";
  if (source == "registry") return chinese ? "学籍系统" : "registry";
  return source;
}

v1::PovertyCategory CategoryFor(v1::AssistanceType a) {
  switch (a) {
    case v1::ASSISTANCE_TYPE_SUBSISTENCE_ALLOWANCE:
      return v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE;
    case v1::ASSISTANCE_TYPE_EXTREME_POVERTY:
      return v1::POVERTY_CATEGORY_EXTREME_POVERTY;
    case v1::ASSISTANCE_TYPE_ORPHAN:
      return v1::POVERTY_CATEGORY_ORPHAN;
    default:
      return v1::POVERTY_CATEGORY_UNSPECIFIED;
  }
}

}  // namespace

v1::MatchSettings DefaultMatchSettings(const v1::Date& as_of) {
  v1::MatchSettings s;
  *s.mutable_as_of() = as_of;
  s.set_school_age_min(6);
  s.set_school_age_max(15);
  s.set_exit_transition_years(kDefaultExitTransitionYears);
  return s;
}

v1::Date NewestEvidenceDate(const PersonEvidence& ev, const v1::Date& student_updated_on) {
  v1::Date newest = student_updated_on;
  for (const auto* e : {&ev.poverty, &ev.civil, &ev.status}) {
    if (*e && rules::CompareDates((*e)->recorded_on(), newest) > 0) newest = (*e)->recorded_on();
  }
  return newest;
}

int AgeOn(const v1::Date& birth, const v1::Date& as_of) {
  int age = as_of.year() - birth.year();
  if (as_of.month() < birth.month() || (as_of.month() == birth.month() && as_of.day() < birth.day())) --age;
  return age;
}

namespace {

// What each source says of the person's name and birth date; the result
// gets the sources, the name, the masked ID and the student id.
std::vector<Claim> Claims(const PersonEvidence& ev, v1::MatchResult& r) {
  std::vector<Claim> claims;
  auto add_roster = [&](const std::optional<v1::RosterEntry>& e, v1::RosterSource source) {
    if (!e) return;
    r.add_sources(source);
    claims.push_back({rules::RosterSourceName(source), e->person().name(), e->person().birth_date()});
    if (r.national_id_masked().empty()) r.set_national_id_masked(e->person().national_id().masked());
  };
  add_roster(ev.poverty, v1::ROSTER_SOURCE_POVERTY_OFFICE);
  add_roster(ev.civil, v1::ROSTER_SOURCE_CIVIL_AFFAIRS);
  add_roster(ev.status, v1::ROSTER_SOURCE_STUDENT_STATUS);
  if (ev.student) {
    claims.push_back({"registry", ev.student->name(), ev.student->birth_date()});
    r.set_student_id(ev.student->student_id());
    if (r.national_id_masked().empty()) r.set_national_id_masked(ev.student->national_id().masked());
  }
  if (!claims.empty()) r.set_name(claims.front().name);
  return claims;
}

// Where the person belongs in the work queues: school, then county.
void PlaceInQueues(const PersonEvidence& ev, v1::MatchResult& r) {
  if (ev.student) r.set_school_code(ev.student->school_code());
  if (r.school_code().empty() && ev.status) r.set_school_code(ev.status->person().school_code());
  if (!ev.school_county.empty()) {
    r.set_county(ev.school_county);
  } else if (ev.poverty) {
    r.set_county(ev.poverty->person().county());
  } else if (ev.status) {
    r.set_county(ev.status->person().county());
  } else if (ev.civil) {
    r.set_county(ev.civil->person().county());
  }
}

// 1. Conflicting names or birth dates between any two sources: true (and the
// category with its reasons) when there are any.
bool FoundConflicts(const std::vector<Claim>& claims, v1::MatchResult& r) {
  auto conflict = [&r](const char* field, const Claim& a, const std::string& av, const Claim& b,
                       const std::string& bv) {
    v1::AttributeConflict* c = r.add_conflicts();
    c->set_field(field);
    c->set_first_source(a.source);
    c->set_first_value(av);
    c->set_second_source(b.source);
    c->set_second_value(bv);
  };
  for (size_t i = 0; i < claims.size(); ++i) {
    for (size_t j = i + 1; j < claims.size(); ++j) {
      if (claims[i].name != claims[j].name) conflict("name", claims[i], claims[i].name, claims[j], claims[j].name);
      if (rules::CompareDates(claims[i].birth_date, claims[j].birth_date) != 0) {
        conflict("birth_date", claims[i], rules::FormatDate(claims[i].birth_date), claims[j],
                 rules::FormatDate(claims[j].birth_date));
      }
    }
  }
  if (r.conflicts_size() == 0) return false;
  r.set_category(v1::MATCH_CATEGORY_ATTRIBUTE_CONFLICT);
  for (const auto& c : r.conflicts()) {
    // Reasons are shown on work-queue lists: names in them are masked as
    // every list masks names (the conflict itself keeps both values).
    auto shown = [&c](const std::string& value) { return c.field() == "name" ? MaskName(value) : value; };
    Say(r, "MATCH_CONFLICT",
        {{"field_zh", c.field() == "name" ? "姓名" : "出生日期"},
         {"field", c.field()},
         {"first_source_zh", SourceWords(c.first_source(), true)},
         {"second_source_zh", SourceWords(c.second_source(), true)},
         {"first", shown(c.first_value())},
         {"second", shown(c.second_value())},
         {"first_source", c.first_source()},
         {"second_source", c.second_source()}},
        absl::StrCat(c.field(), ": ", c.first_source(), " says '", shown(c.first_value()), "', ", c.second_source(),
                     " says '", shown(c.second_value()), "'"));
  }
  return true;
}

// Which sources call the person poor, as of the reference date.
struct Poverty {
  bool exited = false;  // the household exited poverty
  int year_exited = 0;
  bool in_transition = false;  // exited, but within the transition period (policy data)
  bool poverty_office = false;
  bool civil_affairs = false;
  bool registry = false;
  std::vector<std::string> poor_in;  // "poverty office (household …)", "civil affairs (低保)", "registry"
  std::vector<std::string> poor_in_zh;  // the same in Chinese: "扶贫部门（户 …）", "民政部门（低保）", "学籍系统"
};

Poverty PovertyOf(const PersonEvidence& ev, const v1::MatchSettings& settings) {
  Poverty p;
  // A household that exited poverty stays in scope for the transition period:
  // its children are counted as registered-poor, shown as "exited YEAR".
  p.exited = ev.poverty && ev.poverty->exited();
  // An exit recorded without its year (before rows had to carry one) counts
  // from the year it was recorded, as the subsidy reads it.
  p.year_exited = !p.exited                                ? 0
                  : ev.poverty->person().year_exited() > 0 ? ev.poverty->person().year_exited()
                                                           : ev.poverty->exit_date().year();
  p.in_transition = p.exited && p.year_exited > 0 &&
                    settings.as_of().year() - p.year_exited <= settings.exit_transition_years() &&
                    settings.as_of().year() >= p.year_exited;
  p.poverty_office = ev.poverty && (!p.exited || p.in_transition);
  p.civil_affairs = ev.civil && !ev.civil->exited() && ev.civil->person().assistance_size() > 0;
  p.registry = ev.student && (HasCategory(*ev.student, v1::POVERTY_CATEGORY_REGISTERED_POOR) ||
                              HasCategory(*ev.student, v1::POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE) ||
                              HasCategory(*ev.student, v1::POVERTY_CATEGORY_EXTREME_POVERTY) ||
                              HasCategory(*ev.student, v1::POVERTY_CATEGORY_ORPHAN));
  if (p.poverty_office) {
    const std::string& household = ev.poverty->person().household_number();
    p.poor_in.push_back(absl::StrCat("poverty office (household ", household,
                                     p.in_transition ? absl::StrCat(", exited ", p.year_exited) : "", ")"));
    p.poor_in_zh.push_back(absl::StrCat("扶贫部门（户 ", household,
                                        p.in_transition ? absl::StrCat("，", p.year_exited, "年脱贫") : "", "）"));
  }
  if (p.civil_affairs) {
    std::vector<std::string> kinds;
    for (int a : ev.civil->person().assistance()) kinds.push_back(AssistanceName(static_cast<v1::AssistanceType>(a)));
    p.poor_in.push_back(absl::StrCat("civil affairs (", absl::StrJoin(kinds, "、"), ")"));
    p.poor_in_zh.push_back(absl::StrCat("民政部门（", absl::StrJoin(kinds, "、"), "）"));
  }
  if (p.registry) {
    p.poor_in.push_back("registry");
    p.poor_in_zh.push_back("学籍系统");
  }
  return p;
}

// 2. Poor and enrolled nowhere: NOT_ENROLLED of school age, else no finding.
void NotEnrolledFinding(const PersonEvidence& ev, const v1::MatchSettings& settings, const Poverty& poverty, int age,
                        v1::MatchResult& r) {
  r.set_age_sensitive(true);
  const std::string poor = absl::StrJoin(poverty.poor_in, ", ");
  const std::string poor_zh = absl::StrJoin(poverty.poor_in_zh, "、");
  const std::string min = std::to_string(settings.school_age_min()), max = std::to_string(settings.school_age_max());
  if (age < settings.school_age_min() || age > settings.school_age_max()) {
    r.set_category(v1::MATCH_CATEGORY_NO_FINDING);
    Say(r, "MATCH_OUTSIDE_SCHOOL_AGE",
        {{"poor_zh", poor_zh}, {"poor_en", poor}, {"age", std::to_string(age)}, {"min", min}, {"max", max}},
        absl::StrCat("poor per ", poor, " but aged ", age, ", outside school age ", min, "-", max));
    return;
  }
  r.set_category(v1::MATCH_CATEGORY_NOT_ENROLLED);
  const std::string as_of = rules::FormatDate(settings.as_of());
  Say(r, "MATCH_OF_SCHOOL_AGE",
      {{"poor_zh", poor_zh},
       {"poor_en", poor},
       {"age", std::to_string(age)},
       {"as_of", as_of},
       {"min", min},
       {"max", max}},
      absl::StrCat("poor per ", poor, "; aged ", age, " on ", as_of, " (school age ", min, "-", max, ")"));
  if (ev.status) {
    const v1::EnrolmentStatus status = ev.status->person().enrolment_status();
    Say(r, "MATCH_STATUS_ROSTER_SAYS", {{"status", v1::EnrolmentStatus_Name(status)}},
        absl::StrCat("student-status roster says ", EnumLabel(status, /*chinese=*/false)));
  } else {
    Say(r, "MATCH_NOT_IN_STATUS_ROSTER", {}, "not in the student-status roster");
  }
  if (ev.student) {
    const v1::EnrolmentStatus status = ev.student->status();
    Say(r, "MATCH_REGISTRY_SAYS", {{"status", v1::EnrolmentStatus_Name(status)}},
        absl::StrCat("registry says ", EnumLabel(status, /*chinese=*/false)));
  } else {
    Say(r, "MATCH_NOT_IN_REGISTRY", {}, "not in the registry");
  }
}

// 3. Enrolled: do the sources agree on poverty?
void AgreementFinding(const PersonEvidence& ev, const Poverty& poverty, v1::MatchResult& r) {
  struct Disagreement {
    std::string code;
    std::string kind_zh, kind_en;
    std::string english;
  };
  std::vector<Disagreement> disagreements;
  const bool registry_registered_poor = ev.student && HasCategory(*ev.student, v1::POVERTY_CATEGORY_REGISTERED_POOR);
  if (poverty.poverty_office && !registry_registered_poor) {
    disagreements.push_back(
        ev.student ? Disagreement{"MATCH_POVERTY_NOT_IN_REGISTRY", "", "",
                                  "poverty office lists a registered-poor household; the registry does not"}
                   : Disagreement{"MATCH_POVERTY_NO_REGISTRY_RECORD", "", "",
                                  "poverty office lists a registered-poor household; the registry has no record"});
  }
  if (registry_registered_poor && !poverty.poverty_office) {
    disagreements.push_back(
        ev.poverty ? Disagreement{"MATCH_REGISTRY_POOR_EXITED", "", "",
                                  "registry says registered-poor; the poverty office says the household exited"}
                   : Disagreement{"MATCH_REGISTRY_POOR_UNLISTED", "", "",
                                  "registry says registered-poor; the poverty office does not list the person"});
  }
  if (poverty.civil_affairs) {
    for (int a : ev.civil->person().assistance()) {
      auto type = static_cast<v1::AssistanceType>(a);
      if (!ev.student || !HasCategory(*ev.student, CategoryFor(type))) {
        disagreements.push_back(
            Disagreement{ev.student ? "MATCH_CIVIL_NOT_IN_REGISTRY" : "MATCH_CIVIL_NO_REGISTRY_RECORD",
                         AssistanceName(type), EnumLabel(type, /*chinese=*/false),
                         absl::StrCat("civil affairs lists ", AssistanceName(type), "; the registry ",
                                      ev.student ? "does not" : "has no record")});
      }
    }
  }
  if (!disagreements.empty()) {
    r.set_category(v1::MATCH_CATEGORY_POOR_IN_ONE_SOURCE_ONLY);
    for (auto& d : disagreements) {
      if (d.kind_zh.empty()) {
        Say(r, d.code, {}, std::move(d.english));
      } else {
        Say(r, d.code, {{"kind_zh", d.kind_zh}, {"kind_en", d.kind_en}}, std::move(d.english));
      }
    }
  } else if (!poverty.poor_in.empty()) {
    r.set_category(v1::MATCH_CATEGORY_MATCHED);
    const std::string poor = absl::StrJoin(poverty.poor_in, ", ");
    Say(r, "MATCH_ENROLLED_POOR", {{"poor_zh", absl::StrJoin(poverty.poor_in_zh, "、")}, {"poor_en", poor}},
        absl::StrCat("enrolled; poor per ", poor));
  } else {
    r.set_category(v1::MATCH_CATEGORY_NO_FINDING);
    Say(r, "MATCH_ENROLLED_NOT_POOR", {}, "enrolled; poor in no source");
  }
}

}  // namespace

v1::MatchResult CrossMatch(const std::string& hash, const PersonEvidence& ev, const v1::MatchSettings& settings) {
  v1::MatchResult r;
  r.set_key(hash);
  const std::vector<Claim> claims = Claims(ev, r);
  PlaceInQueues(ev, r);
  if (FoundConflicts(claims, r)) return r;

  const Poverty poverty = PovertyOf(ev, settings);
  if (poverty.exited) {
    r.set_age_sensitive(true);
    const std::string& household = ev.poverty->person().household_number();
    Say(r, poverty.in_transition ? "MATCH_EXITED_IN_TRANSITION" : "MATCH_EXITED_BEYOND_TRANSITION",
        {{"household", household},
         {"year", std::to_string(poverty.year_exited)},
         {"years", std::to_string(settings.exit_transition_years())}},
        absl::StrCat("household ", household, " exited poverty in ", poverty.year_exited,
                     poverty.in_transition
                         ? absl::StrCat(": within the ", settings.exit_transition_years(),
                                        "-year transition period, still in scope")
                         : absl::StrCat(": beyond the ", settings.exit_transition_years(), "-year transition period")));
  }
  const bool enrolled_status =
      ev.status && !ev.status->exited() && ev.status->person().enrolment_status() == v1::ENROLMENT_STATUS_ENROLLED;
  const bool enrolled_registry = ev.student && ev.student->status() == v1::ENROLMENT_STATUS_ENROLLED;
  if (enrolled_status || enrolled_registry) {
    AgreementFinding(ev, poverty, r);
  } else if (!poverty.poor_in.empty()) {
    NotEnrolledFinding(ev, settings, poverty,
                       AgeOn(claims.empty() ? v1::Date() : claims.front().birth_date, settings.as_of()), r);
  } else {
    r.set_category(v1::MATCH_CATEGORY_NO_FINDING);
    Say(r, "MATCH_NOT_POOR_NOT_ENROLLED", {}, "poor in no source and not enrolled");
  }
  return r;
}

}  // namespace zizhu::registry
