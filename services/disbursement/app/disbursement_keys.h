// Projection keys of the disbursement service (README "Projection rows").
#pragma once

#include <string>

#include "absl/strings/str_cat.h"

namespace zizhu::disbursement::keys {

inline std::string Account(const std::string& account) { return absl::StrCat("acct/", account); }
inline std::string AccountKey(const std::string& account) { return absl::StrCat("acctkey/", account); }
// Accounts by semester and county: "ixacct/<semester>/<county>/<account>".
inline std::string AccountIndexPrefix(const std::string& semester) { return absl::StrCat("ixacct/", semester, "/"); }
inline std::string PaymentPrefix(const std::string& account) { return absl::StrCat("pay/", account, "/"); }
inline std::string Payment(const std::string& account, const std::string& payment) {
  return PaymentPrefix(account) + payment;
}
inline std::string PaymentStatePrefix(const std::string& account, int state) {
  return absl::StrCat("ixp/", account, "/", state < 10 ? "0" : "", state, "/");
}
inline std::string BatchPrefix(const std::string& account) { return absl::StrCat("bat/", account, "/"); }
inline std::string Batch(const std::string& account, const std::string& batch) { return BatchPrefix(account) + batch; }
// Allocation notices recorded per account: "alloc/<account>/<document ref>" -> fen.
inline std::string Allocation(const std::string& account, const std::string& document_ref) {
  return absl::StrCat("alloc/", account, "/", document_ref);
}
inline std::string Payee(const std::string& student) { return absl::StrCat("up/payee/", student); }
// The audit of exports in clear, by time: "audit/export/<20-digit unix nanos>/<event id>".
inline constexpr char kExportAuditPrefix[] = "audit/export/";

}  // namespace zizhu::disbursement::keys
