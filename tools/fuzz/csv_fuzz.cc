// libFuzzer target: agency text files (encoding detection + CSV parsing).
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/files/import/csv_reader.h"
#include "libs/files/import/text_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto text = zizhu::tools::ToUtf8(bytes, zizhu::tools::TextEncoding::kAuto);
  if (text.ok()) {
    auto rows = zizhu::tools::ParseCsv(*text);
    if (rows.ok()) {
      for (const auto& row : *rows) {
        for (const auto& field : row.fields) (void)zizhu::tools::CsvField(field);
      }
    }
  }
  return 0;
}
