// libFuzzer target: XLSX workbooks (zip + XML) as agencies send them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/files/import/xlsx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)zizhu::tools::ReadXlsx(bytes);
  return 0;
}
