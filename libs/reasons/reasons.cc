#include "libs/reasons/reasons.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "services/common/core/enum_label.h"
#include "zizhu/identity/v1/identity.pb.h"
#include "zizhu/registry/v1/rosters.pb.h"
#include "zizhu/registry/v1/types.pb.h"
#include "zizhu/subsidy/v1/types.pb.h"

namespace zizhu::reasons {

extern const char kReasonsTsv[];

namespace {

// An enum value named in a parameter ("ROLE_CITY_ADMIN"), by its label.
std::optional<std::string> EnumWords(const std::string& value, bool chinese) {
  if (value.empty() || value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
    return std::nullopt;
  }
  // The enums a refusal names are linked in (a descriptor is in the pool only
  // when its file is): roles, stages, statuses, categories, sources.
  static const bool linked =
      identity::v1::Role_descriptor() != nullptr && registry::v1::EducationStage_descriptor() != nullptr &&
      registry::v1::RosterSource_descriptor() != nullptr && subsidy::v1::CoverageReasonKind_descriptor() != nullptr;
  (void)linked;
  for (const char* package : {"zizhu.identity.v1.", "zizhu.registry.v1.", "zizhu.subsidy.v1.", "zizhu.disbursement.v1.",
                              "zizhu.dropout.v1.", "zizhu.pairing.v1."}) {
    const google::protobuf::EnumValueDescriptor* found =
        google::protobuf::DescriptorPool::generated_pool()->FindEnumValueByName(std::string(package) + value);
    if (found != nullptr) return EnumLabel(found, chinese);
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> CatalogueProblems() {
  std::vector<std::string> problems;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(kReasonsTsv, '\n')) {
    ++number;
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells = absl::StrSplit(line, '\t');
    if (cells.size() != 3 || cells[0].empty() || cells[1].empty() || cells[2].empty()) {
      problems.push_back(
          absl::StrCat("reasons.tsv:", number, ": not key<TAB>Chinese<TAB>English: ", std::string(line.substr(0, 60))));
    }
  }
  return problems;
}

const std::map<std::string, Words>& Catalogue() {
  static const std::map<std::string, Words>* rows = [] {
    auto* out = new std::map<std::string, Words>();
    for (absl::string_view line : absl::StrSplit(kReasonsTsv, '\n')) {
      line = absl::StripTrailingAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cells = absl::StrSplit(line, '\t');
      if (cells.size() != 3) continue;
      (*out)[cells[0]] = Words{cells[1], cells[2]};
    }
    return out;
  }();
  return *rows;
}

std::string WordsOf(const std::string& kind, const std::string& value, bool chinese) {
  const auto& rows = Catalogue();
  auto row = rows.find(absl::StrCat(kind, ":", value));
  if (row == rows.end()) return value;
  return chinese ? row->second.zh : row->second.en;
}

std::optional<std::string> Render(const common::v1::ErrorInfo& info, bool chinese) {
  const auto& rows = Catalogue();
  auto row = rows.find(info.reason());
  if (row == rows.end()) return std::nullopt;
  const std::string& pattern = chinese ? row->second.zh : row->second.en;
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    size_t open = pattern.find('{', i);
    if (open == std::string::npos) {
      out += pattern.substr(i);
      break;
    }
    size_t close = pattern.find('}', open);
    if (close == std::string::npos) {
      out += pattern.substr(i);
      break;
    }
    out += pattern.substr(i, open - i);
    const std::string name = pattern.substr(open + 1, close - open - 1);
    auto param = info.metadata().find(name);
    std::string value = param == info.metadata().end() ? "" : param->second;
    // A parameter named "fields" is a comma list of fields, each said by its words.
    if (name == "fields") {
      std::vector<std::string> said;
      for (absl::string_view f : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        said.push_back(WordsOf("field", std::string(f), chinese));
      }
      out += absl::StrJoin(said, chinese ? "、" : ", ");
      i = close + 1;
      continue;
    }
    // A parameter named *_field (needed_field) is a field too.
    const std::string kind = absl::EndsWith(name, "_field") ? "field" : name;
    if (auto words = rows.find(kind + ":" + value); words != rows.end()) {
      value = chinese ? words->second.zh : words->second.en;
    } else if (std::optional<std::string> label = EnumWords(value, chinese)) {
      value = *label;
    }
    out += value;
    i = close + 1;
  }
  return out;
}

}  // namespace zizhu::reasons
