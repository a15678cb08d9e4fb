// An event decided by a command, before the command processor wraps it in an
// envelope. Pure data: domain code may produce it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "google/protobuf/message.h"
#include "services/common/core/strong_types.h"

namespace zizhu::es {

struct NewEvent {
  std::string aggregate_type;
  AggregateId aggregate_id;
  AggregateVersion aggregate_version;  // version of the aggregate after this event
  std::shared_ptr<const google::protobuf::Message> payload;
};

}  // namespace zizhu::es
