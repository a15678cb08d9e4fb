#include "services/dropout/app/dropout_app.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/phone.h"
#include "services/common/core/refusal.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/paging.h"
#include "services/dropout/app/dropout_keys.h"
#include "services/dropout/domain/rates.h"

namespace zizhu::dropout {
namespace {

namespace rv1 = zizhu::registry::v1;

bool CoversCase(const auth::Caller& caller, const v1::CaseRecord& c) {
  return c.school_code().empty() ? auth::CoversCounty(caller, c.county_code())
                                 : auth::CoversSchool(caller, c.county_code(), c.school_code());
}

// The index prefix of what `caller` may list in `county` ("" = all of the
// caller's scope) under a per-county, per-school prefix ("<prefix><county>/
// <school>/..."): a school's own rows for school roles; else the county asked
// for (when covered), or every county of the caller's scope. A school's
// county is the registry's (a 学校标识码 does not hold it); a school the
// registry has not told about yet is NOT_FOUND.
absl::StatusOr<std::string> ScopePrefix(RowsLedger& rows, const auth::Caller& caller, const std::string& county,
                                        const std::function<std::string(const std::string&)>& prefix_of) {
  if (auth::IsSchoolRole(caller)) {
    ASSIGN_OR_RETURN(std::string own_county, rows.CountyOfSchool(caller.scope));
    if (own_county.empty()) {
      return Refusal(absl::StatusCode::kNotFound, "SCHOOL_NOT_REGISTERED", {{"school", caller.scope}},
                     absl::StrCat("school ", caller.scope, " is not known here yet"));
    }
    if (!county.empty() && county != own_county) return auth::OutOfScope("county", county);
    return prefix_of(own_county) + caller.scope + "/";
  }
  if (!county.empty()) {
    if (!auth::CoversCounty(caller, county)) return auth::OutOfScope("county", county);
    return prefix_of(county);
  }
  const std::string all = prefix_of("");
  return all.substr(0, all.size() - 1) + caller.scope;  // "ixc/" + "2101": every county of the scope
}

absl::StatusOr<rv1::ProtectedValue> Protect(const PersonalDataVault& vault, const std::string& phone,
                                            const std::string& field) {
  rv1::ProtectedValue out;
  if (phone.empty()) return out;
  RETURN_IF_ERROR(rules::CheckPhone(field, phone));
  ASSIGN_OR_RETURN(*out.mutable_sealed(), vault.Seal(phone, "phone"));
  out.set_masked(MaskPhone(phone));
  return out;
}

absl::StatusOr<v1::UpstreamChild> RequireChild(RowsLedger& rows, const std::string& student_id) {
  ASSIGN_OR_RETURN(std::optional<v1::UpstreamChild> child, rows.FindChild(student_id));
  if (!child) return auth::OutOfScope("student", student_id.substr(0, 64));
  return *child;
}

}  // namespace

absl::StatusOr<v1::CaseRecord> LoadCase(RowsLedger& rows, const std::string& case_id) {
  ASSIGN_OR_RETURN(auto found, rows.Case(case_id));
  if (!found) return NotFound("case", case_id.substr(0, 80));
  return *found;
}

absl::StatusOr<service::Touches> CaseTouched(RowsLedger& rows, const std::string& case_id) {
  ASSIGN_OR_RETURN(v1::CaseRecord found, LoadCase(rows, case_id));
  return service::Touches::School(found.county_code(), found.school_code(), "case", case_id);
}

absl::StatusOr<service::Touches> ChildTouched(RowsLedger& rows, const std::string& student_id) {
  ASSIGN_OR_RETURN(std::optional<v1::UpstreamChild> child, rows.FindChild(student_id));
  // A child the registry has not told about is answered as one outside the scope.
  if (!child) return service::Touches::School("", "", "student", student_id.substr(0, 64));
  return service::Touches::School(child->county_code(), child->school_code(), "student", student_id.substr(0, 64));
}

absl::StatusOr<Events> DecideOpenByHand(RowsLedger& rows, const v1::OpenCaseRequest& request, absl::Time now) {
  ASSIGN_OR_RETURN(v1::UpstreamChild child, RequireChild(rows, request.student_id()));
  OpenFacts facts;
  facts.subject = child.student_id();
  facts.student_id = child.student_id();
  facts.national_id_hash = child.national_id_hash();
  facts.name_masked = child.name_masked();
  facts.national_id_masked = child.national_id_masked();
  facts.school_code = child.school_code();
  facts.county_code = child.county_code();
  facts.stage = child.stage();
  facts.origin = v1::CASE_ORIGIN_BY_HAND;
  facts.reason = request.reason();
  facts.opened_on = rules::IsSet(request.opened_on()) ? request.opened_on() : rules::DateInChina(now);
  return DecideOpenCase(rows, facts);
}

absl::StatusOr<v1::OpenCaseResponse> OpenedCase(RowsLedger& rows, const std::string& student_id) {
  ASSIGN_OR_RETURN(auto record, rows.Subject(student_id));
  if (!record) return absl::InternalError("the case was opened but its subject is missing");
  v1::OpenCaseResponse response;
  ASSIGN_OR_RETURN(*response.mutable_case_(), LoadCase(rows, CaseId(student_id, record->cases())));
  return response;
}

absl::StatusOr<Events> DecideCard(RowsLedger& rows, const v1::RecordLeftBehindCardRequest& request,
                                  const PersonalDataVault& vault) {
  ASSIGN_OR_RETURN(v1::UpstreamChild child, RequireChild(rows, request.student_id()));
  const auto& categories = child.categories();
  if (std::find(categories.begin(), categories.end(), rv1::POVERTY_CATEGORY_LEFT_BEHIND) == categories.end()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "NOT_LEFT_BEHIND", {{"student", request.student_id()}},
                   absl::StrCat("student ", request.student_id(), " is not recorded as left-behind in the registry"));
  }
  v1::LeftBehindCardRecorded card;
  card.set_student_id(request.student_id());
  card.set_county_code(child.county_code());
  card.set_school_code(child.school_code());
  for (int i = 0; i < request.parents_size(); ++i) {
    const auto& in = request.parents(i);
    v1::ParentContact* p = card.add_parents();
    p->set_relation(in.relation());
    p->set_name(in.name());
    p->set_work_place(in.work_place());
    ASSIGN_OR_RETURN(*p->mutable_phone(), Protect(vault, in.phone(), absl::StrCat("parents[", i, "].phone")));
  }
  card.set_school_contact_name(request.school_contact_name());
  ASSIGN_OR_RETURN(*card.mutable_school_contact_phone(),
                   Protect(vault, request.school_contact_phone(), "school_contact_phone"));
  card.set_notes(request.notes());
  return DecideLeftBehindCard(rows, card);
}

absl::StatusOr<v1::LeftBehindCard> CardView(RowsLedger& rows, const v1::UpstreamChild& child) {
  ASSIGN_OR_RETURN(auto own, rows.Card(child.student_id()));
  v1::LeftBehindCard card = own.value_or(v1::LeftBehindCard());
  card.set_student_id(child.student_id());
  card.set_name_masked(child.name_masked());
  card.set_school_code(child.school_code());
  card.set_county_code(child.county_code());
  card.set_status(child.status());
  *card.mutable_guardian() = child.guardian();
  for (auto& p : *card.mutable_parents()) p.mutable_phone()->clear_sealed();  // masked only on the way out
  card.mutable_school_contact_phone()->clear_sealed();
  card.mutable_guardian()->mutable_phone()->clear_sealed();
  card.set_complete(CardComplete(card));
  return card;
}

absl::StatusOr<v1::RecordLeftBehindCardResponse> RecordedCard(RowsLedger& rows, const std::string& student_id) {
  ASSIGN_OR_RETURN(v1::UpstreamChild child, RequireChild(rows, student_id));
  v1::RecordLeftBehindCardResponse response;
  ASSIGN_OR_RETURN(*response.mutable_card(), CardView(rows, child));
  return response;
}

absl::StatusOr<v1::ListCasesResponse> ReadCases(RowsLedger& rows, const auth::Caller& caller,
                                                const v1::ListCasesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  if (!request.student_id().empty()) {  // one pupil's cases: few, oldest first, those in the caller's scope
    v1::ListCasesResponse response;
    ASSIGN_OR_RETURN(auto subject, rows.Subject(request.student_id()));
    for (int n = 1; subject && n <= subject->cases(); ++n) {
      ASSIGN_OR_RETURN(auto found, rows.Case(CaseId(request.student_id(), n)));
      if (found && CoversCase(caller, *found)) *response.add_cases() = *found;
    }
    return response;
  }
  ASSIGN_OR_RETURN(std::string prefix, ScopePrefix(rows, caller, request.county_code(), keys::CaseIndexPrefix));
  if (!request.school_code().empty() && !request.county_code().empty()) {
    prefix = keys::CaseIndexPrefix(request.county_code()) + request.school_code() + "/";
  }
  v1::ListCasesResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      rows.ScanPage(prefix, request.page_token(), page_size, [&](const std::string& key) -> absl::StatusOr<bool> {
        std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 4));
        if (parts.size() != 5) return false;
        int state = 0;
        if (!absl::SimpleAtoi(parts[3], &state)) return false;
        if (request.state() != v1::CASE_STATE_UNSPECIFIED && state != request.state()) return false;
        if (!request.school_code().empty() && parts[2] != request.school_code()) return false;
        ASSIGN_OR_RETURN(auto found, rows.Case(parts[4]));
        if (!found || !CoversCase(caller, *found)) return false;
        if (request.without_full_team() && found->team_complete()) return false;
        *response.add_cases() = *found;
        return true;
      }));
  return response;
}

absl::StatusOr<v1::GetRatesResponse> ReadRates(RowsLedger& rows, const auth::Caller& caller,
                                               const v1::GetRatesRequest& request, const v1::Targets& targets) {
  if (auth::IsSchoolRole(caller)) {
    return Refusal(absl::StatusCode::kPermissionDenied, "RATES_PER_COUNTY", {},
                   "rates are per county: county officers, the city and auditors read them");
  }
  if (!request.county_code().empty() && !auth::CoversCounty(caller, request.county_code())) {
    return auth::OutOfScope("county", request.county_code());
  }
  std::map<std::string, CountyCounts> counties;
  auto wanted = [&](const std::string& county) {
    return auth::CoversCounty(caller, county) && (request.county_code().empty() || county == request.county_code());
  };
  RETURN_IF_ERROR(rows.Scan("up/count/", [&](const std::string& key, const std::string& value) {
    std::vector<std::string> parts = absl::StrSplit(key, '/');  // up, count, county, stage, status
    int stage = 0, status = 0;
    int64_t count = 0;
    if (parts.size() != 5 || !absl::SimpleAtoi(parts[3], &stage) || !absl::SimpleAtoi(parts[4], &status) ||
        !absl::SimpleAtoi(value, &count) || !wanted(parts[2])) {
      return true;
    }
    StageCount& c = counties[parts[2]].stages[static_cast<rv1::EducationStage>(stage)];
    if (status == rv1::ENROLMENT_STATUS_ENROLLED) c.enrolled += count;
    if (status == rv1::ENROLMENT_STATUS_DROPPED_OUT) c.dropped_out += count;
    return true;
  }));
  // Disabled children of the three categories: enrolled per the registry (its
  // county then counts) or per the student-status roster.
  auto count_disabled = [&](const v1::UpstreamDisabledChild& d) -> absl::Status {
    ASSIGN_OR_RETURN(std::string county, rows.CountyCode(d.county()));
    ASSIGN_OR_RETURN(bool enrolled, rows.EnrolledByStatusRoster(d.national_id_hash()));
    ASSIGN_OR_RETURN(auto student, rows.StudentOfHash(d.national_id_hash()));
    if (student) {
      ASSIGN_OR_RETURN(auto child, rows.FindChild(*student));
      if (child) {
        county = child->county_code();
        enrolled = enrolled || child->status() == rv1::ENROLMENT_STATUS_ENROLLED;
      }
    }
    if (!wanted(county)) return absl::OkStatus();
    CountyCounts& c = counties[county];
    ++c.disabled_children;
    if (enrolled) ++c.disabled_enrolled;
    return absl::OkStatus();
  };
  absl::Status failure;
  RETURN_IF_ERROR(rows.Scan(keys::kDisabledPrefix, [&](const std::string& key, const std::string& value) {
    v1::UpstreamDisabledChild d;
    failure = d.ParseFromString(value) ? count_disabled(d)
                                       : absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
    return failure.ok();
  }));
  RETURN_IF_ERROR(failure);
  for (auto& [county, c] : counties) {
    RETURN_IF_ERROR(rows.Scan(keys::CaseIndexPrefix(county), [&](const std::string& key, const std::string&) {
      std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 4));
      if (parts.size() != 5 || parts[3] != std::to_string(v1::CASE_STATE_OPEN)) return true;
      ++c.open_cases;
      absl::StatusOr<std::optional<v1::CaseRecord>> found = rows.Case(parts[4]);
      failure = found.status();
      if (found.ok() && *found && !(*found)->team_complete()) ++c.cases_without_full_team;
      return failure.ok();
    }));
    RETURN_IF_ERROR(failure);
  }
  v1::GetRatesResponse response;
  for (const auto& [county, c] : counties) *response.add_counties() = RatesOf(county, c, targets);
  *response.mutable_targets() = targets;
  return response;
}

absl::StatusOr<v1::ListLeftBehindChildrenResponse> ReadLeftBehind(RowsLedger& rows, const auth::Caller& caller,
                                                                  const v1::ListLeftBehindChildrenRequest& request) {
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string prefix, ScopePrefix(rows, caller, request.county_code(), keys::LeftBehindPrefix));
  if (!request.school_code().empty() && !request.county_code().empty()) {
    prefix = keys::LeftBehindPrefix(request.county_code()) + request.school_code() + "/";
  }
  v1::ListLeftBehindChildrenResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      rows.ScanPage(prefix, request.page_token(), page_size, [&](const std::string& key) -> absl::StatusOr<bool> {
        const std::string student = key.substr(key.rfind('/') + 1);
        ASSIGN_OR_RETURN(auto child, rows.FindChild(student));
        if (!child || !auth::CoversSchool(caller, child->county_code(), child->school_code())) {
          return false;
        }
        ASSIGN_OR_RETURN(v1::LeftBehindCard card, CardView(rows, *child));
        if (request.incomplete_only() && card.complete()) return false;
        *response.add_children() = card;
        return true;
      }));
  return response;
}

}  // namespace zizhu::dropout
