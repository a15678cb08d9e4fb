#include "services/pairing/domain/pairing_decisions.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rules/dates.h"
#include "libs/rules/national_id.h"
#include "libs/rules/text.h"
#include "services/common/core/refusal.h"
#include "services/common/core/status_macros.h"

namespace zizhu::pairing {
namespace {

using rules::CompareDates;
using rules::FormatDate;
using rules::IsValidDate;

constexpr size_t kMaxText = 300;

absl::Status ValidDate(const std::string& field, const Date& date) {
  if (!IsValidDate(date))
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_INVALID", {{"field", field}, {"date", FormatDate(date)}},
                   absl::StrCat(field, " ", FormatDate(date), " is not a date"));
  return absl::OkStatus();
}

std::string Compact(const Date& d) { return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day()); }

absl::StatusOr<v1::UpstreamSchool> School(PairingState& state, const std::string& field, const std::string& code) {
  RETURN_IF_ERROR(rules::CheckText(field, code, kMaxText, true));
  ASSIGN_OR_RETURN(auto school, state.FindSchool(code));
  if (!school) {
    return Refusal(absl::StatusCode::kNotFound, "SCHOOL_NOT_REGISTERED", {{"school", code.substr(0, 32)}},
                   absl::StrCat(field, " '", code.substr(0, 32), "' is not in the registry"));
  }
  return *school;
}

}  // namespace

std::string PairId(const v1::PairFormed& p) {
  if (p.kind() == v1::PAIR_KIND_TEACHER) {
    return absl::StrCat("teacher-", p.urban_teacher(), "-", p.rural_teacher(), "-", Compact(p.start()));
  }
  return absl::StrCat("school-", p.urban_school(), "-", p.rural_school(), "-", Compact(p.start()));
}

std::string RotationId(const std::string& county, int year) { return absl::StrCat(county, "/", year); }

absl::StatusOr<Events> DecideFormPair(PairingState& state, v1::PairFormed pair, const Date& today) {
  if (pair.kind() != v1::PAIR_KIND_SCHOOL && pair.kind() != v1::PAIR_KIND_TEACHER) {
    return FieldRequired("kind");
  }
  ASSIGN_OR_RETURN(v1::UpstreamSchool urban, School(state, "urban_school", pair.urban_school()));
  ASSIGN_OR_RETURN(v1::UpstreamSchool rural, School(state, "rural_school", pair.rural_school()));
  if (urban.rural()) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "PAIR_URBAN_IS_RURAL", {{"school", urban.school_code()}},
        absl::StrCat("urban_school ", urban.school_code(), " (", urban.name(), ") is a rural school in the registry"));
  }
  if (!rural.rural()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "PAIR_RURAL_NOT_RURAL", {{"school", rural.school_code()}},
                   absl::StrCat("rural_school ", rural.school_code(), " (", rural.name(),
                                ") is not a rural school in the registry"));
  }
  if (pair.kind() == v1::PAIR_KIND_TEACHER) {
    for (const auto& [field, id] : {std::pair<const char*, const std::string&>{"urban_teacher", pair.urban_teacher()},
                                    {"rural_teacher", pair.rural_teacher()}}) {
      RETURN_IF_ERROR(rules::CheckText(field, id, kMaxText, true));
      if (id.size() > 64 || id.find_first_of("/# \t") != std::string::npos) {
        return FieldInvalid(field, id.substr(0, 64),
                            "must be a teacher id of at most 64 characters, without '/', '#' or spaces");
      }
    }
  } else if (!pair.urban_teacher().empty() || !pair.rural_teacher().empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "SCHOOL_PAIR_NAMES_TEACHERS", {},
                   "a school pair names no teachers (form a teacher pair for them)");
  }
  if (!rules::IsSet(pair.start())) *pair.mutable_start() = today;
  RETURN_IF_ERROR(ValidDate("start", pair.start()));
  if (rules::IsSet(pair.end())) {
    RETURN_IF_ERROR(ValidDate("end", pair.end()));
    if (CompareDates(pair.end(), pair.start()) < 0) {
      return Refusal(absl::StatusCode::kInvalidArgument, "END_BEFORE_START",
                     {{"end", FormatDate(pair.end())}, {"start", FormatDate(pair.start())}},
                     absl::StrCat("end ", FormatDate(pair.end()), " is before start ", FormatDate(pair.start())));
    }
  }
  pair.set_county_code(rural.county_code());
  pair.set_pair_id(PairId(pair));
  ASSIGN_OR_RETURN(auto existing, state.FindPair(pair.pair_id()));
  if (existing) {
    return Refusal(absl::StatusCode::kAlreadyExists, "PAIR_EXISTS", {{"pair", pair.pair_id()}},
                   absl::StrCat("pair ", pair.pair_id(), " exists already"));
  }
  return es::NextEvent(kPairAggregate, pair.pair_id(), 0, std::make_shared<v1::PairFormed>(pair));
}

absl::StatusOr<Events> DecideEndPair(PairingState& state, const std::string& pair_id, const Date& end,
                                     const std::string& reason) {
  ASSIGN_OR_RETURN(auto pair, state.FindPair(pair_id));
  if (!pair) return NotFound("pair", pair_id.substr(0, 100));
  RETURN_IF_ERROR(ValidDate("end", end));
  RETURN_IF_ERROR(rules::CheckText("reason", reason, kMaxText, true));
  if (CompareDates(end, pair->start()) < 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "END_BEFORE_START",
                   {{"end", FormatDate(end)}, {"start", FormatDate(pair->start())}},
                   absl::StrCat("end ", FormatDate(end), " is before the pair's start ", FormatDate(pair->start())));
  }
  for (const auto& a : pair->activities()) {
    if (CompareDates(a.date(), end) > 0) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "ACTIVITY_AFTER_END",
                     {{"date", FormatDate(a.date())}, {"end", FormatDate(end)}},
                     absl::StrCat("activity ", a.activity_id(), " of ", FormatDate(a.date()), " is after the end ",
                                  FormatDate(end)));
    }
  }
  auto ended = std::make_shared<v1::PairEnded>();
  ended->set_pair_id(pair_id);
  *ended->mutable_end() = end;
  ended->set_reason(reason);
  return es::NextEvent(kPairAggregate, pair_id, pair->version(), ended);
}

absl::StatusOr<Events> DecideRecordActivity(PairingState& state, const std::string& pair_id, v1::Activity a,
                                            const Date& today) {
  ASSIGN_OR_RETURN(auto pair, state.FindPair(pair_id));
  if (!pair) return NotFound("pair", pair_id.substr(0, 100));
  RETURN_IF_ERROR(ValidDate("activity.date", a.date()));
  if (CompareDates(a.date(), today) > 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "DATE_AFTER_TODAY",
                   {{"field", "activity.date"}, {"date", FormatDate(a.date())}, {"today", FormatDate(today)}},
                   absl::StrCat("activity.date ", FormatDate(a.date()), " is after today (", FormatDate(today), ")"));
  }
  if (CompareDates(a.date(), pair->start()) < 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ACTIVITY_BEFORE_PAIR",
                   {{"date", FormatDate(a.date())}, {"start", FormatDate(pair->start())}},
                   absl::StrCat("activity.date ", FormatDate(a.date()), " is before pair ", pair_id, " started (",
                                FormatDate(pair->start()), ")"));
  }
  if (rules::IsSet(pair->end()) && CompareDates(a.date(), pair->end()) > 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "PAIR_ENDED",
                   {{"end", FormatDate(pair->end())}, {"date", FormatDate(a.date())}},
                   absl::StrCat("pair ", pair_id, " ended on ", FormatDate(pair->end()), "; it takes no activity of ",
                                FormatDate(a.date())));
  }
  RETURN_IF_ERROR(rules::CheckText("activity.description", a.description(), kMaxText, false));
  switch (a.kind()) {
    case v1::ACTIVITY_KIND_JOINT_RESEARCH:
    case v1::ACTIVITY_KIND_SHARED_FACILITY:
      RETURN_IF_ERROR(rules::CheckText("activity.description", a.description(), kMaxText, true));
      break;
    case v1::ACTIVITY_KIND_MANAGER_EXCHANGE:
      if (a.direction() != v1::DIRECTION_URBAN_TO_RURAL && a.direction() != v1::DIRECTION_RURAL_TO_URBAN) {
        return FieldRequired("activity.direction");
      }
      RETURN_IF_ERROR(rules::CheckText("activity.person", a.person(), kMaxText, true));
      break;
    case v1::ACTIVITY_KIND_DONATION:
      RETURN_IF_ERROR(rules::CheckText("activity.item", a.item(), kMaxText, true));
      if (a.quantity() <= 0) {
        return FieldInvalid("activity.quantity", std::to_string(a.quantity()), "must be more than 0");
      }
      if (a.value_fen() < 0) {
        return FieldInvalid("activity.value_fen", std::to_string(a.value_fen()), "must not be negative");
      }
      break;
    case v1::ACTIVITY_KIND_DEMONSTRATION_LESSON:
      RETURN_IF_ERROR(rules::CheckText("activity.person", a.person(), kMaxText, true));
      RETURN_IF_ERROR(rules::CheckText("activity.subject", a.subject(), kMaxText, true));
      if (a.school_code() != pair->urban_school() && a.school_code() != pair->rural_school()) {
        return Refusal(absl::StatusCode::kInvalidArgument, "ACTIVITY_SCHOOL_NOT_IN_PAIR",
                       {{"school", a.school_code().substr(0, 32)}},
                       absl::StrCat("activity.school_code '", a.school_code().substr(0, 32),
                                    "' is neither school of pair ", pair_id));
      }
      break;
    default:
      return FieldRequired("activity.kind");
  }
  a.set_activity_id(absl::StrCat(pair_id, "/", pair->activities_size() + 1));
  auto recorded = std::make_shared<v1::ActivityRecorded>();
  recorded->set_pair_id(pair_id);
  *recorded->mutable_activity() = a;
  return es::NextEvent(kPairAggregate, pair_id, pair->version(), recorded);
}

absl::StatusOr<Events> DecideSetPlan(PairingState& state, v1::PlanRecord plan) {
  if (plan.scope().size() < 4 || plan.scope().size() > 6 ||
      plan.scope().find_first_not_of("0123456789") != std::string::npos) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "FIELD_VALUE_INVALID",
        {{"field", "scope"}, {"value", plan.scope().substr(0, 20)}},
        absl::StrCat("scope '", plan.scope().substr(0, 20), "' must be a city (4 digits) or county (6 digits) code"));
  }
  RETURN_IF_ERROR(rules::CheckText("name", plan.name(), kMaxText, true));
  RETURN_IF_ERROR(ValidDate("from", plan.from()));
  RETURN_IF_ERROR(ValidDate("to", plan.to()));
  if (CompareDates(plan.to(), plan.from()) < 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "END_BEFORE_START",
                   {{"end", FormatDate(plan.to())}, {"start", FormatDate(plan.from())}},
                   absl::StrCat("to ", FormatDate(plan.to()), " is before from ", FormatDate(plan.from())));
  }
  for (const auto& [field, value] : {std::pair<const char*, int>{"school_pairs", plan.school_pairs()},
                                     {"teacher_pairs", plan.teacher_pairs()},
                                     {"demonstration_lessons", plan.demonstration_lessons()}}) {
    if (value < 0 || value > 100000) {
      return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_VALUE_INVALID",
                     {{"field", field}, {"value", std::to_string(value)}},
                     absl::StrCat(field, " ", value, " must be 0 to 100000"));
    }
  }
  plan.set_plan_id(absl::StrCat(plan.scope(), "/", plan.name()));
  ASSIGN_OR_RETURN(auto existing, state.FindPlan(plan.plan_id()));
  const int64_t version = existing ? existing->version() : 0;
  plan.clear_version();
  auto set = std::make_shared<v1::PlanSet>();
  *set->mutable_plan() = plan;
  return es::NextEvent(kPlanAggregate, plan.plan_id(), version, set);
}

absl::StatusOr<Events> DecideDeclareTeachers(PairingState& state, const std::string& county, int year,
                                             const std::vector<v1::Teacher>& teachers) {
  if (county.size() != 6 || county.find_first_not_of("0123456789") != std::string::npos) {
    return FieldInvalid("county_code", county.substr(0, 20), "must be 6 digits");
  }
  if (year < 2000 || year > 2100) return FieldOutOfRange("year", year, 2000, 2100);
  if (teachers.empty()) return FieldRequired("teachers");
  std::set<std::string> ids;
  for (size_t i = 0; i < teachers.size(); ++i) {
    const auto& t = teachers[i];
    const std::string field = absl::StrCat("teachers[", i, "]");
    RETURN_IF_ERROR(rules::CheckText(field + ".teacher_id", t.teacher_id(), kMaxText, true));
    RETURN_IF_ERROR(rules::CheckText(field + ".name", t.name(), kMaxText, true));
    if (!ids.insert(t.teacher_id()).second) {
      return Refusal(absl::StatusCode::kInvalidArgument, "TEACHER_LISTED_TWICE", {{"teacher", t.teacher_id()}},
                     absl::StrCat(field, ".teacher_id ", t.teacher_id(), " is listed twice"));
    }
  }
  ASSIGN_OR_RETURN(auto existing, state.FindRotation(county, year));
  if (existing) {
    for (const auto& r : existing->rotations()) {
      if (!ids.count(r.teacher_id())) {
        return Refusal(absl::StatusCode::kFailedPrecondition, "TEACHER_ROTATED_STAYS", {{"teacher", r.teacher_id()}},
                       absl::StrCat("teacher ", r.teacher_id(), " has rotated this year and must stay on the list"));
      }
    }
  }
  auto declared = std::make_shared<v1::TeachersDeclared>();
  declared->set_county_code(county);
  declared->set_year(year);
  for (const auto& t : teachers) *declared->add_teachers() = t;
  return es::NextEvent(kRotationAggregate, RotationId(county, year), existing ? existing->version() : 0, declared);
}

absl::StatusOr<Events> DecideRotateTeacher(PairingState& state, const std::string& county, int year,
                                           const v1::Rotation& rotation, const Date& today) {
  ASSIGN_OR_RETURN(auto record, state.FindRotation(county, year));
  if (!record) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NO_TEACHERS_DECLARED",
                   {{"county", county.substr(0, 20)}, {"year", std::to_string(year)}},
                   absl::StrCat("county ", county.substr(0, 20), " has declared no teachers for ", year));
  }
  const v1::Teacher* teacher = nullptr;
  for (const auto& t : record->teachers()) {
    if (t.teacher_id() == rotation.teacher_id()) teacher = &t;
  }
  if (teacher == nullptr) {
    return Refusal(
        absl::StatusCode::kNotFound, "TEACHER_NOT_DECLARED",
        {{"teacher", rotation.teacher_id().substr(0, 64)}, {"county", county}, {"year", std::to_string(year)}},
        absl::StrCat("teacher_id '", rotation.teacher_id().substr(0, 64), "' is not among county ", county,
                     "'s teachers of ", year));
  }
  if (!teacher->backbone()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "TEACHER_NOT_BACKBONE",
                   {{"teacher", teacher->teacher_id()}, {"name", teacher->name()}},
                   absl::StrCat("teacher ", teacher->teacher_id(), " (", teacher->name(),
                                ") is not a backbone teacher; rotation counts backbone teachers"));
  }
  for (const auto& r : record->rotations()) {
    if (r.teacher_id() == rotation.teacher_id()) {
      return Refusal(
          absl::StatusCode::kAlreadyExists, "TEACHER_ROTATED_ALREADY",
          {{"teacher", r.teacher_id()}, {"year", std::to_string(year)}, {"school", r.to_school()}},
          absl::StrCat("teacher ", r.teacher_id(), " rotated in ", year, " already (to ", r.to_school(), ")"));
    }
  }
  ASSIGN_OR_RETURN(v1::UpstreamSchool to, School(state, "to_school", rotation.to_school()));
  if (!to.rural()) {
    return Refusal(
        absl::StatusCode::kInvalidArgument, "ROTATION_NOT_RURAL", {{"school", to.school_code()}},
        absl::StrCat("to_school ", to.school_code(), " (", to.name(), ") is not a rural (poor-area) school"));
  }
  v1::Rotation r = rotation;
  if (!rules::IsSet(r.from())) *r.mutable_from() = today;
  RETURN_IF_ERROR(ValidDate("from", r.from()));
  auto rotated = std::make_shared<v1::TeacherRotated>();
  rotated->set_county_code(county);
  rotated->set_year(year);
  *rotated->mutable_rotation() = r;
  return es::NextEvent(kRotationAggregate, RotationId(county, year), record->version(), rotated);
}

}  // namespace zizhu::pairing
