// The registry projection must not depend on the order in which events of
// different aggregates (different partitions) are applied: the write path
// applies them in command order, a rebuild interleaves partitions freely.
#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/registry/app/registry_projection.h"
#include "zizhu/registry/v1/events.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::registry {
namespace {

common::v1::EventEnvelope Envelope(const std::string& aggregate, int64_t version, const google::protobuf::Message& e,
                                   int64_t seconds) {
  common::v1::EventEnvelope env;
  env.set_event_id(absl::StrCat(aggregate, "-", version));
  env.set_aggregate_id(aggregate);
  env.set_aggregate_version(version);
  env.mutable_occurred_at()->set_seconds(seconds);
  env.set_request_id(env.event_id());
  env.set_events_in_command(1);
  env.mutable_payload()->PackFrom(e);
  return env;
}

std::vector<common::v1::EventEnvelope> History() {
  std::vector<common::v1::EventEnvelope> events;
  v1::SchoolRegistered school;
  school.set_school_code("S1");
  school.set_name("红星小学");
  school.set_county_code("210102");
  school.set_county_name("和平区");
  events.push_back(Envelope("S1", 1, school, 1780000000));
  for (int i = 0; i < 5; ++i) {
    v1::StudentRegistered student;
    student.set_student_id(absl::StrCat("stu_", i));
    student.set_name("王小明");
    student.set_national_id_hash(absl::StrCat("h", i));
    student.set_school_code("S1");
    student.set_status(v1::ENROLMENT_STATUS_ENROLLED);
    student.add_categories(v1::POVERTY_CATEGORY_REGISTERED_POOR);
    student.mutable_birth_date()->set_year(2016);
    student.mutable_birth_date()->set_month(3);
    student.mutable_birth_date()->set_day(1);
    events.push_back(Envelope(student.student_id(), 1, student, 1780000100 + i));
  }
  v1::RosterImportStarted started;
  started.set_import_id("status-1");
  started.set_source(v1::ROSTER_SOURCE_STUDENT_STATUS);
  events.push_back(Envelope("status-1", 1, started, 1780000200));
  v1::RosterRowsApplied rows;
  rows.set_import_id("status-1");
  rows.set_source(v1::ROSTER_SOURCE_STUDENT_STATUS);
  for (int i = 3; i < 8; ++i) {
    auto* row = rows.add_rows();
    row->set_row_number(i);
    row->mutable_person()->set_national_id_hash(absl::StrCat("h", i));
    row->mutable_person()->set_name(i == 4 ? "王晓明" : "王小明");
    row->mutable_person()->set_school_code("S1");
    row->mutable_person()->set_enrolment_status(v1::ENROLMENT_STATUS_ENROLLED);
    row->mutable_person()->mutable_birth_date()->set_year(2016);
    row->mutable_person()->mutable_birth_date()->set_month(3);
    row->mutable_person()->mutable_birth_date()->set_day(1);
  }
  events.push_back(Envelope("status-1", 2, rows, 1780000300));
  return events;
}

std::string ApplyInOrder(const std::vector<common::v1::EventEnvelope>& events, const std::string& dir) {
  std::filesystem::remove_all(dir);
  auto store = storage::ProjectionStore::Open({dir}).value();
  RegistryProjection projection;
  for (const auto& e : events) {  // one batch per event: the worst case for order effects
    auto batch = store->NewBatch();
    EXPECT_TRUE(projection.Apply(e, batch).ok());
    EXPECT_TRUE(store->Commit(batch).ok());
  }
  std::string checksum = store->Checksum().value().hex;
  store.reset();
  std::filesystem::remove_all(dir);
  return checksum;
}

TEST(ProjectionOrderTest, AnyInterleavingOfAggregatesGivesTheSameBytes) {
  std::vector<common::v1::EventEnvelope> events = History();
  const std::string dir = testing::TempDir() + "/projection_order";
  const std::string expected = ApplyInOrder(events, dir);
  // Keep each aggregate's own order; shuffle across aggregates.
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<common::v1::EventEnvelope> shuffled = events;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::map<std::string, std::vector<common::v1::EventEnvelope>> by_aggregate;
    for (const auto& e : events) by_aggregate[e.aggregate_id()].push_back(e);
    std::map<std::string, size_t> next;
    for (auto& e : shuffled) e = by_aggregate[e.aggregate_id()][next[e.aggregate_id()]++];
    EXPECT_EQ(ApplyInOrder(shuffled, dir), expected) << "round " << round;
  }
}

}  // namespace
}  // namespace zizhu::registry
