// Policy versions: loading, publishing, the version in force.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/core/civil_date.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"
#include "services/registry/published/enrolment_change.h"
#include "services/subsidy/domain/decision_support.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "services/subsidy/domain/round_decisions.h"
#include "services/subsidy/domain/round_evolve.h"

namespace zizhu::subsidy {

absl::StatusOr<v1::PolicyRecord> PolicyInForce(SubsidyState& state, const Semester& semester) {
  ASSIGN_OR_RETURN(std::vector<v1::PolicyRecord> policies, state.AllPolicies());
  std::optional<v1::PolicyRecord> best;
  for (v1::PolicyRecord& record : policies) {
    if (record.draft()) continue;
    const absl::CivilDay effective = ToCivil(record.policy().effective_from());
    if (effective > CalendarOf(record.policy(), semester).first_day) continue;
    if (!best || effective > ToCivil(best->policy().effective_from())) best = std::move(record);
  }
  if (!best) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NO_POLICY_IN_FORCE", {{"semester", semester.id()}},
                   absl::StrCat("no published policy version is in force for ", semester.id(),
                                "; load one with `zizhu policy load FILE`"));
  }
  return *best;
}

absl::StatusOr<Events> DecideLoadPolicy(SubsidyState& state, const v1::Policy& policy, bool draft,
                                        const std::string& file_name, const std::string& file_hash) {
  RETURN_IF_ERROR(ValidatePolicy(policy));
  ASSIGN_OR_RETURN(auto existing, state.FindPolicy(policy.version()));
  if (existing && !existing->draft()) {
    return Refusal(absl::StatusCode::kAlreadyExists, "POLICY_PUBLISHED", {{"version", policy.version()}},
                   absl::StrCat("policy version ", policy.version(),
                                " is already published and never changes; load a new version"));
  }
  if (existing && google::protobuf::util::MessageDifferencer::Equals(existing->policy(), policy) &&
      existing->draft() == draft) {
    return Refusal(absl::StatusCode::kAlreadyExists, "POLICY_LOADED_SAME", {{"version", policy.version()}},
                   absl::StrCat("policy version ", policy.version(), " is already loaded as it is"));
  }
  EventList events(kPolicyAggregate, policy.version(), existing ? existing->aggregate_version() : 0);
  auto loaded = New<v1::PolicyVersionLoaded>();
  *loaded->mutable_policy() = policy;
  loaded->set_draft(true);
  loaded->set_file_name(file_name);
  loaded->set_file_hash(file_hash);
  events.Add(loaded);
  if (!draft) {
    ASSIGN_OR_RETURN(std::vector<v1::PolicyRecord> all, state.AllPolicies());
    for (const v1::PolicyRecord& other : all) {
      if (!other.draft() && other.policy().version() != policy.version() &&
          ToCivil(other.policy().effective_from()) == ToCivil(policy.effective_from())) {
        return Refusal(absl::StatusCode::kFailedPrecondition, "POLICY_DATE_TAKEN",
                       {{"version", other.policy().version()}, {"date", FormatDate(policy.effective_from())}},
                       absl::StrCat("published version ", other.policy().version(), " already takes effect on ",
                                    FormatDate(policy.effective_from())));
      }
    }
    auto published = New<v1::PolicyVersionPublished>();
    published->set_version(policy.version());
    events.Add(published);
  }
  return events.Take();
}

absl::StatusOr<Events> DecidePublishPolicy(SubsidyState& state, const std::string& version) {
  if (version.empty()) return FieldRequired("version");
  ASSIGN_OR_RETURN(auto existing, state.FindPolicy(version));
  if (!existing) return NotFound("policy", version.substr(0, 40));
  if (!existing->draft())
    return Refusal(absl::StatusCode::kAlreadyExists, "POLICY_PUBLISHED", {{"version", version}},
                   absl::StrCat("policy version ", version, " is already published"));
  ASSIGN_OR_RETURN(std::vector<v1::PolicyRecord> all, state.AllPolicies());
  for (const v1::PolicyRecord& other : all) {
    if (!other.draft() && ToCivil(other.policy().effective_from()) == ToCivil(existing->policy().effective_from())) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "POLICY_DATE_TAKEN",
                     {{"version", other.policy().version()}, {"date", FormatDate(existing->policy().effective_from())}},
                     absl::StrCat("published version ", other.policy().version(), " already takes effect on ",
                                  FormatDate(existing->policy().effective_from())));
    }
  }
  EventList events(kPolicyAggregate, version, existing->aggregate_version());
  auto published = New<v1::PolicyVersionPublished>();
  published->set_version(version);
  events.Add(published);
  return events.Take();
}

}  // namespace zizhu::subsidy
