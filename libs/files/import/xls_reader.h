// Reads the first worksheet of an Excel 97-2003 workbook (.xls, BIFF — what
// many offices' Excel and WPS still save) into rows of text, with Debian's
// libfreexl. Text cells come as UTF-8 whatever the workbook's code page;
// numbers as their shortest text (a grade 2.0 as "2"; an ID typed as a
// number as 2.10102201803051e+17, reported as such by the row parser); dates
// as YYYY-MM-DD.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/files/import/row_reader.h"

namespace zizhu::tools {

// True when a file's first bytes are those of an OLE2 compound file (the
// container of .xls workbooks).
bool LooksLikeXls(absl::string_view first_bytes);

// Rows of the workbook at `path`; CsvRow::line is the spreadsheet row
// number. Empty cells are empty strings; blank rows are skipped. A file that
// is not a readable workbook (encrypted, damaged, another OLE2 document) is
// INVALID_ARGUMENT naming what libfreexl found.
absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsRows(const std::string& path);

}  // namespace zizhu::tools
