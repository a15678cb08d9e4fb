// libFuzzer target: the value parsers applied to every spreadsheet cell and
// the validation of roster rows (national IDs, dates, grades, categories).
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/rules/field_values.h"
#include "libs/rules/national_id.h"
#include "services/registry/domain/roster_rows.h"

namespace {

class NullProtector final : public zizhu::registry::PersonalDataProtector {
 public:
  absl::StatusOr<zizhu::registry::v1::ProtectedValue> Protect(absl::string_view,
                                                              zizhu::registry::PersonalField) override {
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
  for (auto source :
       {v1::ROSTER_SOURCE_POVERTY_OFFICE, v1::ROSTER_SOURCE_CIVIL_AFFAIRS, v1::ROSTER_SOURCE_STUDENT_STATUS}) {
    v1::RosterRowInput row;
    row.set_row_number(1);
    size_t third = text.size() / 3;
    // The first third as the ID, the rest spread over the source's fields.
    auto& fields = *row.mutable_fields();
    fields["national_id"] = text.substr(0, third);
    const auto& names = RosterFields(source);
    for (size_t i = 1; i < names.size(); ++i) {
      fields[names[i]] = text.substr(third + (i * 7) % (text.size() - third + 1), third);
    }
    (void)ValidateRosterRow(source, row, protector);
  }
  return 0;
}
