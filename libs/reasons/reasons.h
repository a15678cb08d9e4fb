// The words of a refusal's reason (google.rpc.ErrorInfo) in the operator's
// language, from the catalogue reasons.tsv (one catalogue for the CLI, the
// gateway — which hands it to the console — and the report jobs).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zizhu/common/v1/error_details.pb.h"

namespace zizhu::reasons {

struct Words {
  std::string zh;
  std::string en;
};

// Every row of the catalogue: reasons ("ROLE_MAY_NOT"), nouns ("what:case")
// and field names ("field:semester").
// Lines of the catalogue that are neither comments nor key<TAB>Chinese<TAB>English
// (a test keeps this empty: such a line would be skipped silently).
std::vector<std::string> CatalogueProblems();
const std::map<std::string, Words>& Catalogue();

// The words of the catalogue's row `kind:value` ("field:grade",
// "row_kind:invalid_id") in Chinese or English; `value` itself when the
// catalogue has no such row.
std::string WordsOf(const std::string& kind, const std::string& value, bool chinese);

// The refusal said in Chinese or English, its parameters filled in (an enum
// value by its label, {what} and {field} by the catalogue's words); nullopt
// when the catalogue does not know the reason.
std::optional<std::string> Render(const common::v1::ErrorInfo& info, bool chinese);

}  // namespace zizhu::reasons
