// zizhu-gen: generates agency rosters with planted cases for tests and
// benchmarks, plus the counts each cross-match category must end with.
//
//   zizhu-gen --out tests/data/rosters --groups 10 --as-of 2026-09-01
//
// Each group holds one person of every scenario below, so every count is a
// multiple of --groups. Files: poverty.gbk.csv (GB18030), civil.gbk.csv
// (GB18030), status.xlsx (or status.csv with --csv-only), registry_students.csv
// and registry_households.csv (for the registry itself), schools.csv and
// expected.txt (category counts after `match run --as-of`).
#include <xlsxwriter.h>

#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/files/import/text_encoding.h"
#include "libs/rules/national_id.h"

namespace {

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                           "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"};
const char* kGiven[] = {"小明", "丽娜", "伟",   "芳",   "强",   "敏",   "静",   "磊",   "洋",   "艳",
                        "子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "雨桐", "思远", "佳琪", "博文"};
const char* kSchools[] = {"3121000101", "3121000102", "3121000103"};
const char* kCountyCodes[] = {"210102", "210103", "210106"};
const char* kSchoolNames[] = {"红星小学", "希望中学", "光明小学"};
const char* kCounties[] = {"和平区", "沈河区", "铁西区"};

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

bool WriteCsv(const Table& t, const std::string& path, bool gbk) {
  std::string text = absl::StrJoin(t.header, ",") + "\r\n";
  for (const auto& r : t.rows) text += absl::StrJoin(r, ",") + "\r\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << (gbk ? zizhu::tools::Utf8ToGb18030(text).value() : text);
  return out.good();
}

bool WriteXlsx(const Table& t, const std::string& path) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) return false;
  lxw_worksheet* ws = workbook_add_worksheet(wb, "学籍");
  for (size_t c = 0; c < t.header.size(); ++c) worksheet_write_string(ws, 0, c, t.header[c].c_str(), nullptr);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      const std::string& v = t.rows[r][c];
      if (c == 5 /* 年级 */ && !v.empty() && v.find_first_not_of("0123456789") == std::string::npos) {
        worksheet_write_number(ws, r + 1, c, std::stoi(v), nullptr);  // as Excel stores numbers
      } else {
        worksheet_write_string(ws, r + 1, c, v.c_str(), nullptr);
      }
    }
  }
  return workbook_close(wb) == LXW_NO_ERROR;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"zizhu-gen: agency rosters with planted cross-match cases"};
  std::string out_dir = ".";
  int groups = 10;
  int as_of_year = 2026;
  bool csv_only = false;
  cli.add_option("--out", out_dir, "output folder")->capture_default_str();
  cli.add_option("--groups", groups, "number of groups (one person per scenario each)")->capture_default_str();
  cli.add_option("--as-of-year", as_of_year, "year of the reference date (ages are counted on Sep 1)")
      ->capture_default_str();
  cli.add_flag("--csv-only", csv_only, "write the student-status roster as CSV (fast, for benchmarks)");
  CLI11_PARSE(cli, argc, argv);

  Table poverty{{"户编号", "户主姓名", "姓名", "公民身份号码", "与户主关系", "省", "市", "县", "乡镇", "行政村",
                 "贫困户属性", "脱贫状态", "脱贫年度", "识别年度"},
                {}};
  Table civil{{"姓名", "身份证号", "救助类型", "残疾类别", "残疾等级", "县"}, {}};
  Table status{{"姓名", "身份证号码", "学校标识码", "学校名称", "学段", "年级", "班级", "是否寄宿", "学籍状态", "县"},
               {}};
  Table students{{"姓名", "公民身份号码", "学校标识码", "学段", "年级", "班级", "户编号", "贫困类别"}, {}};
  Table households{{"户编号", "户主姓名"}, {}};
  std::map<std::string, long> expected;

  long serial = 0;
  auto person = [&](int age, bool male) {
    int year = as_of_year - age;
    int month = 1 + static_cast<int>(serial % 8);  // born Jan-Aug: age on Sep 1 is exact
    int day = 1 + static_cast<int>((serial / 8) % 28);
    int seq = static_cast<int>(serial / 224) % 500 * 2 + (male ? 1 : 0);
    int region = 210100 + static_cast<int>((serial / 112000) % 90) + 2;
    std::string first17 = absl::StrFormat("%06d%04d%02d%02d%03d", region, year, month, day, seq);
    ++serial;
    return first17 + zizhu::rules::NationalIdCheckCharacter(first17);
  };
  auto name = [&](long k, int salt = 0) {
    return absl::StrCat(kSurnames[(k + salt) % 16], kGiven[(k / 16 + salt * 7) % 20]);
  };
  auto poverty_row = [&](const std::string& hh, const std::string& head, const std::string& nm, const std::string& id,
                         const char* relation, int county, bool exited) {
    poverty.rows.push_back({hh, head, nm, id, relation, "辽宁省", "沈阳市", kCounties[county], "城关镇", "红旗村",
                            "一般贫困户", exited ? "已脱贫" : "未脱贫", exited ? "2020" : "", "2016"});
  };
  auto status_row = [&](const std::string& nm, const std::string& id, int school, int grade, const char* st) {
    status.rows.push_back({nm, id, kSchools[school], kSchoolNames[school], school == 1 ? "初中" : "小学",
                           std::to_string(grade), "1班", "否", st, kCounties[school]});
  };

  for (long g = 0; g < groups; ++g) {
    int school = static_cast<int>(g % 3 == 1 ? 0 : g % 3);  // primary schools 0 and 2
    int county = static_cast<int>(g % 3);
    std::string hh_base = absl::StrFormat("21010%07d", g);
    // 1. MATCHED: poverty child, enrolled, in the registry as registered-poor.
    {
      std::string id = person(10, true), nm = name(g), hh = hh_base + "1";
      poverty_row(hh, name(g, 3), nm, id, "之子", county, false);
      status_row(nm, id, school, 4, "在籍");
      students.rows.push_back({nm, id, kSchools[school], "小学", "4", "1班", hh, "建档立卡"});
      households.rows.push_back({hh, name(g, 3)});
      expected["matched"]++;
    }
    // 2. NOT_ENROLLED: poverty child of 12, in no enrolment roster.
    {
      std::string id = person(12, false);
      poverty_row(hh_base + "2", name(g, 4), name(g, 1), id, "之女", county, false);
      expected["not_enrolled"]++;
    }
    // 3. NOT_ENROLLED: poverty child of 14; the student-status roster says 辍学.
    {
      std::string id = person(14, true), nm = name(g, 2);
      poverty_row(hh_base + "3", name(g, 5), nm, id, "之子", county, false);
      status_row(nm, id, 1, 2, "辍学");
      expected["not_enrolled"]++;
    }
    // 4. POOR_IN_ONE_SOURCE_ONLY: poverty child, enrolled, unknown to the registry.
    {
      std::string id = person(9, false), nm = name(g, 6);
      poverty_row(hh_base + "4", name(g, 7), nm, id, "之女", county, false);
      status_row(nm, id, school, 3, "在籍");
      expected["poor_in_one_source_only"]++;
    }
    // 5. POOR_IN_ONE_SOURCE_ONLY: civil affairs 低保 child, enrolled, unknown to the registry.
    {
      std::string id = person(11, true), nm = name(g, 8);
      civil.rows.push_back({nm, id, "低保", "", "", kCounties[county]});
      status_row(nm, id, school, 5, "在籍");
      expected["poor_in_one_source_only"]++;
    }
    // 6. ATTRIBUTE_CONFLICT: the poverty office and the school spell the name differently.
    {
      std::string id = person(10, false);
      poverty_row(hh_base + "6", name(g, 9), name(g, 10), id, "之女", county, false);
      status_row(name(g, 11), id, school, 4, "在籍");
      expected["attribute_conflict"]++;
    }
    // 7. INVALID_ID: wrong check digit in the poverty roster.
    {
      std::string id = person(8, true);
      id[17] = id[17] == '0' ? '1' : '0';
      poverty_row(hh_base + "7", name(g, 12), name(g, 13), id, "之子", county, false);
      expected["invalid_id"]++;
    }
    // 8. DUPLICATE_IN_SOURCE: the same pupil twice in the student-status roster
    //    (poor in no source, so the first row is NO_FINDING).
    {
      std::string id = person(10, true), nm = name(g, 14);
      status_row(nm, id, school, 4, "在籍");
      status_row(nm, id, school, 4, "在籍");
      expected["duplicate_in_source"]++;
      expected["no_finding"]++;
    }
    // 9. NO_FINDING: an adult household member.
    {
      std::string id = person(41, true);
      poverty_row(hh_base + "9", name(g, 15), name(g, 15), id, "户主", county, false);
      expected["no_finding"]++;
    }
    // 10. NO_FINDING: enrolled, poor in no source.
    {
      std::string id = person(10, false);
      status_row(name(g, 16), id, school, 4, "在籍");
      expected["no_finding"]++;
    }
    // 11. NO_FINDING: household exited poverty in 2020; the child is enrolled.
    {
      std::string id = person(10, true), nm = name(g, 17);
      poverty_row(hh_base + "0", name(g, 18), nm, id, "之子", county, true);
      status_row(nm, id, school, 4, "在籍");
      expected["no_finding"]++;
    }
    // 12. INVALID_ID: an ID that Excel turned into a number, in the civil roster.
    {
      civil.rows.push_back({name(g, 19), "2.10102E+17", "特困", "", "", kCounties[county]});
      expected["invalid_id"]++;
    }
    // 13. A bad value (no ID problem): rejected with its column, not queued.
    {
      std::string id = person(10, false);
      status.rows.push_back({name(g, 20), id, kSchools[school], kSchoolNames[school], "小学", "十二年级", "1班", "否",
                             "在籍", kCounties[county]});
      expected["rejected_bad_value"]++;
    }
  }

  bool ok =
      WriteCsv(poverty, out_dir + "/poverty.gbk.csv", true) && WriteCsv(civil, out_dir + "/civil.gbk.csv", true) &&
      (csv_only ? WriteCsv(status, out_dir + "/status.csv", false) : WriteXlsx(status, out_dir + "/status.xlsx")) &&
      WriteCsv(students, out_dir + "/registry_students.csv", false) &&
      WriteCsv(households, out_dir + "/registry_households.csv", false);
  Table schools{{"学校标识码", "学校名称", "县代码", "县", "学段"}, {}};
  for (int s = 0; s < 3; ++s) {
    schools.rows.push_back({kSchools[s], kSchoolNames[s], kCountyCodes[s], kCounties[s], s == 1 ? "初中" : "小学"});
  }
  ok = ok && WriteCsv(schools, out_dir + "/schools.csv", false);
  std::ofstream exp(out_dir + "/expected.txt", std::ios::trunc);
  exp << "# counts after `zizhu match run --as-of " << as_of_year << "-09-01` (groups=" << groups << ")\n";
  for (const auto& [k, v] : expected) exp << k << " " << v << "\n";
  exp << "rows poverty " << poverty.rows.size() << " civil " << civil.rows.size() << " status " << status.rows.size()
      << "\n";
  if (!ok || !exp.good()) {
    std::cerr << "zizhu-gen: could not write to " << out_dir << std::endl;
    return 1;
  }
  std::cout << "wrote " << poverty.rows.size() + civil.rows.size() + status.rows.size() << " roster rows for " << serial
            << " people to " << out_dir << std::endl;
  return 0;
}
