// An in-memory SubsidyState for domain tests: own records are folded from
// the decided events with the same Evolve functions the projection uses.
#pragma once

#include <map>

#include "absl/strings/str_cat.h"
#include "services/subsidy/domain/ports.h"
#include "services/subsidy/domain/round_decisions.h"
#include "services/subsidy/domain/round_evolve.h"

namespace zizhu::subsidy::testing {

class FakeState final : public SubsidyState {
 public:
  std::map<std::string, v1::PolicyRecord> policies;
  std::map<std::string, v1::RoundRecord> rounds;
  std::map<std::string, v1::ApplicationRecord> applications;  // round|student
  std::map<std::string, v1::CoverageReason> reasons;          // round|student
  std::map<std::string, v1::ObjectionRecord> objections;      // round|id
  std::map<std::string, v1::EntitlementRecord> entitlements;  // student|semester
  std::map<std::string, v1::UpstreamSchool> schools;
  std::map<std::string, v1::UpstreamStudent> students;
  std::map<std::string, v1::UpstreamPovertyEvidence> evidence;
  int transition_years = 5;

  absl::StatusOr<std::optional<v1::PolicyRecord>> FindPolicy(const std::string& v) override {
    return Find(policies, v);
  }
  absl::StatusOr<std::vector<v1::PolicyRecord>> AllPolicies() override {
    std::vector<v1::PolicyRecord> all;
    for (const auto& [k, p] : policies) all.push_back(p);
    return all;
  }
  absl::StatusOr<std::optional<v1::RoundRecord>> FindRound(const std::string& id) override { return Find(rounds, id); }
  absl::StatusOr<std::optional<v1::ApplicationRecord>> FindApplication(const std::string& r,
                                                                       const std::string& s) override {
    return Find(applications, r + "|" + s);
  }
  absl::Status ForEachApplication(const std::string& r,
                                  const std::function<bool(const v1::ApplicationRecord&)>& visit) override {
    for (const auto& [k, a] : applications) {
      if (k.rfind(r + "|", 0) == 0 && !visit(a)) break;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<bool> HasCoverageReason(const std::string& r, const std::string& s) override {
    return reasons.count(r + "|" + s) > 0;
  }
  absl::StatusOr<std::optional<v1::ObjectionRecord>> FindObjection(const std::string& r,
                                                                   const std::string& id) override {
    return Find(objections, r + "|" + id);
  }
  absl::StatusOr<std::vector<v1::ObjectionRecord>> OpenObjections(const std::string& r) override {
    std::vector<v1::ObjectionRecord> open;
    for (const auto& [k, o] : objections) {
      if (k.rfind(r + "|", 0) == 0 && o.outcome() == v1::OBJECTION_OUTCOME_UNSPECIFIED) open.push_back(o);
    }
    return open;
  }
  absl::StatusOr<std::vector<v1::EntitlementRecord>> EntitlementsOfStudent(const std::string& s) override {
    std::vector<v1::EntitlementRecord> all;
    for (const auto& [k, e] : entitlements) {
      if (k.rfind(s + "|", 0) == 0) all.push_back(e);
    }
    return all;
  }
  absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& c) override {
    return Find(schools, c);
  }
  absl::StatusOr<std::optional<v1::UpstreamStudent>> FindStudent(const std::string& id) override {
    return Find(students, id);
  }
  absl::StatusOr<std::optional<v1::UpstreamPovertyEvidence>> FindEvidence(const std::string& h) override {
    return Find(evidence, h);
  }
  absl::StatusOr<int> ExitTransitionYears() override { return transition_years; }
  absl::Status ForEachStudentOfSchool(const std::string& school,
                                      const std::function<bool(const v1::UpstreamStudent&)>& visit) override {
    for (const auto& [id, s] : students) {
      if (s.school_code() == school && !visit(s)) break;
    }
    return absl::OkStatus();
  }

  // Folds decided events into the records (as the projection does).
  void Apply(const Events& events) {
    google::protobuf::Timestamp at;
    at.set_seconds(now_seconds);
    for (const es::NewEvent& e : events) {
      const google::protobuf::Message& m = *e.payload;
      const int64_t version = e.aggregate_version.value();
      if (auto* x = dynamic_cast<const v1::PolicyVersionLoaded*>(&m)) {
        auto& p = policies[x->policy().version()];
        Evolve(p, *x, at);
        p.set_aggregate_version(version);
      } else if (auto* x = dynamic_cast<const v1::PolicyVersionPublished*>(&m)) {
        auto& p = policies[x->version()];
        Evolve(p, *x, at);
        p.set_aggregate_version(version);
      } else if (auto* x = dynamic_cast<const v1::RoundOpened*>(&m)) {
        Evolve(rounds[x->round_id()], *x, at);
      } else if (auto* x = dynamic_cast<const v1::ApplicationsSubmitted*>(&m)) {
        for (const auto& a : x->applications()) {
          PutApp(x->round_id(), NewApplication(x->round_id(), a, at));
          auto& r = rounds[x->round_id()];
          r.set_submitted(r.submitted() + 1);
        }
      } else if (auto* x = dynamic_cast<const v1::CoverageReasonsRecorded*>(&m)) {
        for (const auto& c : x->reasons()) reasons[x->round_id() + "|" + c.student_id()] = c;
      } else if (auto* x = dynamic_cast<const v1::ApplicationsReviewed*>(&m)) {
        for (const auto& rv : x->reviews()) {
          auto app = applications[x->round_id() + "|" + rv.student_id()];
          ApplyReview(app, rv, x->reviewers(), at);
          PutApp(x->round_id(), app);
        }
      } else if (auto* x = dynamic_cast<const v1::NoticePublished*>(&m)) {
        Evolve(rounds[x->round_id()], *x);
      } else if (auto* x = dynamic_cast<const v1::SupplementaryNoticePublished*>(&m)) {
        Evolve(rounds[x->round_id()], *x);
        for (const auto& student : x->student_ids()) {
          auto app = applications[x->round_id() + "|" + student];
          PutOnNotice(app, *x);
          PutApp(x->round_id(), app);
        }
      } else if (auto* x = dynamic_cast<const v1::ObjectionRaised*>(&m)) {
        v1::ObjectionRecord o;
        o.set_round_id(x->round_id());
        o.set_objection_id(x->objection_id());
        o.set_student_id(x->student_id());
        objections[x->round_id() + "|" + x->objection_id()] = o;
        auto& r = rounds[x->round_id()];
        r.set_objections(r.objections() + 1);
        r.set_open_objections(r.open_objections() + 1);
      } else if (auto* x = dynamic_cast<const v1::ObjectionResolved*>(&m)) {
        objections[x->round_id() + "|" + x->objection_id()].set_outcome(x->outcome());
        auto& r = rounds[x->round_id()];
        r.set_open_objections(r.open_objections() - 1);
        auto app = applications[x->round_id() + "|" + x->student_id()];
        if (x->outcome() == v1::OBJECTION_OUTCOME_UPHELD_REMOVE) app.set_state(v1::APPLICATION_STATE_REMOVED);
        if (x->outcome() == v1::OBJECTION_OUTCOME_UPHELD_CHANGE_TIER) app.set_tier(x->new_tier());
        PutApp(x->round_id(), app);
      } else if (auto* x = dynamic_cast<const v1::RoundApproved*>(&m)) {
        rounds[x->round_id()].set_state(v1::ROUND_STATE_APPROVED);
      } else if (auto* x = dynamic_cast<const v1::EntitlementsFixed*>(&m)) {
        for (const auto& en : x->entitlements()) {
          auto app = applications[x->round_id() + "|" + en.student_id()];
          app.set_state(v1::APPLICATION_STATE_APPROVED);
          PutApp(x->round_id(), app);
          entitlements[en.student_id() + "|" + en.semester()] = NewEntitlement(en, at);
        }
      } else if (auto* x = dynamic_cast<const v1::EntitlementAdjusted*>(&m)) {
        const std::string semester = x->round_id().substr(x->round_id().find('/') + 1);
        ApplyAdjustment(entitlements[x->student_id() + "|" + semester], x->adjustment());
      } else if (auto* x = dynamic_cast<const v1::StudentDisqualified*>(&m)) {
        auto app = applications[x->round_id() + "|" + x->student_id()];
        app.set_state(v1::APPLICATION_STATE_DISQUALIFIED);
        app.set_disqualification(x->note());
        PutApp(x->round_id(), app);
        if (x->has_adjustment()) {
          const std::string semester = x->round_id().substr(x->round_id().find('/') + 1);
          ApplyAdjustment(entitlements[x->student_id() + "|" + semester], x->adjustment());
        }
      }
      if (e.aggregate_type == kRoundAggregate) rounds[e.aggregate_id.value()].set_aggregate_version(version);
    }
  }
  int64_t now_seconds = 0;

 private:
  template <typename Map>
  static absl::StatusOr<std::optional<typename Map::mapped_type>> Find(const Map& map, const std::string& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }
  void PutApp(const std::string& round_id, const v1::ApplicationRecord& after) {
    const std::string key = round_id + "|" + after.application().student_id();
    auto it = applications.find(key);
    if (it != applications.end()) Tally(rounds[round_id], it->second, -1);
    Tally(rounds[round_id], after, +1);
    applications[key] = after;
  }
};

}  // namespace zizhu::subsidy::testing
