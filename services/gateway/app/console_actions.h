// The actions the console asks about ("may this operator prepare the aid
// round?"), by the key it uses, with the roles each service allows: one table
// shared by the services (their published actions) and the console (through
// the OpenAPI's x-actions, generated into console/src/actions.gen.ts).
#pragma once

#include <string>
#include <vector>

#include "services/common/auth/access.h"

namespace zizhu::gateway {

struct ConsoleAction {
  std::string key;  // "PrepareAid"
  const auth::Action* action;
};

const std::vector<ConsoleAction>& ConsoleActions();

}  // namespace zizhu::gateway
