#include "services/common/service/command_table.h"

namespace zizhu::service {

absl::Status CheckScope(const auth::Caller& caller, const Touches& touches) {
  if (touches.nothing) return absl::OkStatus();
  const bool covered = touches.school.empty() ? auth::CoversCounty(caller, touches.county)
                                              : auth::CoversSchool(caller, touches.county, touches.school);
  return covered ? absl::OkStatus() : auth::OutOfScope(touches.what, touches.id);
}

}  // namespace zizhu::service
