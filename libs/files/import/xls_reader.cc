#include "libs/files/import/xls_reader.h"

#include <freexl.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {
namespace {

// A cell's value as text.
std::string CellText(const FreeXL_CellValue& cell) {
  switch (cell.type) {
    case FREEXL_CELL_INT:
      return std::to_string(cell.value.int_value);
    case FREEXL_CELL_DOUBLE: {
      const double d = cell.value.double_value;
      if (std::floor(d) == d && std::fabs(d) < 1e15) return absl::StrFormat("%.0f", d);
      return absl::StrFormat("%.15g", d);
    }
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME:
      return cell.value.text_value != nullptr ? cell.value.text_value : "";
    default:
      return "";
  }
}

// The workbook's rows one at a time (libfreexl reads the sheet's cells into
// memory when the workbook opens; .xls files are at most 65,536 rows).
class XlsRowReader final : public RowReader {
 public:
  XlsRowReader(const void* handle, unsigned int rows, unsigned short columns)
      : handle_(handle), rows_(rows), columns_(columns) {}
  ~XlsRowReader() override { freexl_close(handle_); }

  absl::StatusOr<bool> Next(CsvRow* row) override {
    while (next_ < rows_) {
      const unsigned int r = next_++;
      row->fields.assign(columns_, "");
      row->line = static_cast<int>(r) + 1;
      bool blank = true;
      for (unsigned short c = 0; c < columns_; ++c) {
        FreeXL_CellValue cell;
        const int rc = freexl_get_cell_value(handle_, r, c, &cell);
        if (rc != FREEXL_OK) {
          return absl::DataLossError(
              absl::StrCat("row ", r + 1, ", column ", c + 1, " cannot be read (libfreexl ", rc, ")"));
        }
        row->fields[c] = CellText(cell);
        if (!row->fields[c].empty()) blank = false;
      }
      if (!blank) return true;
    }
    return false;
  }

 private:
  const void* handle_;
  unsigned int rows_;
  unsigned short columns_;
  unsigned int next_ = 0;
};

}  // namespace

bool LooksLikeXls(absl::string_view first_bytes) {
  return first_bytes.substr(0, 8) == absl::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsRows(const std::string& path) {
  const void* handle = nullptr;
  if (const int rc = freexl_open(path.c_str(), &handle); rc != FREEXL_OK) {
    if (handle != nullptr) freexl_close(handle);
    return Refusal(
        absl::StatusCode::kInvalidArgument, "FILE_XLS_UNREADABLE", {{"detail", std::to_string(rc)}},
        absl::StrCat("not a readable Excel 97-2003 workbook (libfreexl ", rc,
                     ": encrypted, damaged, or another kind of document); save it as .xlsx or CSV and upload that"));
  }
  unsigned int sheets = 0;
  if (freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || sheets == 0 ||
      freexl_select_active_worksheet(handle, 0) != FREEXL_OK) {
    freexl_close(handle);
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NO_WORKSHEET", {},
                   "the workbook has no worksheet to read");
  }
  unsigned int rows = 0;
  unsigned short columns = 0;
  if (freexl_worksheet_dimensions(handle, &rows, &columns) != FREEXL_OK) {
    freexl_close(handle);
    return absl::InvalidArgumentError("the first worksheet's size cannot be read");
  }
  return std::make_unique<XlsRowReader>(handle, rows, columns);
}

}  // namespace zizhu::tools
