#include "services/dropout/app/dropout_projection.h"

#include <algorithm>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/deterministic_serialize.h"
#include "services/common/core/status_macros.h"
#include "services/common/crypto/masking.h"
#include "services/common/storage/count_rows.h"
#include "services/common/storage/paging.h"
#include "services/common/storage/rows.h"
#include "services/dropout/app/dropout_keys.h"
#include "services/dropout/domain/rates.h"
#include "zizhu/dropout/v1/events.pb.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu::dropout {
namespace {

using Envelope = common::v1::EventEnvelope;
using Batch = storage::ProjectionBatch;
namespace rv1 = zizhu::registry::v1;

template <typename Event>
void OnOwnEvent(es::EventDispatcher<Batch&>& on) {
  on.On<Event>([](const Event& event, const Envelope& envelope, Batch& batch) -> absl::Status {
    RowsLedger rows(batch);
    return FoldDropoutEvent(event, envelope.aggregate_version(), rows);
  });
}

bool LeftBehind(const v1::UpstreamChild& c) {
  return std::find(c.categories().begin(), c.categories().end(), rv1::POVERTY_CATEGORY_LEFT_BEHIND) !=
         c.categories().end();
}

// Removes a child's counted and indexed rows (before a change).
absl::Status Unindex(Batch& batch, const v1::UpstreamChild& c) {
  RETURN_IF_ERROR(storage::AddToCount(batch, keys::Count(c.county_code(), c.stage(), c.status()), -1));
  if (LeftBehind(c)) batch.Delete(keys::LeftBehind(c.county_code(), c.school_code(), c.student_id()));
  return absl::OkStatus();
}

// Writes a child with its counted and indexed rows.
absl::Status Index(Batch& batch, const v1::UpstreamChild& c) {
  RETURN_IF_ERROR(storage::AddToCount(batch, keys::Count(c.county_code(), c.stage(), c.status()), 1));
  if (LeftBehind(c)) batch.Put(keys::LeftBehind(c.county_code(), c.school_code(), c.student_id()), "");
  batch.Put(keys::Child(c.student_id()), SerializeDeterministic(c));
  return absl::OkStatus();
}

absl::StatusOr<std::string> CountyOf(Batch& batch, const std::string& school) {
  ASSIGN_OR_RETURN(auto county, batch.Get(keys::SchoolCounty(school)));
  return county.value_or(school.substr(0, 6));  // a school code starts with its county's
}

// Changes a known child: unindexed, changed, indexed again.
absl::Status Change(Batch& batch, const std::string& student_id,
                    const std::function<absl::Status(v1::UpstreamChild&)>& change) {
  ASSIGN_OR_RETURN(auto child, storage::LoadRow<v1::UpstreamChild>(batch, keys::Child(student_id)));
  if (!child) return absl::OkStatus();  // registered before this service followed: nothing to change
  RETURN_IF_ERROR(Unindex(batch, *child));
  RETURN_IF_ERROR(change(*child));
  return Index(batch, *child);
}

}  // namespace

LedgerProjection::LedgerProjection() {
  DropoutEvents::ForEach([this](auto tag) { OnOwnEvent<es::EventOfTag<decltype(tag)>>(on_); });
}

RegistryRows::RegistryRows() {
  on_.On<rv1::SchoolRegistered>([](const rv1::SchoolRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
    batch.Put(keys::SchoolCounty(e.school_code()), e.county_code());
    if (!e.county_name().empty()) batch.Put(keys::CountyByName(e.county_name()), e.county_code());
    return absl::OkStatus();
  });
  on_.On<rv1::StudentRegistered>([](const rv1::StudentRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
    v1::UpstreamChild c;
    c.set_student_id(e.student_id());
    c.set_national_id_hash(e.national_id_hash());
    c.set_name_masked(MaskName(e.name()));
    c.set_national_id_masked(e.national_id().masked());
    c.set_school_code(e.school_code());
    ASSIGN_OR_RETURN(*c.mutable_county_code(), CountyOf(batch, e.school_code()));
    c.set_stage(e.stage());
    c.set_status(e.status());
    *c.mutable_categories() = e.categories();
    *c.mutable_guardian() = e.guardian();
    batch.Put(keys::ChildByHash(e.national_id_hash()), e.student_id());
    return Index(batch, c);
  });
  on_.On<rv1::StudentAttributesUpdated>(
      [](const rv1::StudentAttributesUpdated& e, const Envelope&, Batch& batch) -> absl::Status {
        return Change(batch, e.student_id(), [&](v1::UpstreamChild& c) {
          for (const std::string& field : e.changed_fields()) {
            if (field == "name") c.set_name_masked(MaskName(e.name()));
            if (field == "categories") *c.mutable_categories() = e.categories();
            if (field == "guardian") *c.mutable_guardian() = e.guardian();
          }
          return absl::OkStatus();
        });
      });
  on_.On<rv1::EnrolmentStatusChanged>(
      [](const rv1::EnrolmentStatusChanged& e, const Envelope&, Batch& batch) -> absl::Status {
        return Change(batch, e.student_id(), [&](v1::UpstreamChild& c) -> absl::Status {
          c.set_status(e.to_status());
          if (!e.school_code().empty()) {
            c.set_school_code(e.school_code());
            ASSIGN_OR_RETURN(*c.mutable_county_code(), CountyOf(batch, e.school_code()));
          }
          if (e.stage() != rv1::EDUCATION_STAGE_UNSPECIFIED) c.set_stage(e.stage());
          return absl::OkStatus();
        });
      });
  on_.On<rv1::RosterRowsApplied>([](const rv1::RosterRowsApplied& e, const Envelope&, Batch& batch) -> absl::Status {
    for (const rv1::AppliedRosterRow& row : e.rows()) {
      const rv1::RosterPerson& p = row.person();
      if (e.source() == rv1::ROSTER_SOURCE_STUDENT_STATUS) {
        if (p.enrolment_status() == rv1::ENROLMENT_STATUS_ENROLLED && row.change() != rv1::ROSTER_CHANGE_EXIT) {
          batch.Put(keys::StatusRosterEnrolled(p.national_id_hash()), "");
        } else {
          batch.Delete(keys::StatusRosterEnrolled(p.national_id_hash()));
        }
      } else if (e.source() == rv1::ROSTER_SOURCE_CIVIL_AFFAIRS) {
        if (IsThreeCategoryDisability(p.disability()) && row.change() != rv1::ROSTER_CHANGE_EXIT) {
          v1::UpstreamDisabledChild d;
          d.set_national_id_hash(p.national_id_hash());
          d.set_county(p.county());
          d.set_category(p.disability());
          batch.Put(keys::Disabled(p.national_id_hash()), SerializeDeterministic(d));
        } else {
          batch.Delete(keys::Disabled(p.national_id_hash()));
        }
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> RowsLedger::Get(const std::string& key) {
  if (batch_ != nullptr) return batch_->Get(key);
  return store_->Get(key);
}

absl::Status RowsLedger::Scan(const std::string& prefix,
                              const std::function<bool(const std::string&, const std::string&)>& visit) {
  if (batch_ != nullptr) return batch_->Scan(prefix, visit);
  return store_->Scan(prefix, "", visit);
}

absl::StatusOr<std::string> RowsLedger::CountyOfSchool(const std::string& school) {
  ASSIGN_OR_RETURN(std::optional<std::string> county, Get(keys::SchoolCounty(school)));
  return county.value_or("");
}

absl::StatusOr<std::string> RowsLedger::ScanPage(
    const std::string& prefix, const std::string& page_token, int page_size,
    const std::function<absl::StatusOr<bool>(const std::string& key)>& take) {
  if (store_ == nullptr) return absl::InternalError("a page is read from the store, not from a batch");
  return storage::ScanPage(*store_, prefix, page_token, page_size,
                           [&](const std::string& key, const std::string&) { return take(key); });
}

template <typename Record>
absl::StatusOr<std::optional<Record>> Load(RowsLedger& rows, absl::StatusOr<std::optional<std::string>> row,
                                           const std::string& key) {
  if (!row.ok()) return row.status();
  return storage::ParseRow<Record>(*row, key);
}

absl::StatusOr<std::optional<v1::UpstreamChild>> RowsLedger::FindChild(const std::string& student_id) {
  return Load<v1::UpstreamChild>(*this, Get(keys::Child(student_id)), keys::Child(student_id));
}

absl::StatusOr<std::optional<v1::SubjectRecord>> RowsLedger::Subject(const std::string& subject) {
  return Load<v1::SubjectRecord>(*this, Get(keys::Subject(subject)), keys::Subject(subject));
}

void RowsLedger::PutSubject(const v1::SubjectRecord& subject) {
  batch_->Put(keys::Subject(subject.subject()), SerializeDeterministic(subject));
}

absl::StatusOr<std::optional<v1::CaseRecord>> RowsLedger::Case(const std::string& case_id) {
  return Load<v1::CaseRecord>(*this, Get(keys::Case(case_id)), keys::Case(case_id));
}

void RowsLedger::PutCase(const std::optional<v1::CaseRecord>& before, const v1::CaseRecord& after) {
  if (before) {
    batch_->Delete(keys::CaseIndex(before->county_code(), before->school_code(), before->state(), before->case_id()));
  }
  batch_->Put(keys::CaseIndex(after.county_code(), after.school_code(), after.state(), after.case_id()), "");
  batch_->Put(keys::Case(after.case_id()), SerializeDeterministic(after));
}

absl::StatusOr<std::optional<v1::LeftBehindCard>> RowsLedger::Card(const std::string& student_id) {
  return Load<v1::LeftBehindCard>(*this, Get(keys::Card(student_id)), keys::Card(student_id));
}

void RowsLedger::PutCard(const v1::LeftBehindCard& card) {
  batch_->Put(keys::Card(card.student_id()), SerializeDeterministic(card));
}

absl::StatusOr<std::optional<std::string>> RowsLedger::StudentOfHash(const std::string& hash) {
  return Get(keys::ChildByHash(hash));
}

absl::StatusOr<std::string> RowsLedger::CountyCode(const std::string& county) {
  if (county.size() == 6 && county.find_first_not_of("0123456789") == std::string::npos) return county;
  ASSIGN_OR_RETURN(auto code, Get(keys::CountyByName(county)));
  return code.value_or(county);
}

absl::StatusOr<bool> RowsLedger::EnrolledByStatusRoster(const std::string& hash) {
  ASSIGN_OR_RETURN(auto row, Get(keys::StatusRosterEnrolled(hash)));
  return row.has_value();
}

}  // namespace zizhu::dropout
