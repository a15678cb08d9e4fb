#include "tools/cli/handoff_lists.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/row_reader.h"
#include "libs/files/pay_files.h"
#include "libs/rules/national_id.h"
#include "libs/rules/roster_fields.h"
#include "services/common/core/money.h"
#include "services/common/core/status_macros.h"
#include "services/common/core/text_file.h"
#include "services/registry/domain/roster_rows.h"
#include "services/subsidy/domain/entitlement_calc.h"
#include "services/subsidy/domain/policy_file.h"
#include "tools/cli/cli_common.h"

namespace zizhu::cli {
namespace {

namespace rv1 = zizhu::registry::v1;
namespace sv1 = zizhu::subsidy::v1;

constexpr int kNotesKept = 20;

// Calls `row` for every data row of a table file, with its columns resolved
// by `mapping`.
absl::Status ForEachRow(
    const std::string& path, const std::string& encoding, const tools::HeaderMapping& mapping,
    const std::function<absl::Status(const tools::CsvRow&, const std::map<std::string, int>&)>& row) {
  ASSIGN_OR_RETURN(tools::TableFile file, tools::InspectTableFile(path, encoding));
  absl::StatusOr<std::map<std::string, int>> columns = mapping.Resolve(file.header);
  if (!columns.ok()) return absl::Status(columns.status().code(), absl::StrCat(path, ": ", columns.status().message()));
  ASSIGN_OR_RETURN(std::unique_ptr<tools::RowReader> rows, tools::OpenRows(file));
  tools::CsvRow current;
  bool header = true;
  while (true) {
    ASSIGN_OR_RETURN(bool more, rows->Next(&current));
    if (!more) break;
    if (header) {
      header = false;
      continue;
    }
    RETURN_IF_ERROR(row(current, *columns));
  }
  return absl::OkStatus();
}

std::string Field(const tools::CsvRow& row, const std::map<std::string, int>& columns, const std::string& field) {
  auto it = columns.find(field);
  if (it == columns.end() || it->second >= static_cast<int>(row.fields.size())) return "";
  return row.fields[it->second];
}

// What the poverty office's and civil affairs' rosters say, by national ID.
absl::StatusOr<std::map<std::string, sv1::UpstreamPovertyEvidence>> ReadEvidence(const HandOffInputs& in) {
  std::map<std::string, sv1::UpstreamPovertyEvidence> evidence;
  RETURN_IF_ERROR(ForEachRow(in.poverty, in.encoding, tools::RosterHeaderMapping(rv1::ROSTER_SOURCE_POVERTY_OFFICE),
                             [&](const tools::CsvRow& row, const std::map<std::string, int>& columns) -> absl::Status {
                               const std::string id = rules::NormalizeNationalId(Field(row, columns, "national_id"));
                               if (!rules::ValidateNationalId(id).ok())
                                 return absl::OkStatus();  // the registry's import reports it
                               sv1::UpstreamPovertyEvidence& e = evidence[id];
                               e.set_poverty_office(true);
                               e.set_household_number(Field(row, columns, "household_number"));
                               absl::StatusOr<bool> exited = rules::ParseExited(Field(row, columns, "exit_status"));
                               int year = 0;
                               if (exited.ok() && *exited &&
                                   absl::SimpleAtoi(Field(row, columns, "year_exited"), &year)) {
                                 e.set_year_exited(year);
                               }
                               return absl::OkStatus();
                             }));
  if (!in.civil.empty()) {
    RETURN_IF_ERROR(ForEachRow(in.civil, in.encoding, tools::RosterHeaderMapping(rv1::ROSTER_SOURCE_CIVIL_AFFAIRS),
                               [&](const tools::CsvRow& row, const std::map<std::string, int>& columns) {
                                 const std::string id = rules::NormalizeNationalId(Field(row, columns, "national_id"));
                                 auto it = evidence.find(id);
                                 if (it != evidence.end()) it->second.set_civil_affairs(true);
                                 return absl::OkStatus();
                               }));
  }
  return evidence;
}

std::string Basis(const sv1::UpstreamPovertyEvidence* evidence, int year, int transition) {
  if (evidence == nullptr || evidence->year_exited() == 0) return "建档立卡";
  if (year - evidence->year_exited() <= transition) {
    return absl::StrCat("已脱贫 ", evidence->year_exited(), "（过渡期内）");
  }
  return evidence->civil_affairs() ? "民政认定" : "建档立卡";
}

}  // namespace

absl::StatusOr<HandOffList> BuildHandOffList(HandOffKind kind, const HandOffInputs& in) {
  if (in.year < 2000 || in.year > 2100)
    return absl::InvalidArgumentError(absl::StrCat("--year ", in.year, " is not a year"));
  if (in.exit_transition_years < 0 || in.exit_transition_years > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("--exit-transition-years ", in.exit_transition_years, " is outside 0-30"));
  }
  ASSIGN_OR_RETURN(std::string policy_text, ReadTextFile(in.policy));
  ASSIGN_OR_RETURN(sv1::Policy policy, subsidy::ParsePolicyFile(in.policy, policy_text));
  if (kind == HandOffKind::kCreditLoan && policy.credit_loan_cap_fen_per_year() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(in.policy, ": the policy names no credit loan (credit_loan.university_cap_yuan_per_year)"));
  }
  ASSIGN_OR_RETURN(auto evidence, ReadEvidence(in));
  HandOffList list;
  list.policy_version = policy.version();
  std::set<std::string> seen;
  RETURN_IF_ERROR(ForEachRow(in.students, in.encoding, tools::HeaderMapping::Default(),
                             [&](const tools::CsvRow& row, const std::map<std::string, int>& columns) -> absl::Status {
                               ++list.students_read;
                               tools::RowError error;
                               absl::StatusOr<rv1::RegisterStudentRequest> student =
                                   tools::ParseStudentRow(row.fields, columns, &error);
                               if (!student.ok()) {
                                 ++list.rows_refused;
                                 if (static_cast<int>(list.notes.size()) < kNotesKept) {
                                   list.notes.push_back(absl::StrCat(in.students, ":", row.line, ": ", error.column,
                                                                     error.column.empty() ? "" : ": ", error.reason));
                                 }
                                 return absl::OkStatus();
                               }
                               if (student->stage() != rv1::EDUCATION_STAGE_UNIVERSITY) return absl::OkStatus();
                               if (student->status() != rv1::ENROLMENT_STATUS_UNSPECIFIED &&
                                   student->status() != rv1::ENROLMENT_STATUS_ENROLLED) {
                                 return absl::OkStatus();
                               }
                               if (!in.county.empty() && student->school_code().rfind(in.county, 0) != 0)
                                 return absl::OkStatus();
                               const std::string id = rules::NormalizeNationalId(student->national_id());
                               if (!seen.insert(id).second) return absl::OkStatus();  // listed once
                               sv1::UpstreamStudent upstream;
                               upstream.set_stage(student->stage());
                               upstream.set_grade(student->grade());
                               upstream.set_boarding(student->boarding());
                               *upstream.mutable_categories() = student->categories();
                               upstream.set_household_number(student->household_number());
                               auto it = evidence.find(id);
                               const sv1::UpstreamPovertyEvidence* e = it == evidence.end() ? nullptr : &it->second;
                               const sv1::StudentFacts facts =
                                   subsidy::FactsOf(upstream, e, in.exit_transition_years, in.year);
                               if (!facts.registered_poor()) return absl::OkStatus();
                               HandOffRow out;
                               out.line = row.line;
                               out.name = student->name();
                               out.national_id = id;
                               out.school_code = student->school_code();
                               out.grade = student->grade();
                               out.basis = Basis(e, in.year, in.exit_transition_years);
                               if (kind == HandOffKind::kCreditLoan) {
                                 out.fen_per_year = policy.credit_loan_cap_fen_per_year();
                               } else {
                                 const sv1::PolicyRule* rule = subsidy::FindRule(policy, facts, 1);
                                 if (rule == nullptr || rule->payer() != sv1::PAYER_CIVIL_AFFAIRS)
                                   return absl::OkStatus();
                                 out.fen_per_year = rule->base_fen_per_year() + rule->top_up_fen_per_year();
                                 out.bank_card = student->bank_card();
                               }
                               list.rows.push_back(std::move(out));
                               return absl::OkStatus();
                             }));
  std::sort(list.rows.begin(), list.rows.end(), [](const HandOffRow& a, const HandOffRow& b) {
    return std::tie(a.school_code, a.national_id) < std::tie(b.school_code, b.national_id);
  });
  return list;
}

absl::Status WriteHandOffList(HandOffKind kind, const std::string& path, const std::string& title,
                              const HandOffList& list) {
  const bool grant = kind == HandOffKind::kUniversityGrant;
  std::vector<std::vector<std::string>> table;
  if (grant) {
    table.push_back({"序号", "姓名", "身份证号", "银行卡号", "学校代码", "依据", "金额(元/年)"});
  } else {
    table.push_back({"序号", "姓名", "身份证号", "学校代码", "年级", "依据", "贷款上限(元/年)"});
  }
  int64_t total = 0;
  int n = 0;
  for (const HandOffRow& r : list.rows) {
    const std::string amount = Fen::FromFen(r.fen_per_year).ToYuanString();
    if (grant) {
      table.push_back({std::to_string(++n), r.name, r.national_id, r.bank_card, r.school_code, r.basis, amount});
    } else {
      table.push_back(
          {std::to_string(++n), r.name, r.national_id, r.school_code, std::to_string(r.grade), r.basis, amount});
    }
    total += r.fen_per_year;
  }
  table.push_back({"合计", absl::StrCat(n, "人"), "", "", "", "", Fen::FromFen(total).ToYuanString()});
  return WriteTableFile(path, grant ? "民政发放名单" : "贷款名单", title, table);
}

}  // namespace zizhu::cli
