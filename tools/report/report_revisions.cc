#include "tools/report/report_revisions.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/report/report_labels.h"

namespace zizhu::report {
namespace {

// Columns that say which row it is rather than a figure.
bool IsIdentity(const Column& c) {
  static const std::set<std::string> kKeys = {"county", "school", "stage",  "tier", "source",
                                              "unit",   "plan",   "period", "name", "national_id"};
  return kKeys.count(c.key) > 0;
}

std::map<std::string, const std::vector<Cell>*> RowsByKey(const Table& t) {
  std::map<std::string, const std::vector<Cell>*> rows;
  for (const auto& row : t.rows) {
    std::vector<std::string> key;
    for (size_t c = 0; c < t.columns.size() && c < row.size(); ++c) {
      if (IsIdentity(t.columns[c])) key.push_back(CellText(row[c]));
    }
    rows[absl::StrJoin(key, " / ")] = &row;
  }
  return rows;
}

}  // namespace

Table RevisionsTable(const std::string& period, const v1::SignOffEntry& lock, const std::vector<Table>& locked,
                     const std::vector<Table>& now, Language l) {
  Table t;
  t.name = "revisions";
  t.title = absl::StrCat(Say(l, "已锁定期间 ", "Revisions of the locked period "), period, Say(l, " 的修订", ""));
  t.note = absl::StrCat(Say(l, "锁定于 ", "locked on "), lock.signed_on(), Say(l, "，", " by "), lock.actor(),
                        Say(l, "；锁定后到达、属于该期间的事件带来的变化，锁定数字不变",
                            "; changes from events for the period that arrived after the lock (the locked figures "
                            "stand)"));
  t.columns = {{"table", Say(l, "表", "table"), CellKind::kText},
               {"row", Say(l, "行", "row"), CellKind::kText},
               {"column", Say(l, "列", "column"), CellKind::kText},
               {"locked", Say(l, "锁定数", "locked"), CellKind::kText},
               {"now", Say(l, "现数", "now"), CellKind::kText}};
  const std::string none = "—";
  for (size_t i = 0; i < locked.size() && i < now.size(); ++i) {
    const Table& a = locked[i];
    const Table& b = now[i];
    const auto before = RowsByKey(a);
    const auto after = RowsByKey(b);
    std::set<std::string> keys;
    for (const auto& [k, unused] : before) keys.insert(k);
    for (const auto& [k, unused] : after) keys.insert(k);
    for (const std::string& key : keys) {
      auto x = before.find(key);
      auto y = after.find(key);
      for (size_t c = 0; c < b.columns.size(); ++c) {
        if (IsIdentity(b.columns[c])) continue;
        const std::string was = x == before.end() || c >= x->second->size() ? none : CellText((*x->second)[c]);
        const std::string is = y == after.end() || c >= y->second->size() ? none : CellText((*y->second)[c]);
        if (was == is) continue;
        t.rows.push_back(
            {Cell::Text(b.title), Cell::Text(key), Cell::Text(b.columns[c].heading), Cell::Text(was), Cell::Text(is)});
      }
    }
  }
  return t;
}

}  // namespace zizhu::report
