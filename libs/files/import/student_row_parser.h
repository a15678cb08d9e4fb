// Turns rows of a student roster (as agencies export them) into
// RegisterStudentRequest messages. Headers are matched by a default mapping
// of the usual Chinese and English names and their variants, optionally
// extended by a mapping file ("field = header" lines).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/rules/field_values.h"
#include "zizhu/common/v1/error_details.pb.h"
#include "zizhu/registry/v1/registry_service.pb.h"

namespace zizhu::tools {

// Canonical field names: name, national_id, gender, birth_date, ethnic_group,
// phone, bank_card, school_code, stage, grade, class_name, boarding, status,
// household_number, categories, guardian_name, guardian_relation, guardian_phone.
const std::vector<std::string>& StudentFields();

// Header text -> canonical field. Extra entries override the defaults.
class HeaderMapping {
 public:
  // `variants`: canonical field -> header texts that mean it.
  HeaderMapping(const std::map<std::string, std::vector<std::string>>& variants, std::vector<std::string> required);
  // The student roster of the registry's own import.
  static HeaderMapping Default();
  // Adds "field = header" lines (# comments allowed).
  absl::Status AddFromText(const std::string& text);
  // Resolves a header row: column index per canonical field. Unknown headers
  // are ignored; a header mapped twice is an error; the required fields must
  // be present.
  absl::StatusOr<std::map<std::string, int>> Resolve(const std::vector<std::string>& headers) const;

 private:
  std::map<std::string, std::string> header_to_field_;  // normalised header -> field
  std::set<std::string> fields_;
  std::vector<std::string> required_;
};

// Normalises header text for matching: trims, drops spaces, full-width
// brackets and their content, asterisks; lower-cases ASCII.
std::string NormalizeHeader(const std::string& header);

struct RowError {
  std::string column;  // canonical field, or "" for the whole row
  std::string reason;  // English
  // The reason as its code and parameters (said in the operator's language
  // from libs/reasons): the check's own, else ROW_VALUE_INVALID {field, value}.
  common::v1::ErrorInfo code;
};

// Parses one row. `columns` comes from HeaderMapping::Resolve.
absl::StatusOr<registry::v1::RegisterStudentRequest> ParseStudentRow(const std::vector<std::string>& fields,
                                                                     const std::map<std::string, int>& columns,
                                                                     RowError* error);

}  // namespace zizhu::tools
