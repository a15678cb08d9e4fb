// The dropout service's projections:
//  - LedgerProjection folds the service's own events (FoldDropoutEvent) into
//    subject, case (with a county/school/state index) and card rows;
//  - RegistryRows folds the registry's events into "up/" rows: each
//    student's school, county, stage, status, categories and guardian; the
//    students per county, stage and status (the rates' counts); left-behind
//    children per county and school; disabled children of the three
//    categories on civil affairs' roster; the status roster's enrolments.
// RowsLedger reads and writes those rows over a batch (decisions, folds) or
// reads them from the store (queries).
#pragma once

#include <functional>
#include <string>

#include "services/common/es/projection.h"
#include "services/common/storage/projection_store.h"
#include "services/dropout/domain/case_decisions.h"
#include "services/dropout/domain/case_evolve.h"
#include "zizhu/registry/v1/rosters.pb.h"

namespace zizhu::dropout {

class LedgerProjection final : public es::DispatchingProjection {
 public:
  LedgerProjection();
};

class RegistryRows final : public es::DispatchingProjection {
 public:
  RegistryRows();
};

class RowsLedger final : public DropoutState, public DropoutRows {
 public:
  explicit RowsLedger(storage::ProjectionBatch& batch) : batch_(&batch) {}
  explicit RowsLedger(const storage::ProjectionStore& store) : store_(&store) {}
  // DropoutState
  absl::StatusOr<std::optional<v1::SubjectRecord>> FindSubject(const std::string& subject) override {
    return Subject(subject);
  }
  absl::StatusOr<std::optional<v1::CaseRecord>> FindCase(const std::string& case_id) override { return Case(case_id); }
  absl::StatusOr<std::optional<v1::UpstreamChild>> FindChild(const std::string& student_id) override;
  absl::StatusOr<std::optional<v1::LeftBehindCard>> FindCard(const std::string& student_id) override {
    return Card(student_id);
  }
  // DropoutRows
  absl::StatusOr<std::optional<v1::SubjectRecord>> Subject(const std::string& subject) override;
  void PutSubject(const v1::SubjectRecord& subject) override;
  absl::StatusOr<std::optional<v1::CaseRecord>> Case(const std::string& case_id) override;
  void PutCase(const std::optional<v1::CaseRecord>& before, const v1::CaseRecord& after) override;
  absl::StatusOr<std::optional<v1::LeftBehindCard>> Card(const std::string& student_id) override;
  void PutCard(const v1::LeftBehindCard& card) override;

  // Upstream facts the reactions read.
  absl::StatusOr<std::optional<std::string>> StudentOfHash(const std::string& hash);
  absl::StatusOr<bool> EnrolledByStatusRoster(const std::string& hash);
  // A roster's county (a code, or a name the registry's schools carry) as a
  // code; the text itself when no school names it.
  absl::StatusOr<std::string> CountyCode(const std::string& county);
  absl::Status Scan(const std::string& prefix,
                    const std::function<bool(const std::string&, const std::string&)>& visit);
  // The county the registry gives a school ("" when it has not yet).
  absl::StatusOr<std::string> CountyOfSchool(const std::string& school);
  // One page of keys under `prefix` (storage::ScanPage; over the store only).
  absl::StatusOr<std::string> ScanPage(const std::string& prefix, const std::string& page_token, int page_size,
                                       const std::function<absl::StatusOr<bool>(const std::string& key)>& take);

 private:
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  storage::ProjectionBatch* batch_ = nullptr;
  const storage::ProjectionStore* store_ = nullptr;
};

}  // namespace zizhu::dropout
