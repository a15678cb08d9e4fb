// An event decided by a command, before the command processor wraps it in an
// envelope. Pure data: domain code may produce it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "google/protobuf/message.h"

namespace zizhu::es {

struct NewEvent {
  std::string aggregate_type;
  std::string aggregate_id;
  int64_t aggregate_version = 0;  // version of the aggregate after this event
  std::shared_ptr<const google::protobuf::Message> payload;
};

}  // namespace zizhu::es
