// Service: what one zizhu service hands to the kit. The kit (ServiceHost)
// owns the projection store, the single writer, the answer pool, the live
// subscriptions and the gRPC server; a service supplies only its business:
// the projection of its own events, the upstream topics it follows, and its
// app layer and gRPC adapters.
//
// Lifecycle: constructed by the service's factory (before the host opens
// anything), then projection() and follows() are read, then Attach() is
// called once the own projection has caught up with the log, then the host
// serves. The Service outlives the host's use of it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "services/common/auth/authenticator.h"
#include "services/common/core/clock.h"
#include "services/common/es/commands.h"
#include "services/common/es/projection.h"
#include "services/common/es/subscription.h"
#include "services/common/storage/projection_store.h"

namespace grpc {
class Service;
}

namespace zizhu::service {

// An upstream topic followed live (see es::Subscription).
struct Follow {
  std::string topic;
  es::Projection* projection = nullptr;  // may be null (reactions only)
  es::ReactFn react;                     // may be empty (rows only)
};

// What Attach() gets from the host; everything outlives the service's use.
struct ServiceContext {
  es::Commands& commands;
  storage::ProjectionStore& store;
  const Clock& clock;
  // Verifies callers; every gRPC adapter authenticates through it (see
  // grpc_kit::Endpoint).
  const auth::Authenticator& authenticator;
  // The city this deployment serves ("" = any).
  const std::string& city;
};

class Service {
 public:
  virtual ~Service() = default;
  // Short lowercase name: "registry". Names threads, logs and the actor of
  // reactions ("system:<name>").
  virtual std::string name() const = 0;
  // The projection of the service's own topic.
  virtual es::Projection& projection() = 0;
  // Upstream topics to follow; none by default.
  virtual std::vector<Follow> follows() { return {}; }
  // Creates the app layer and the gRPC services (owned by the Service) and
  // appends them to `grpc_services`.
  virtual absl::Status Attach(ServiceContext& context, std::vector<grpc::Service*>& grpc_services) = 0;
};

}  // namespace zizhu::service
