#include "services/common/core/enum_label.h"

#include "zizhu/common/v1/field_options.pb.h"

namespace zizhu {

std::string EnumLabel(const google::protobuf::EnumValueDescriptor* value, bool chinese) {
  if (value == nullptr) return "?";
  const common::v1::Label& label = value->options().GetExtension(common::v1::label);
  const std::string& words = chinese ? label.zh() : label.en();
  if (!words.empty()) return words;
  if (!label.en().empty()) return label.en();
  return value->name();
}

}  // namespace zizhu
