// Default header mappings of the agency rosters: the Chinese headers offices
// export and their usual variants (see domain.md, "Agency files").
#pragma once

#include "libs/files/import/student_row_parser.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::tools {

HeaderMapping RosterHeaderMapping(registry::v1::RosterSource source);

}  // namespace zizhu::tools
