// The sections of a report (pure): each a table computed from the facts as
// of the point, for the period and the scope, broken down by county and
// school, with totals. Definitions (also in tools/report/README.md):
// - aided: the entitlements of the period's semester (approved rounds), not
//   disqualified, by county, school, stage and tier, with the categories;
// - amounts: by county, school and fund source — allocated (funds in place),
//   approved (payable after adjustments), paid, failed (waiting for a
//   retry), outstanding (approved - paid); and a per-county summary chart;
// - without_aid: registered-poor students enrolled in scope without an
//   entitlement of the semester, masked, with what the round records;
// - underpaid: entitlements paying less than the pupil's days enrolled at
//   the school entitle them to (subsidy/domain/underpayment.h), with the
//   stop that was never undone;
// - refused: applications rejected or removed, and why;
// - dropout / disabled: rates against the targets, cases opened and crossed
//   off in the period (by their dates) and open at its end;
// - pairing / plans / rotation: activities in the period, plans against
//   their targets, backbone rotation against the rule;
// - performance: completion rate, funds in place, funds disbursed.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "tools/report/report_facts.h"
#include "tools/report/report_labels.h"
#include "tools/report/report_period.h"
#include "tools/report/report_table.h"
#include "zizhu/dropout/v1/records.pb.h"
#include "zizhu/pairing/v1/records.pb.h"

namespace zizhu::report {

struct SectionInput {
  Period period;
  ReportScope scope;
  Language language = Language::kChinese;
  dropout::v1::Targets targets;
  pairing::v1::PairingRules rules;
};

absl::StatusOr<std::vector<Table>> BuildSections(const ReportFacts& facts, const SectionInput& in);

// The parts, each one table (or several), in report order.
std::vector<Table> AidSections(const ReportFacts& facts, const SectionInput& in);
std::vector<Table> LedgerSections(const ReportFacts& facts, const SectionInput& in);

// "城关区 (210102)"; the code alone when the registry has no name.
std::string CountyLabel(const ReportFacts& facts, const std::string& county_code);
// "第一小学 (2101020001)".
std::string SchoolLabel(const ReportFacts& facts, const std::string& school_code);

}  // namespace zizhu::report
