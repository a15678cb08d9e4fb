// Revisions of a locked period (pure): its tables as locked against the same
// tables made now, cell by cell, so that what arrived later for the period
// (a cross-off dated in it, a late activity, a record of a clock behind) is
// listed in the next report instead of changing the locked figures.
#pragma once

#include <string>
#include <vector>

#include "tools/report/report_table.h"
#include "zizhu/report/v1/signoff.pb.h"

namespace zizhu::report {

Table RevisionsTable(const std::string& period, const v1::SignOffEntry& lock, const std::vector<Table>& locked,
                     const std::vector<Table>& now, Language language);

}  // namespace zizhu::report
