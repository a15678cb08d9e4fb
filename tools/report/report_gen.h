// Generated history for the report tests and the benchmark: the events the
// services would have written for a city over an autumn semester (schools,
// students, an aid round per school with refusals and students left out,
// funds, payments with some bank failures, dropouts with their cases, school
// pairs with activities, teacher rotation), with records on either side of
// the period's end. Deterministic for a given shape. Not a stand-in for the
// services: the shapes follow their events.proto, the amounts are simple.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "services/common/es/event_log.h"

namespace zizhu::report::gen {

struct Shape {
  int counties = 2;
  int schools_per_county = 3;
  int students_per_school = 60;
  int year = 2026;  // the autumn semester of this year; the period 2026-Q4
  // Records written per transaction.
  int records_per_append = 1000;
};

// Appends the history to the logs of each service ("registry", "subsidy",
// "disbursement", "dropout", "pairing").
absl::Status Generate(const Shape& shape, const std::map<std::string, es::EventLog*>& logs,
                      const std::function<void(int64_t)>& progress = {});

}  // namespace zizhu::report::gen
