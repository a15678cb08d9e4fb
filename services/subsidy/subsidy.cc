#include "services/subsidy/subsidy.h"

#include "services/subsidy/domain/round_decisions.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::subsidy {

std::vector<service::Follow> Subsidy::follows() {
  return {{options_.registry_topic, &registry_facts_,
           [](const common::v1::EventEnvelope& upstream, std::vector<es::Reaction>& out) {
             registry::v1::EnrolmentStatusChanged change;
             if (!upstream.payload().UnpackTo(&change)) return absl::OkStatus();
             // The facts come from the event; the decision finds the
             // student's entitlements among this service's own rows.
             out.push_back({"adjust-entitlements",
                            [change, cause = upstream.event_id()](storage::ProjectionBatch& view, absl::Time) {
                              RowsState state(RowSource::Of(view));
                              return DecideAdjustForEnrolment(state, change, cause);
                            }});
             return absl::OkStatus();
           }}};
}

absl::Status Subsidy::Attach(service::ServiceContext& context, std::vector<grpc::Service*>& grpc_services) {
  app_ = std::make_unique<SubsidyApp>(&context.commands, &context.store, context.city);
  grpc_ = std::make_unique<SubsidyGrpcService>(app_.get(), &context.authenticator);
  grpc_services.push_back(grpc_.get());
  return absl::OkStatus();
}

}  // namespace zizhu::subsidy
