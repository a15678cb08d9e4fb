// Handler completeness: the event messages of a service's events.proto that
// its own projection has no typed handler for. The dispatcher skips unknown
// types (an old reader survives a newer writer), so a new event without a
// handler would be lost silently; a test per service calls this and expects
// nothing.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "services/common/es/projection.h"

namespace zizhu::testing_kit {

// `not_events`: messages of the file that are parts of events, never events
// themselves (e.g. a line of a batch).
inline std::vector<std::string> EventsWithoutHandler(const es::DispatchingProjection& projection,
                                                     const google::protobuf::FileDescriptor* events_file,
                                                     const std::set<std::string>& not_events = {}) {
  std::vector<std::string> missing;
  for (int i = 0; i < events_file->message_type_count(); ++i) {
    const google::protobuf::Descriptor* message = events_file->message_type(i);
    if (not_events.count(message->name()) > 0) continue;
    if (!projection.Handles(message->full_name())) missing.push_back(message->full_name());
  }
  return missing;
}

}  // namespace zizhu::testing_kit
