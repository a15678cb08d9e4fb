#include "services/subsidy/subsidy.h"

#include "services/common/es/event_dispatcher.h"
#include "services/subsidy/domain/round_decisions.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::subsidy {

std::vector<service::Follow> Subsidy::follows() {
  // The registry's events this service reacts to, one typed handler each.
  static const auto* on = [] {
    auto* d = new es::EventDispatcher<std::vector<es::Reaction>&>();
    d->On<registry::v1::EnrolmentStatusChanged>([](const registry::v1::EnrolmentStatusChanged& change,
                                                   const common::v1::EventEnvelope& upstream,
                                                   std::vector<es::Reaction>& out) {
      // The facts come from the event; the decision finds the student's
      // entitlements among this service's own rows.
      out.push_back(
          {"adjust-entitlements", [change, cause = upstream.event_id()](storage::ProjectionBatch& view, absl::Time) {
             RowsState state(RowSource::Of(view));
             return DecideAdjustForEnrolment(state, change, cause);
           }});
      return absl::OkStatus();
    });
    return d;
  }();
  return {{options_.registry_topic, &registry_facts_,
           [](const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out) {
             return on->Dispatch(upstream, out);
           }}};
}

absl::Status Subsidy::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  app_ = std::make_unique<SubsidyApp>(&context.commands, &context.store, context.city);
  grpc_ = std::make_unique<SubsidyGrpcService>(app_.get(), &context.authenticator);
  grpc_services.push_back(grpc_.get());
  return absl::OkStatus();
}

}  // namespace zizhu::subsidy
