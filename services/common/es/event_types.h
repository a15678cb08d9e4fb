// A service's list of event types, written once, from which every fold
// registers one typed handler per event (the projection, the report jobs,
// the domain tests):
//   using AccountEvents = es::EventTypes<v1::FundsAllocated, v1::PaymentsFunded, ...>;
//   AccountEvents::ForEach([&](auto tag) { on.On<es::EventOfTag<decltype(tag)>>(...); });
// Header only, no dependencies: pure domain code may name its list here.
#pragma once

#include <type_traits>

namespace zizhu::es {

template <typename... Events>
struct EventTypes {
  // Calls `visit(tag)` with a null `const Event*` for each type, in order.
  template <typename Visit>
  static void ForEach(Visit&& visit) {
    (visit(static_cast<const Events*>(nullptr)), ...);
  }
};

// The event type a ForEach tag stands for.
template <typename Tag>
using EventOfTag = std::remove_cv_t<std::remove_pointer_t<Tag>>;

}  // namespace zizhu::es
