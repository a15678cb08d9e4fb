// An event decided by a command, before the command processor wraps it in an
// envelope. Pure data: domain code may produce it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "services/common/core/strong_types.h"

namespace zizhu::es {

struct NewEvent {
  std::string aggregate_type;
  AggregateId aggregate_id;
  AggregateVersion aggregate_version;  // version of the aggregate after this event
  std::shared_ptr<const google::protobuf::Message> payload;
};

// The one event of a decision on an aggregate now at `current_version`.
inline std::vector<NewEvent> NextEvent(const char* aggregate_type, const std::string& id, int64_t current_version,
                                       std::shared_ptr<const google::protobuf::Message> payload) {
  return {NewEvent{aggregate_type, AggregateId(id), AggregateVersion(current_version + 1), std::move(payload)}};
}

}  // namespace zizhu::es
