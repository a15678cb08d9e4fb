// libFuzzer target: the value parsers applied to every spreadsheet cell and
// the validation of roster rows (national IDs, dates, grades, categories).
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/registry/domain/field_parsers.h"
#include "services/registry/domain/national_id.h"
#include "services/registry/domain/roster_rows.h"

namespace {

class NullProtector final : public zizhu::registry::PersonalDataProtector {
 public:
  absl::StatusOr<zizhu::registry::v1::ProtectedValue> Protect(absl::string_view, zizhu::registry::PersonalField) override {
    return zizhu::registry::v1::ProtectedValue();
  }
  std::string NationalIdHash(absl::string_view id) override { return std::string(id); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zizhu::registry;  // NOLINT
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string id = NormalizeNationalId(text);
  (void)ValidateNationalId(id);
  (void)ParseDate(text);
  (void)ParseGrade(text);
  (void)ParseStage(text);
  (void)ParseCategories(text);
  (void)ParseAssistanceTypes(text);
  NullProtector protector;
  for (auto source : {v1::ROSTER_SOURCE_POVERTY_OFFICE, v1::ROSTER_SOURCE_CIVIL_AFFAIRS,
                      v1::ROSTER_SOURCE_STUDENT_STATUS}) {
    v1::RosterRowInput row;
    row.set_row_number(1);
    size_t third = text.size() / 3;
    (*row.mutable_fields())["national_id"] = text.substr(0, third);
    (*row.mutable_fields())["name"] = "张三";
    (*row.mutable_fields())["birth_date"] = text.substr(third, third);
    (*row.mutable_fields())["grade"] = text.substr(2 * third);
    (*row.mutable_fields())["household_number"] = "H1";
    (*row.mutable_fields())["school_code"] = "1";
    (*row.mutable_fields())["stage"] = "小学";
    (void)ValidateRosterRow(source, row, protector);
  }
  return 0;
}
