#include "services/common/es/projection.h"

#include "absl/strings/str_cat.h"
#include "services/common/core/status_macros.h"

namespace zizhu::es {

std::string RequestOutcomeKey(const std::string& actor, const std::string& request_id) {
  return absl::StrCat("~request/", actor, "/", request_id);
}

absl::Status ApplyEventRows(Projection& projection, const common::v1::EventEnvelope& event,
                            storage::ProjectionBatch& batch) {
  RETURN_IF_ERROR(projection.Apply(event, batch));
  if (!event.request_id().empty()) {
    // The outcome of a command names the aggregate of its first event and
    // that aggregate's version after the command's last event on it.
    const std::string key = RequestOutcomeKey(event.actor(), event.request_id());
    common::v1::CommandOutcome outcome;
    if (event.index_in_command() == 0) {
      outcome.set_request_id(event.request_id());
      outcome.set_aggregate_type(event.aggregate_type());
      outcome.set_aggregate_id(event.aggregate_id());
      outcome.set_aggregate_version(event.aggregate_version());
      outcome.set_first_event_id(event.event_id());
      outcome.set_request_fingerprint(event.request_fingerprint());
      batch.Put(key, outcome.SerializeAsString());
    } else {
      ASSIGN_OR_RETURN(auto existing, batch.Get(key));
      if (existing && outcome.ParseFromString(*existing) && outcome.aggregate_id() == event.aggregate_id()) {
        outcome.set_aggregate_version(event.aggregate_version());
        batch.Put(key, outcome.SerializeAsString());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace zizhu::es
