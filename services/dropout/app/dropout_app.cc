#include "services/dropout/app/dropout_app.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"
#include "services/dropout/app/dropout_keys.h"
#include "services/dropout/domain/rates.h"
#include "services/registry/domain/plausibility.h"
#include "services/registry/domain/registry_decisions.h"
#include "services/registry/published/date.h"

namespace zizhu::dropout {
namespace {

namespace rv1 = zizhu::registry::v1;

bool CoversCase(const auth::Caller& caller, const v1::CaseRecord& c) {
  return c.school_code().empty() ? auth::CoversCounty(caller, c.county_code())
                                 : auth::CoversSchool(caller, c.county_code(), c.school_code());
}

// The key prefix of the rows of the caller's scope under a per-county,
// per-school prefix ("<prefix><county>/<school>/..."): a school's own rows
// for school roles; else the county asked for (when covered), or every
// county of the caller's scope.
// The index prefix of what `caller` may list in `county` ("" = all of the
// caller's scope). A school's county is the registry's (a 学校标识码 does not
// hold it); a school the registry has not told about yet is NOT_FOUND.
absl::StatusOr<std::string> ScopePrefix(const storage::ProjectionStore& store, const auth::Caller& caller,
                                        const std::string& county,
                                        const std::function<std::string(const std::string&)>& prefix_of) {
  if (auth::IsSchoolRole(caller)) {
    ASSIGN_OR_RETURN(std::optional<std::string> known, store.Get(keys::SchoolCounty(caller.scope)));
    if (!known || known->empty()) {
      return absl::NotFoundError(absl::StrCat("school ", caller.scope, " is not known here yet"));
    }
    const std::string& own_county = *known;
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

}  // namespace

absl::StatusOr<v1::CaseRecord> DropoutApp::LoadCase(const std::string& case_id) const {
  RowsLedger rows(*store_);
  ASSIGN_OR_RETURN(auto found, rows.Case(case_id));
  if (!found) return absl::NotFoundError(absl::StrCat("case '", case_id.substr(0, 80), "' does not exist"));
  return *found;
}

absl::StatusOr<v1::CaseRecord> DropoutApp::CaseInScope(const auth::Caller& caller, auth::Action action,
                                                       const std::string& case_id) const {
  RETURN_IF_ERROR(auth::Require(caller, action));
  ASSIGN_OR_RETURN(v1::CaseRecord found, LoadCase(case_id));
  if (!CoversCase(caller, found)) return auth::OutOfScope("case", case_id);
  return found;
}

template <typename Response, typename Request>
void DropoutApp::OnCase(const auth::Caller& caller, const Request& request, const std::string& case_id,
                        std::function<absl::StatusOr<Events>(RowsLedger&, const rv1::Date&)> decide,
                        Callback<Response> done) {
  absl::StatusOr<v1::CaseRecord> found = CaseInScope(caller, auth::Action::kKeepDropoutLedger, case_id);
  if (!found.ok()) return done(found.status());
  commands_->Run<Response>(
      caller, request,
      [decide](storage::ProjectionBatch& view, absl::Time now) {
        RowsLedger rows(view);
        return decide(rows, registry::DateInChina(now));
      },
      [this, case_id](const common::v1::CommandOutcome&) -> absl::StatusOr<Response> {
        Response response;
        ASSIGN_OR_RETURN(*response.mutable_case_(), LoadCase(case_id));
        return response;
      },
      std::move(done));
}

void DropoutApp::OpenCase(const auth::Caller& caller, const v1::OpenCaseRequest& request,
                          Callback<v1::OpenCaseResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kKeepDropoutLedger); !allowed.ok()) {
    return done(allowed);
  }
  RowsLedger rows(*store_);
  absl::StatusOr<std::optional<v1::UpstreamChild>> child = rows.FindChild(request.student_id());
  if (!child.ok()) return done(child.status());
  if (!*child || !auth::CoversSchool(caller, (*child)->county_code(), (*child)->school_code())) {
    return done(auth::OutOfScope("student", request.student_id().substr(0, 64)));
  }
  OpenFacts facts;
  facts.subject = (*child)->student_id();
  facts.student_id = (*child)->student_id();
  facts.national_id_hash = (*child)->national_id_hash();
  facts.name_masked = (*child)->name_masked();
  facts.national_id_masked = (*child)->national_id_masked();
  facts.school_code = (*child)->school_code();
  facts.county_code = (*child)->county_code();
  facts.stage = (*child)->stage();
  facts.origin = v1::CASE_ORIGIN_BY_HAND;
  facts.reason = request.reason();
  commands_->Run<v1::OpenCaseResponse>(
      caller, request,
      [facts, opened_on = request.opened_on()](storage::ProjectionBatch& view, absl::Time now) mutable {
        facts.opened_on = registry::IsSet(opened_on) ? opened_on : registry::DateInChina(now);
        RowsLedger state(view);
        return DecideOpenCase(state, facts);
      },
      [this, subject = facts.subject](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::OpenCaseResponse> {
        RowsLedger rows(*store_);
        ASSIGN_OR_RETURN(auto record, rows.Subject(subject));
        if (!record) return absl::InternalError("the case was opened but its subject is missing");
        v1::OpenCaseResponse response;
        ASSIGN_OR_RETURN(*response.mutable_case_(), LoadCase(CaseId(subject, record->cases())));
        return response;
      },
      std::move(done));
}

void DropoutApp::AssignTeam(const auth::Caller& caller, const v1::AssignTeamRequest& request,
                            Callback<v1::AssignTeamResponse> done) {
  std::vector<v1::TeamMember> team(request.team().begin(), request.team().end());
  OnCase<v1::AssignTeamResponse>(
      caller, request, request.case_id(),
      [id = request.case_id(), team](RowsLedger& rows, const rv1::Date&) { return DecideAssignTeam(rows, id, team); },
      std::move(done));
}

void DropoutApp::RecordVisit(const auth::Caller& caller, const v1::RecordVisitRequest& request,
                             Callback<v1::RecordVisitResponse> done) {
  OnCase<v1::RecordVisitResponse>(
      caller, request, request.case_id(),
      [id = request.case_id(), visit = request.visit()](RowsLedger& rows, const rv1::Date& today) {
        return DecideRecordVisit(rows, id, visit, today);
      },
      std::move(done));
}

void DropoutApp::RecordExemption(const auth::Caller& caller, const v1::RecordExemptionRequest& request,
                                 Callback<v1::RecordExemptionResponse> done) {
  OnCase<v1::RecordExemptionResponse>(
      caller, request, request.case_id(),
      [id = request.case_id(), reason = request.reason(), date = request.date()](RowsLedger& rows,
                                                                                 const rv1::Date& today) {
        return DecideExemption(rows, id, reason, registry::IsSet(date) ? date : today, today);
      },
      std::move(done));
}

void DropoutApp::CrossOffCase(const auth::Caller& caller, const v1::CrossOffCaseRequest& request,
                              Callback<v1::CrossOffCaseResponse> done) {
  OnCase<v1::CrossOffCaseResponse>(
      caller, request, request.case_id(),
      [id = request.case_id(), note = request.note(), date = request.date()](RowsLedger& rows, const rv1::Date& today) {
        return DecideCrossOff(rows, id, note, registry::IsSet(date) ? date : today, today);
      },
      std::move(done));
}

void DropoutApp::ReopenCase(const auth::Caller& caller, const v1::ReopenCaseRequest& request,
                            Callback<v1::ReopenCaseResponse> done) {
  OnCase<v1::ReopenCaseResponse>(
      caller, request, request.case_id(),
      [id = request.case_id(), reason = request.reason()](RowsLedger& rows, const rv1::Date& today) {
        return DecideReopen(rows, id, reason, today);
      },
      std::move(done));
}

absl::StatusOr<rv1::ProtectedValue> DropoutApp::Protect(const std::string& phone, const std::string& field) const {
  rv1::ProtectedValue out;
  if (phone.empty()) return out;
  RETURN_IF_ERROR(registry::CheckPhone(field, phone));
  ASSIGN_OR_RETURN(*out.mutable_sealed(), vault_->Seal(phone, "phone"));
  out.set_masked(MaskPhone(phone));
  return out;
}

void DropoutApp::RecordLeftBehindCard(const auth::Caller& caller, const v1::RecordLeftBehindCardRequest& request,
                                      Callback<v1::RecordLeftBehindCardResponse> done) {
  if (absl::Status allowed = auth::Require(caller, auth::Action::kKeepDropoutLedger); !allowed.ok()) {
    return done(allowed);
  }
  RowsLedger rows(*store_);
  absl::StatusOr<std::optional<v1::UpstreamChild>> child = rows.FindChild(request.student_id());
  if (!child.ok()) return done(child.status());
  if (!*child || !auth::CoversSchool(caller, (*child)->county_code(), (*child)->school_code())) {
    return done(auth::OutOfScope("student", request.student_id().substr(0, 64)));
  }
  const auto& categories = (*child)->categories();
  if (std::find(categories.begin(), categories.end(), rv1::POVERTY_CATEGORY_LEFT_BEHIND) == categories.end()) {
    return done(absl::FailedPreconditionError(
        absl::StrCat("student ", request.student_id(), " is not recorded as left-behind (留守儿童) in the registry")));
  }
  v1::LeftBehindCardRecorded card;
  card.set_student_id(request.student_id());
  card.set_county_code((*child)->county_code());
  card.set_school_code((*child)->school_code());
  for (int i = 0; i < request.parents_size(); ++i) {
    const auto& in = request.parents(i);
    v1::ParentContact* p = card.add_parents();
    p->set_relation(in.relation());
    p->set_name(in.name());
    p->set_work_place(in.work_place());
    absl::StatusOr<rv1::ProtectedValue> phone = Protect(in.phone(), absl::StrCat("parents[", i, "].phone"));
    if (!phone.ok()) return done(phone.status());
    *p->mutable_phone() = *phone;
  }
  card.set_school_contact_name(request.school_contact_name());
  absl::StatusOr<rv1::ProtectedValue> contact = Protect(request.school_contact_phone(), "school_contact_phone");
  if (!contact.ok()) return done(contact.status());
  *card.mutable_school_contact_phone() = *contact;
  card.set_notes(request.notes());
  commands_->Run<v1::RecordLeftBehindCardResponse>(
      caller, request,
      [card](storage::ProjectionBatch& view, absl::Time) {
        RowsLedger state(view);
        return DecideLeftBehindCard(state, card);
      },
      [this, child = **child](const common::v1::CommandOutcome&) -> absl::StatusOr<v1::RecordLeftBehindCardResponse> {
        v1::RecordLeftBehindCardResponse response;
        ASSIGN_OR_RETURN(*response.mutable_card(), CardView(child));
        return response;
      },
      std::move(done));
}

absl::StatusOr<v1::GetCaseResponse> DropoutApp::GetCase(const auth::Caller& caller,
                                                        const v1::GetCaseRequest& request) const {
  v1::GetCaseResponse response;
  ASSIGN_OR_RETURN(*response.mutable_case_(), CaseInScope(caller, auth::Action::kRead, request.case_id()));
  return response;
}

absl::StatusOr<v1::ListCasesResponse> DropoutApp::ListCases(const auth::Caller& caller,
                                                            const v1::ListCasesRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string prefix, ScopePrefix(*store_, caller, request.county_code(), keys::CaseIndexPrefix));
  if (!request.school_code().empty() && !request.county_code().empty()) {
    prefix = keys::CaseIndexPrefix(request.county_code()) + request.school_code() + "/";
  }
  RowsLedger rows(*store_);
  v1::ListCasesResponse response;
  ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                   storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                                     [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                                       std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 4));
                                       if (parts.size() != 5) return false;
                                       int state = 0;
                                       if (!absl::SimpleAtoi(parts[3], &state)) return false;
                                       if (request.state() != v1::CASE_STATE_UNSPECIFIED && state != request.state())
                                         return false;
                                       if (!request.school_code().empty() && parts[2] != request.school_code())
                                         return false;
                                       ASSIGN_OR_RETURN(auto found, rows.Case(parts[4]));
                                       if (!found || !CoversCase(caller, *found)) return false;
                                       if (request.without_full_team() && found->team_complete()) return false;
                                       *response.add_cases() = *found;
                                       return true;
                                     }));
  return response;
}

absl::StatusOr<v1::GetRatesResponse> DropoutApp::GetRates(const auth::Caller& caller,
                                                          const v1::GetRatesRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  if (auth::IsSchoolRole(caller)) {
    return absl::PermissionDeniedError("rates are per county: county officers, the city and auditors read them");
  }
  if (!request.county_code().empty() && !auth::CoversCounty(caller, request.county_code())) {
    return auth::OutOfScope("county", request.county_code());
  }
  std::map<std::string, CountyCounts> counties;
  auto wanted = [&](const std::string& county) {
    return auth::CoversCounty(caller, county) && (request.county_code().empty() || county == request.county_code());
  };
  RETURN_IF_ERROR(store_->Scan("up/count/", "", [&](const std::string& key, const std::string& value) {
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
  RowsLedger rows(*store_);
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
  RETURN_IF_ERROR(store_->Scan(keys::kDisabledPrefix, "", [&](const std::string& key, const std::string& value) {
    v1::UpstreamDisabledChild d;
    failure = d.ParseFromString(value) ? count_disabled(d)
                                       : absl::DataLossError(absl::StrCat("projection row '", key, "' does not parse"));
    return failure.ok();
  }));
  RETURN_IF_ERROR(failure);
  for (auto& [county, c] : counties) {
    RETURN_IF_ERROR(store_->Scan(keys::CaseIndexPrefix(county), "", [&](const std::string& key, const std::string&) {
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
  for (const auto& [county, c] : counties) *response.add_counties() = RatesOf(county, c, targets_);
  *response.mutable_targets() = targets_;
  return response;
}

absl::StatusOr<v1::LeftBehindCard> DropoutApp::CardView(const v1::UpstreamChild& child) const {
  RowsLedger rows(*store_);
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

absl::StatusOr<v1::ListLeftBehindChildrenResponse> DropoutApp::ListLeftBehindChildren(
    const auth::Caller& caller, const v1::ListLeftBehindChildrenRequest& request) const {
  RETURN_IF_ERROR(auth::Require(caller, auth::Action::kRead));
  ASSIGN_OR_RETURN(int page_size, storage::PageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string prefix, ScopePrefix(*store_, caller, request.county_code(), keys::LeftBehindPrefix));
  if (!request.school_code().empty() && !request.county_code().empty()) {
    prefix = keys::LeftBehindPrefix(request.county_code()) + request.school_code() + "/";
  }
  RowsLedger rows(*store_);
  v1::ListLeftBehindChildrenResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanPage(*store_, prefix, request.page_token(), page_size,
                        [&](const std::string& key, const std::string&) -> absl::StatusOr<bool> {
                          const std::string student = key.substr(key.rfind('/') + 1);
                          ASSIGN_OR_RETURN(auto child, rows.FindChild(student));
                          if (!child || !auth::CoversSchool(caller, child->county_code(), child->school_code())) {
                            return false;
                          }
                          ASSIGN_OR_RETURN(v1::LeftBehindCard card, CardView(*child));
                          if (request.incomplete_only() && card.complete()) return false;
                          *response.add_children() = card;
                          return true;
                        }));
  return response;
}

}  // namespace zizhu::dropout
