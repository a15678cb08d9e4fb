#include "services/disbursement/disbursement.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/common/es/event_dispatcher.h"
#include "zizhu/subsidy/v1/events.pb.h"

namespace zizhu::disbursement {
namespace {

using Group = std::map<std::tuple<std::string, int, std::string>, std::vector<EntitlementShare>>;

void AddReactions(const Group& groups, const std::string& cause, std::vector<es::Reaction>& out) {
  for (const auto& [group, shares] : groups) {
    v1::AccountKey key;
    key.set_county_code(std::get<0>(group));
    key.set_source(static_cast<subsidy::v1::FundSource>(std::get<1>(group)));
    key.set_semester(std::get<2>(group));
    out.push_back(
        {absl::StrCat("shares-", AccountId(key)), [key, shares, cause](storage::ProjectionBatch& view, absl::Time) {
           RowsAccount state(view);
           return DecideEntitlementShares(state, key, shares, cause);
         }});
  }
}

// What an adjusted entitlement now allows, from every source (0 where the
// adjustment names none), so that a source cut to nothing is cut too.
void AddAdjusted(const std::string& round_id, const std::string& student, const std::string& school,
                 const std::string& county, const std::string& semester, const std::string& name,
                 const subsidy::v1::Adjustment& adjustment, const std::string& cause, std::vector<es::Reaction>& out) {
  Group groups;
  for (int source = subsidy::v1::FUND_SOURCE_CENTRAL; source <= subsidy::v1::FUND_SOURCE_CIVIL_AFFAIRS; ++source) {
    int64_t fen = 0;
    for (const auto& part : adjustment.shares_after()) {
      if (part.source() == source) fen += part.fen();
    }
    groups[{county, source, semester}].push_back({round_id, student, school, name, fen});
  }
  AddReactions(groups, cause, out);
}

}  // namespace

// The subsidy's events this service reacts to, one typed handler each.
const es::EventDispatcher<std::vector<es::Reaction>&>& SubsidyReactions() {
  using Envelope = common::v1::EventEnvelope;
  using Out = std::vector<es::Reaction>;
  static const auto* on = [] {
    auto* d = new es::EventDispatcher<Out&>();
    d->On<subsidy::v1::EntitlementsFixed>(
        [](const subsidy::v1::EntitlementsFixed& fixed, const Envelope& upstream, Out& out) {
          Group groups;
          for (const subsidy::v1::Entitlement& e : fixed.entitlements()) {
            // Every source has its account; civil affairs' (the university-admission
            // grant, which civil affairs pays itself) is handed off: its "batch" is
            // the list for civil affairs and its "return" their confirmation.
            for (const auto& part : e.payable_shares()) {
              groups[{e.county_code(), part.source(), e.semester()}].push_back(
                  {e.round_id(), e.student_id(), e.school_code(), e.facts().name_masked(), part.fen()});
            }
          }
          AddReactions(groups, upstream.event_id(), out);
          return absl::OkStatus();
        });
    d->On<subsidy::v1::EntitlementAdjusted>(
        [](const subsidy::v1::EntitlementAdjusted& adjusted, const Envelope& upstream, Out& out) {
          AddAdjusted(adjusted.round_id(), adjusted.student_id(), adjusted.school_code(), adjusted.county_code(),
                      adjusted.semester(), adjusted.name_masked(), adjusted.adjustment(), upstream.event_id(), out);
          return absl::OkStatus();
        });
    d->On<subsidy::v1::StudentDisqualified>(
        [](const subsidy::v1::StudentDisqualified& disqualified, const Envelope& upstream, Out& out) {
          if (!disqualified.has_adjustment()) return absl::OkStatus();  // not approved yet: nothing to pay
          AddAdjusted(disqualified.round_id(), disqualified.student_id(), disqualified.school_code(),
                      disqualified.county_code(), disqualified.semester(), disqualified.name_masked(),
                      disqualified.adjustment(), upstream.event_id(), out);
          return absl::OkStatus();
        });
    return d;
  }();
  return *on;
}

absl::Status ReactToSubsidy(const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out) {
  return SubsidyReactions().Dispatch(upstream, out);
}

std::vector<service::Follow> Disbursement::follows() {
  return {{options_.subsidy_topic, nullptr, ReactToSubsidy}, {options_.registry_topic, &payees_, {}}};
}

absl::Status Disbursement::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  if (vault_ == nullptr) return absl::FailedPreconditionError("the disbursement service needs the personal-data key");
  app_ = std::make_unique<DisbursementApp>(&context.commands, &context.store, vault_);
  grpc_ = std::make_unique<DisbursementGrpcService>(app_.get(), &context.authenticator);
  grpc_services.push_back(grpc_.get());
  return absl::OkStatus();
}

}  // namespace zizhu::disbursement
