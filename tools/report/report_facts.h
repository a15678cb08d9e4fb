// What a report counts, folded in memory from the services' events as of a
// recorded point, with the services' own pure folds (registry → subsidy's
// upstream facts, the subsidy's round evolve, the disbursement's account
// fold, the dropout's and pairing's folds): a report recomputes nothing a
// service decided, it reads what the services recorded.
//
// Which events count for a period: the registry's, the subsidy's and the
// disbursement's when they occurred (China time) on or before the period's
// last day; a case's opening, cross-off and reopening and the pairing's
// events always (they carry their own dates, which the sections count by),
// so a cross-off recorded after the period but dated in it is a revision of
// it; a case's team, visits and evidence when they occurred.
//
// Not thread-safe; one fold per report run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "zizhu/common/v1/envelope.pb.h"
#include "zizhu/disbursement/v1/ledger.pb.h"
#include "zizhu/dropout/v1/records.pb.h"
#include "zizhu/pairing/v1/records.pb.h"
#include "zizhu/subsidy/v1/records.pb.h"

namespace zizhu::report {

struct SchoolFacts {
  std::string code;
  std::string name;
  std::string county_code;
  std::string county_name;
  bool rural = false;
};

struct DisabledChild {
  std::string county;  // as the civil-affairs roster names it (code or name)
  registry::v1::DisabilityCategory category = registry::v1::DISABILITY_CATEGORY_UNSPECIFIED;
};

struct AccountFacts {
  disbursement::v1::AccountKey key;
  disbursement::v1::Balances balances;
};

struct ReportFacts {
  // Registry.
  std::map<std::string, SchoolFacts> schools;                                       // by school code
  std::map<std::string, std::string> county_names;                                  // by county code
  absl::flat_hash_map<std::string, subsidy::v1::UpstreamStudent> students;          // by student id
  absl::flat_hash_map<std::string, std::string> student_of_hash;                    // national-id hash -> student id
  absl::flat_hash_map<std::string, subsidy::v1::UpstreamPovertyEvidence> evidence;  // by hash
  absl::flat_hash_map<std::string, DisabledChild> disabled;  // three categories on civil affairs' roster
  absl::flat_hash_set<std::string> status_roster_enrolled;   // hashes the student-status roster shows enrolled
  int exit_transition_years = 0;                             // set by the constructor's default
  // Subsidy: rounds by id; applications, coverage reasons, entitlements by "<round>/<student>".
  std::map<std::string, subsidy::v1::RoundRecord> rounds;
  absl::flat_hash_map<std::string, subsidy::v1::ApplicationRecord> applications;
  absl::flat_hash_map<std::string, subsidy::v1::CoverageReason> coverage_reasons;
  absl::flat_hash_map<std::string, subsidy::v1::EntitlementRecord> entitlements;
  // Disbursement: accounts by id; payments by payment id (ids are unique
  // across accounts) with their account id.
  std::map<std::string, AccountFacts> accounts;
  absl::flat_hash_map<std::string, std::pair<std::string, disbursement::v1::Payment>> payments;
  absl::flat_hash_map<std::string, disbursement::v1::BatchRecord> batches;
  // Dropout and pairing.
  std::map<std::string, dropout::v1::CaseRecord> cases;  // by case id
  absl::flat_hash_map<std::string, dropout::v1::SubjectRecord> subjects;
  absl::flat_hash_map<std::string, dropout::v1::LeftBehindCard> cards;
  std::map<std::string, pairing::v1::PairRecord> pairs;
  std::map<std::string, pairing::v1::PlanRecord> plans;
  std::map<std::pair<std::string, int>, pairing::v1::RotationRecord> rotations;  // (county, year)

  int64_t events_folded = 0;
  int64_t events_after_period = 0;  // read but after the period's last day (next period's)

  ReportFacts();
  // The county of a school ("" when unknown).
  std::string CountyOf(const std::string& school_code) const;
  // A county code for a roster's county (a code, or a county name the
  // registry's schools use); the text itself when unknown.
  std::string CountyCodeFor(const std::string& county) const;
};

// Folds one event of the named service's topic ("registry", "subsidy",
// "disbursement", "dropout", "pairing"); events of other types are skipped.
// DATA_LOSS when a record does not parse or names a record never created.
// Each service's events touch only that service's members of ReportFacts, so
// the topics may be folded at once, one FactsFolder per thread (a folder
// itself is not thread-safe).
class FactsFolder {
 public:
  explicit FactsFolder(absl::CivilDay last_day);
  ~FactsFolder();
  absl::Status Fold(const std::string& service, const common::v1::EventEnvelope& envelope, ReportFacts& facts);
  int64_t folded() const { return folded_; }
  int64_t after_period() const { return after_period_; }

 private:
  class Dispatchers;
  absl::CivilDay last_day_;
  std::unique_ptr<Dispatchers> on_;
  int64_t folded_ = 0;
  int64_t after_period_ = 0;
};

}  // namespace zizhu::report
