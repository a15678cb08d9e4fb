// What the dropout decisions read: a subject's cases and what the registry
// last said of a student. Implemented over projection rows by the app layer
// and in memory by the domain tests.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "zizhu/dropout/v1/records.pb.h"

namespace zizhu::dropout {

namespace v1 = zizhu::dropout::v1;

class DropoutState {
 public:
  virtual ~DropoutState() = default;
  virtual absl::StatusOr<std::optional<v1::SubjectRecord>> FindSubject(const std::string& subject) = 0;
  virtual absl::StatusOr<std::optional<v1::CaseRecord>> FindCase(const std::string& case_id) = 0;
  virtual absl::StatusOr<std::optional<v1::UpstreamChild>> FindChild(const std::string& student_id) = 0;
  virtual absl::StatusOr<std::optional<v1::LeftBehindCard>> FindCard(const std::string& student_id) = 0;
};

// What a fold of the service's own events reads and writes.
class DropoutRows {
 public:
  virtual ~DropoutRows() = default;
  virtual absl::StatusOr<std::optional<v1::SubjectRecord>> Subject(const std::string& subject) = 0;
  virtual void PutSubject(const v1::SubjectRecord& subject) = 0;
  virtual absl::StatusOr<std::optional<v1::CaseRecord>> Case(const std::string& case_id) = 0;
  // `before` is the case's previous record (for its indexes).
  virtual void PutCase(const std::optional<v1::CaseRecord>& before, const v1::CaseRecord& after) = 0;
  virtual absl::StatusOr<std::optional<v1::LeftBehindCard>> Card(const std::string& student_id) = 0;
  virtual void PutCard(const v1::LeftBehindCard& card) = 0;
};

}  // namespace zizhu::dropout
