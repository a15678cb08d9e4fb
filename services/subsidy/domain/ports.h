// What the subsidy decisions read: the service's own rows and its copy of
// the registry's facts. Implemented over a projection batch by the app layer
// (read-your-writes inside a group-committed batch) and in memory by tests.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/subsidy/v1/records.pb.h"

namespace zizhu::subsidy {

namespace v1 = zizhu::subsidy::v1;

class SubsidyState {
 public:
  virtual ~SubsidyState() = default;
  // Own rows.
  virtual absl::StatusOr<std::optional<v1::PolicyRecord>> FindPolicy(const std::string& version) = 0;
  virtual absl::StatusOr<std::vector<v1::PolicyRecord>> AllPolicies() = 0;
  virtual absl::StatusOr<std::optional<v1::RoundRecord>> FindRound(const std::string& round_id) = 0;
  virtual absl::StatusOr<std::optional<v1::ApplicationRecord>> FindApplication(const std::string& round_id,
                                                                               const std::string& student_id) = 0;
  // Visits the round's applications in student order until `visit` is false.
  virtual absl::Status ForEachApplication(const std::string& round_id,
                                          const std::function<bool(const v1::ApplicationRecord&)>& visit) = 0;
  virtual absl::StatusOr<bool> HasCoverageReason(const std::string& round_id, const std::string& student_id) = 0;
  virtual absl::StatusOr<std::optional<v1::ObjectionRecord>> FindObjection(const std::string& round_id,
                                                                           const std::string& objection_id) = 0;
  virtual absl::StatusOr<std::vector<v1::ObjectionRecord>> OpenObjections(const std::string& round_id) = 0;
  virtual absl::StatusOr<std::vector<v1::EntitlementRecord>> EntitlementsOfStudent(const std::string& student_id) = 0;
  // The registry's facts (upstream rows).
  virtual absl::StatusOr<std::optional<v1::UpstreamSchool>> FindSchool(const std::string& school_code) = 0;
  virtual absl::StatusOr<std::optional<v1::UpstreamStudent>> FindStudent(const std::string& student_id) = 0;
  virtual absl::StatusOr<std::optional<v1::UpstreamPovertyEvidence>> FindEvidence(const std::string& id_hash) = 0;
  // The registry's cross-match setting (5 when never set).
  virtual absl::StatusOr<int> ExitTransitionYears() = 0;
  // Visits the students the registry places at the school, in id order.
  virtual absl::Status ForEachStudentOfSchool(const std::string& school_code,
                                              const std::function<bool(const v1::UpstreamStudent&)>& visit) = 0;
};

}  // namespace zizhu::subsidy
