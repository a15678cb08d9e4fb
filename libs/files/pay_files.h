// Bank files of the disbursement: the batch file the bank pays from (CSV in
// UTF-8 or GBK, or XLSX; header, one line per payment, a control line with
// count and sum) and the bank's return file read back (CSV UTF-8/GBK or
// XLSX: reference, result, amount, reason; a control line 合计/TOTAL with
// count and sum).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/disbursement/v1/disbursement_service.pb.h"

namespace zizhu::cli {

// Writes `file` to `path`: .xlsx, or CSV in `encoding` ("utf-8" or "gbk").
absl::Status WriteBankFile(const std::string& path, const std::string& encoding,
                           const disbursement::v1::ExportBankFileResponse& file);

// Reads a return file into the request's lines and control figures; a bad
// line fails naming file, line and column.
absl::Status ReadReturnFile(const std::string& path, disbursement::v1::RecordBankReturnRequest* request);

// One student's paid aid on the public disclosure list (分级公示): masked.
struct DisclosureRow {
  std::string school_code;
  std::string student_id;  // orders the rows; not written
  std::string name_masked;
  int64_t paid_fen = 0;
};

// Writes the disclosure list: per school its students (masked names) and
// what was paid, a subtotal per school and a total; CSV (UTF-8 with BOM)
// or XLSX by the file's extension.
absl::Status WriteDisclosure(const std::string& path, const std::string& title, std::vector<DisclosureRow> rows);

// Writes a title line then the table's rows: XLSX (one sheet named
// `sheet_name`) or CSV (UTF-8 with BOM, which Excel opens) by the extension.
absl::Status WriteTableFile(const std::string& path, const std::string& sheet_name, const std::string& title,
                            const std::vector<std::vector<std::string>>& table);

}  // namespace zizhu::cli
