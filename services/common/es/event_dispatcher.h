// EventDispatcher: routes an event envelope to the handler registered for its
// payload type, unpacked into the concrete message. It replaces hand-written
// `Is<T>() / UnpackTo()` chains.
//
//   EventDispatcher<storage::ProjectionBatch&> on;
//   on.On<v1::StudentRegistered>([](const v1::StudentRegistered& e, const Envelope& env,
//                                   storage::ProjectionBatch& rows) { ...; return absl::OkStatus(); });
//   RETURN_IF_ERROR(on.Dispatch(envelope, rows));
//
// Unknown payload types (written by a newer version of a service) are counted
// and skipped with OK, never errors: old readers survive new events. A payload
// whose type is known but whose bytes do not parse is DATA_LOSS.
//
// Lifecycle: register every handler first (not thread-safe), then Dispatch may
// be called from any number of threads (the handlers must allow it).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::es {

// "type.googleapis.com/zizhu.registry.v1.StudentRegistered" -> "zizhu.registry.v1.StudentRegistered".
inline std::string_view PayloadTypeName(const common::v1::EventEnvelope& envelope) {
  std::string_view url = envelope.payload().type_url();
  size_t slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

template <typename... Args>
class EventDispatcher {
 public:
  using Envelope = common::v1::EventEnvelope;

  // Registers `handler(const Event&, const Envelope&, Args...) -> absl::Status`
  // for payloads of type Event. A second handler for the same type replaces
  // the first.
  template <typename Event, typename Handler>
  EventDispatcher& On(Handler handler) {
    const std::string name = Event::descriptor()->full_name();
    handlers_[name] = [handler = std::move(handler), name](const Envelope& envelope, Args... args) -> absl::Status {
      Event event;
      if (!event.ParseFromString(envelope.payload().value())) {
        return absl::DataLossError(absl::StrCat("event ", envelope.event_id(), " of type ", name, " does not parse"));
      }
      return handler(event, envelope, std::forward<Args>(args)...);
    };
    return *this;
  }

  // Calls the handler of the envelope's payload type; unknown types: OK.
  absl::Status Dispatch(const Envelope& envelope, Args... args) const {
    auto it = handlers_.find(std::string(PayloadTypeName(envelope)));
    if (it == handlers_.end()) {
      skipped_.fetch_add(1, std::memory_order_relaxed);
      return absl::OkStatus();
    }
    return it->second(envelope, std::forward<Args>(args)...);
  }

  bool Handles(std::string_view type_name) const { return handlers_.count(std::string(type_name)) > 0; }
  // Events skipped because no handler knows their type.
  int64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }

 private:
  std::unordered_map<std::string, std::function<absl::Status(const Envelope&, Args...)>> handlers_;
  mutable std::atomic<int64_t> skipped_{0};
};

}  // namespace zizhu::es
