// Files of the aid round: application and review lists an operator prepares
// in a spreadsheet (CSV in UTF-8/GBK, or XLSX), and the public-notice list
// written out masked as CSV (UTF-8 with BOM, opens in Excel) or XLSX.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zizhu/subsidy/v1/subsidy_service.pb.h"

namespace zizhu::cli {

// One row of a file, with its sheet line for messages.
template <typename Input>
struct FileRow {
  int line = 0;
  Input input;
};

// Columns (English or Chinese header, any order): student_id 学生编号,
// stamped_by 盖章单位, stamped_on 盖章日期, scan_ref 扫描件编号; optional
// mid_semester 学期中变更 (transfer_in 转入 | changed 情况变化) and
// effective_date 生效日期. A bad cell fails naming file, line and column.
absl::StatusOr<std::vector<FileRow<subsidy::v1::ApplicationInput>>> ReadApplicationsFile(const std::string& path);

// Columns: student_id 学生编号, decision 评审结果 (accept 通过 | reject 不通过),
// tier 档次, reason 理由 (required for a rejection).
absl::StatusOr<std::vector<FileRow<subsidy::v1::ReviewInput>>> ReadReviewsFile(const std::string& path);

// The notice list, masked: CSV when `path` ends in .csv, XLSX when .xlsx.
absl::Status WriteNoticeList(const std::string& path, const subsidy::v1::RoundRecord& round,
                             const std::vector<subsidy::v1::NoticeEntry>& entries);

}  // namespace zizhu::cli
