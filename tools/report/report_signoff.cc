#include "tools/report/report_signoff.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zizhu::report {
namespace {

v1::SignOffEntry Entry(const std::string& county, const std::string& point, const std::string& sha,
                       const std::string& actor, const std::string& day, const std::string& note) {
  v1::SignOffEntry e;
  e.set_county_code(county);
  e.set_point(point);
  e.set_figures_sha256(sha);
  e.set_actor(actor);
  e.set_signed_on(day);
  e.set_note(note);
  return e;
}

const v1::SignOffEntry* CountyEntry(const v1::PeriodSignOff& state, const std::string& county) {
  for (const v1::SignOffEntry& e : state.counties()) {
    if (e.county_code() == county) return &e;
  }
  return nullptr;
}

}  // namespace

void EvolveSignOff(v1::PeriodSignOff& state, const v1::CountySignedOff& event, const std::string& actor,
                   const std::string& day, int64_t version) {
  state.set_period(event.period());
  v1::SignOffEntry entry = Entry(event.county_code(), event.point(), event.figures_sha256(), actor, day, event.note());
  bool replaced = false;
  for (v1::SignOffEntry& e : *state.mutable_counties()) {
    if (e.county_code() == event.county_code()) {
      e = entry;
      replaced = true;
    }
  }
  if (!replaced) *state.add_counties() = entry;
  std::sort(state.mutable_counties()->begin(), state.mutable_counties()->end(),
            [](const v1::SignOffEntry& a, const v1::SignOffEntry& b) { return a.county_code() < b.county_code(); });
  state.set_version(version);
}

void EvolveSignOff(v1::PeriodSignOff& state, const v1::PeriodLocked& event, const std::string& actor,
                   const std::string& day, int64_t version) {
  state.set_period(event.period());
  *state.mutable_lock() = Entry("", event.point(), event.figures_sha256(), actor, day, event.note());
  state.set_version(version);
}

absl::StatusOr<v1::CountySignedOff> DecideCountySignOff(const v1::PeriodSignOff& state, const std::string& period,
                                                        const std::string& county, const std::string& point,
                                                        const std::string& sha, const std::string& note) {
  if (state.has_lock()) {
    return absl::FailedPreconditionError(absl::StrCat("period ", period, " was locked on ", state.lock().signed_on(),
                                                      " by ", state.lock().actor(),
                                                      "; its figures no longer change (later events are revisions "
                                                      "in the next period's report)"));
  }
  if (point.empty() || sha.empty()) return absl::InvalidArgumentError("a sign-off needs the point and the figures");
  v1::CountySignedOff e;
  e.set_period(period);
  e.set_county_code(county);
  e.set_point(point);
  e.set_figures_sha256(sha);
  e.set_note(note);
  return e;
}

absl::StatusOr<v1::PeriodLocked> DecideLock(const v1::PeriodSignOff& state, const std::string& period,
                                            const std::string& point, const std::string& city_sha,
                                            const std::map<std::string, std::string>& county_figures,
                                            const std::string& note) {
  if (state.has_lock()) {
    return absl::FailedPreconditionError(absl::StrCat("period ", period, " is already locked (on ",
                                                      state.lock().signed_on(), " by ", state.lock().actor(), ")"));
  }
  std::vector<std::string> unsigned_counties, changed;
  for (const auto& [county, sha] : county_figures) {
    const v1::SignOffEntry* e = CountyEntry(state, county);
    if (e == nullptr) {
      unsigned_counties.push_back(county);
    } else if (e->figures_sha256() != sha) {
      changed.push_back(absl::StrCat(county, " (signed on ", e->signed_on(), ")"));
    }
  }
  if (!unsigned_counties.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "period ", period, ": counties without a self-inspection: ", absl::StrJoin(unsigned_counties, ", "),
        " (each signs off first: zizhu report sign-off)"));
  }
  if (!changed.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("period ", period, ": the figures of ", absl::StrJoin(changed, ", "),
                     " at this point differ from what the county signed; the county signs off again at this point"));
  }
  v1::PeriodLocked e;
  e.set_period(period);
  e.set_point(point);
  e.set_figures_sha256(city_sha);
  for (const auto& [county, sha] : county_figures) e.add_counties(county);
  e.set_note(note);
  return e;
}

std::string DescribeSignOff(const v1::PeriodSignOff& state, bool chinese) {
  if (state.has_lock()) {
    return chinese ? absl::StrCat("已锁定（市级复查）：", state.lock().signed_on(), "，", state.lock().actor())
                   : absl::StrCat("locked (city re-inspection) on ", state.lock().signed_on(), " by ",
                                  state.lock().actor());
  }
  if (state.counties_size() == 0) return chinese ? "未签核" : "not signed off";
  std::vector<std::string> parts;
  for (const v1::SignOffEntry& e : state.counties()) {
    parts.push_back(absl::StrCat(e.county_code(), " ", e.signed_on(), " ", e.actor()));
  }
  return absl::StrCat(chinese ? "县级自查：" : "county self-inspections: ", absl::StrJoin(parts, "; "));
}

}  // namespace zizhu::report
