#include "services/common/grpc/field_limits.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "services/common/core/refusal.h"
#include "zizhu/common/v1/field_options.pb.h"

namespace zizhu::grpc_kit {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status TooLong(const std::string& path, size_t size, size_t max_bytes) {
  return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                 {{"field", path}, {"bytes", std::to_string(size)}, {"max", std::to_string(max_bytes)}},
                 absl::StrCat(path, " is ", size, " bytes; at most ", max_bytes, " are allowed"));
}

// The field's own limit ((zizhu.common.v1.max_bytes) option) or the default.
size_t LimitOf(const FieldDescriptor* field, size_t default_max) {
  const int64_t own = field->options().GetExtension(common::v1::max_bytes);
  return own > 0 ? static_cast<size_t>(own) : default_max;
}

absl::Status Check(const Message& message, const std::string& prefix, size_t default_max) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool text = field->type() == FieldDescriptor::TYPE_STRING || field->type() == FieldDescriptor::TYPE_BYTES;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!text && !nested) continue;
    const size_t max_bytes = text ? LimitOf(field, default_max) : default_max;
    if (!field->is_repeated()) {
      if (text) {
        std::string scratch;
        const std::string& value = reflection->GetStringReference(message, field, &scratch);
        if (value.size() > max_bytes) return TooLong(path, value.size(), max_bytes);
      } else {
        absl::Status status = Check(reflection->GetMessage(message, field), path, max_bytes);
        if (!status.ok()) return status;
      }
      continue;
    }
    const int n = reflection->FieldSize(message, field);
    for (int i = 0; i < n; ++i) {
      if (text) {
        std::string scratch;
        const std::string& value = reflection->GetRepeatedStringReference(message, field, i, &scratch);
        if (value.size() > max_bytes) return TooLong(absl::StrCat(path, "[", i, "]"), value.size(), max_bytes);
        continue;
      }
      const Message& element = reflection->GetRepeatedMessage(message, field, i);
      std::string element_path = absl::StrCat(path, "[", i, "]");
      if (field->is_map()) {
        // A map entry: name it by its key when the key is short text.
        const FieldDescriptor* key = element.GetDescriptor()->map_key();
        if (key->type() == FieldDescriptor::TYPE_STRING) {
          std::string scratch;
          const std::string& k = element.GetReflection()->GetStringReference(element, key, &scratch);
          if (k.size() > max_bytes) return TooLong(absl::StrCat(path, " key"), k.size(), max_bytes);
          element_path = absl::StrCat(path, "[", k, "]");
        }
        const FieldDescriptor* value = element.GetDescriptor()->map_value();
        if (value->type() == FieldDescriptor::TYPE_STRING || value->type() == FieldDescriptor::TYPE_BYTES) {
          std::string scratch;
          const std::string& v = element.GetReflection()->GetStringReference(element, value, &scratch);
          if (v.size() > max_bytes) return TooLong(element_path, v.size(), max_bytes);
          continue;
        }
        if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          absl::Status status = Check(element.GetReflection()->GetMessage(element, value), element_path, max_bytes);
          if (!status.ok()) return status;
        }
        continue;
      }
      absl::Status status = Check(element, element_path, max_bytes);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckFieldSizes(const Message& message, size_t max_bytes) { return Check(message, "", max_bytes); }

}  // namespace zizhu::grpc_kit
