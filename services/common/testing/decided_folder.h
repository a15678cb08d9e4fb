// Folds decided events (es::NewEvent, the payload as a Message) into a
// domain test's memory rows through typed handlers, as the projection does
// after the log: each event is packed in an envelope and dispatched. An event
// without a handler is an error here (a projection would skip it).
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/es/event_dispatcher.h"
#include "services/common/es/event_types.h"
#include "services/common/es/new_event.h"

namespace zizhu::testing_kit {

template <typename Rows>
class DecidedFolder {
 public:
  DecidedFolder() = default;
  // One handler per type of `Types` (an es::EventTypes list), each calling
  // `fold(const Event&, int64_t version, Rows&)` (a generic lambda).
  template <typename Types, typename Fold>
  DecidedFolder(Types, Fold fold) {
    Types::ForEach([&](auto tag) { On<es::EventOfTag<decltype(tag)>>(fold); });
  }

  // `fold(const Event&, int64_t version, Rows&) -> absl::Status`.
  template <typename Event, typename Fold>
  DecidedFolder& On(Fold fold) {
    on_.template On<Event>([fold](const Event& e, const common::v1::EventEnvelope&, int64_t version, Rows& rows) {
      return fold(e, version, rows);
    });
    return *this;
  }

  absl::Status Apply(const std::vector<es::NewEvent>& events, Rows& rows) const {
    for (const es::NewEvent& e : events) {
      if (!on_.Handles(e.payload->GetDescriptor()->full_name())) {
        return absl::InternalError(absl::StrCat("no fold for ", e.payload->GetDescriptor()->full_name()));
      }
      common::v1::EventEnvelope envelope;
      envelope.mutable_payload()->PackFrom(*e.payload);
      absl::Status folded = on_.Dispatch(envelope, e.aggregate_version.value(), rows);
      if (!folded.ok()) return folded;
    }
    return absl::OkStatus();
  }

 private:
  es::EventDispatcher<int64_t, Rows&> on_;
};

}  // namespace zizhu::testing_kit
