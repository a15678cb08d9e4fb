// Test support: every committed record of a topic of the test broker, read
// from offset 0 through the core's read_committed reader (values
// decompressed), as a test checks what a service wrote.
#pragma once

#include <string>
#include <vector>

#include "services/common/es/event_log.h"

namespace zizhu::testing_support {

std::vector<es::LoggedRecord> ReadWholeTopic(const std::string& topic);

}  // namespace zizhu::testing_support
