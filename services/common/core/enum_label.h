// The operator's words for an enum value: its (zizhu.common.v1.label) in the
// proto (proto/zizhu/common/v1/field_options.proto), Chinese or English; the
// value's name when the proto gives none. One value has one name in the
// report files, the console and the CLI.
#pragma once

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace zizhu {

std::string EnumLabel(const google::protobuf::EnumValueDescriptor* value, bool chinese);

template <typename Enum>
std::string EnumLabel(Enum value, bool chinese) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(static_cast<int>(value)), chinese);
}

}  // namespace zizhu
