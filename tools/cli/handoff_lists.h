// The hand-offs outside education, made offline from the offices' own files:
//  - the university-admission grant list for civil affairs, who pay it
//    (students at university of registered-poor households, the amount the
//    policy's civil-affairs rule gives a year);
//  - the list of students eligible for the bank's credit loan (university
//    and postgraduate students of registered-poor households, up to the
//    policy's cap a year).
// Registered-poor is decided as the subsidy service decides it (FactsOf):
// the student file's category, or the poverty office's roster within the
// exit transition period, or civil affairs naming the child after it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zizhu::cli {

struct HandOffInputs {
  std::string students;  // the student-status file (学籍): CSV UTF-8/GBK or XLSX
  std::string poverty;   // the poverty office's roster (建档立卡)
  std::string civil;     // civil affairs' roster (optional)
  std::string policy;    // the policy file
  int year = 0;          // the school year's calendar year (exit window, e.g. 2027)
  int exit_transition_years = 5;
  std::string county;  // "" = every county in the files
  std::string encoding = "auto";
};

struct HandOffRow {
  int line = 0;  // in the student file
  std::string name;
  std::string national_id;  // in clear: the receiving office needs it
  std::string bank_card;    // in clear (grant list only)
  std::string school_code;
  int grade = 0;
  std::string basis;  // 建档立卡 / 已脱贫 2024（过渡期内）/ 民政认定
  int64_t fen_per_year = 0;
};

struct HandOffList {
  std::vector<HandOffRow> rows;
  int students_read = 0;
  int rows_refused = 0;            // lines of the student file that do not parse
  std::vector<std::string> notes;  // the first refused lines, "students.csv:12: grade: ..."
  std::string policy_version;
};

enum class HandOffKind { kUniversityGrant, kCreditLoan };

absl::StatusOr<HandOffList> BuildHandOffList(HandOffKind kind, const HandOffInputs& inputs);

// Writes the list (.csv, UTF-8 with BOM, or .xlsx) under `title`, with a total.
absl::Status WriteHandOffList(HandOffKind kind, const std::string& path, const std::string& title,
                              const HandOffList& list);

}  // namespace zizhu::cli
