// Test support: every committed record of a topic of the test broker, read
// from offset 0 through the core's read_committed reader (values
// decompressed), as a test checks what a service wrote.
#pragma once

#include <string>
#include <vector>

#include "services/common/es/event_log.h"
#include "zizhu/common/v1/envelope.pb.h"

namespace zizhu::testing_support {

std::vector<es::LoggedRecord> ReadWholeTopic(const std::string& topic);
// Every committed event of a topic, in (partition, offset) order, decoded
// from batch records and single-envelope records alike.
std::vector<common::v1::EventEnvelope> ReadWholeTopicEvents(const std::string& topic);

}  // namespace zizhu::testing_support
