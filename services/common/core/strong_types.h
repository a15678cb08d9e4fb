// Strong types for the event-sourcing core's identifiers (aggregate, request,
// event), aggregate versions and log offsets, so that a version cannot be
// passed where an offset is expected. Business identifiers (student ids,
// school codes) are plain strings today.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>

namespace zizhu {

// A string identifier tagged with the kind of thing it names.
template <typename Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string value) : value_(std::move(value)) {}
  const std::string& value() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend bool operator==(const StrongId& a, const StrongId& b) { return a.value_ == b.value_; }
  friend bool operator!=(const StrongId& a, const StrongId& b) { return a.value_ != b.value_; }
  friend bool operator<(const StrongId& a, const StrongId& b) { return a.value_ < b.value_; }
  friend std::ostream& operator<<(std::ostream& os, const StrongId& id) { return os << id.value_; }

 private:
  std::string value_;
};

// An integer tagged with what it counts.
template <typename Tag>
class StrongInt {
 public:
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(int64_t value) : value_(value) {}
  constexpr int64_t value() const { return value_; }
  constexpr StrongInt Next() const { return StrongInt(value_ + 1); }
  friend constexpr bool operator==(StrongInt a, StrongInt b) { return a.value_ == b.value_; }
  friend constexpr bool operator!=(StrongInt a, StrongInt b) { return a.value_ != b.value_; }
  friend constexpr bool operator<(StrongInt a, StrongInt b) { return a.value_ < b.value_; }
  friend constexpr bool operator<=(StrongInt a, StrongInt b) { return a.value_ <= b.value_; }
  friend constexpr bool operator>(StrongInt a, StrongInt b) { return a.value_ > b.value_; }
  friend std::ostream& operator<<(std::ostream& os, StrongInt v) { return os << v.value_; }

 private:
  int64_t value_ = 0;
};

struct AggregateIdTag {};
struct RequestIdTag {};
struct EventIdTag {};
struct AggregateVersionTag {};
struct LogOffsetTag {};

using AggregateId = StrongId<AggregateIdTag>;
using RequestId = StrongId<RequestIdTag>;
using EventId = StrongId<EventIdTag>;
// Version of an aggregate: 0 = does not exist yet, the first event makes it 1.
using AggregateVersion = StrongInt<AggregateVersionTag>;
// Offset of a record within one partition of a log.
using LogOffset = StrongInt<LogOffsetTag>;

}  // namespace zizhu
