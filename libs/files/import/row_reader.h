// Reading a table file (CSV in UTF-8 or GB18030/GBK, XLSX, or Excel 97 .xls) a piece at a
// time: the importers never hold a whole file, so their memory does not grow
// with its size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/files/import/csv_reader.h"
#include "libs/files/import/text_encoding.h"

namespace zizhu::tools {

// The rows of one table, in file order; blank rows are skipped.
class RowReader {
 public:
  virtual ~RowReader() = default;
  // The next row into `row`; false at the end of the table.
  virtual absl::StatusOr<bool> Next(CsvRow* row) = 0;
};

// What one pass over a file's bytes tells: its identity, kind and encoding,
// and (from a second, parsing pass) its header and number of data rows. A file
// that cannot be read to its end fails here, before anything is sent.
struct TableFile {
  std::string path;
  std::string sha256;  // hex, of the file's bytes
  std::string format;  // "xlsx", "xls", "csv utf-8", "csv gb18030"
  bool xlsx = false;
  bool xls = false;                             // Excel 97-2003 (BIFF)
  TextEncoding encoding = TextEncoding::kUtf8;  // of a CSV file
  std::vector<std::string> header;
  int data_rows = 0;  // rows after the header
};

// `encoding_name`: auto, utf-8, gbk, gb18030 (CSV only). Errors name the file.
absl::StatusOr<TableFile> InspectTableFile(const std::string& path, const std::string& encoding_name);

// Opens the rows of an inspected file (the header row first).
absl::StatusOr<std::unique_ptr<RowReader>> OpenRows(const TableFile& file);

}  // namespace zizhu::tools
