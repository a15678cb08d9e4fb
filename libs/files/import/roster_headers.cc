#include "libs/files/import/roster_headers.h"

#include "libs/rules/roster_fields.h"

namespace zizhu::tools {

namespace v1 = registry::v1;

HeaderMapping RosterHeaderMapping(v1::RosterSource source) {
  std::map<std::string, std::vector<std::string>> variants = {
      {"name", {"姓名", "成员姓名", "学生姓名"}},
      {"national_id", {"公民身份号码", "身份证号", "身份证号码", "证件号码", "身份证件号码"}},
      {"gender", {"性别"}},
      {"birth_date", {"出生日期", "出生年月"}},
      {"county", {"县", "区县", "县区", "县(市、区)", "县（市、区）", "所属县"}},
  };
  switch (source) {
    case v1::ROSTER_SOURCE_POVERTY_OFFICE:
      variants.insert({{"household_number", {"户编号", "户码"}},
                       {"head_name", {"户主姓名", "户主"}},
                       {"relation_to_head", {"与户主关系"}},
                       {"province", {"省", "省份"}},
                       {"city", {"市", "地市", "市州"}},
                       {"township", {"乡镇", "乡(镇)", "乡（镇）", "镇"}},
                       {"village", {"行政村", "村"}},
                       {"household_type", {"贫困户属性", "户属性"}},
                       {"exit_status", {"脱贫状态", "是否脱贫"}},
                       {"year_exited", {"脱贫年度", "脱贫年份"}},
                       {"year_registered", {"识别年度", "识别年份"}},
                       {"phone", {"联系电话", "电话"}}});
      break;
    case v1::ROSTER_SOURCE_CIVIL_AFFAIRS:
      variants.insert({{"assistance_type", {"救助类型", "保障类型"}},
                       {"disability_category", {"残疾类别", "残疾类型"}},
                       {"disability_grade", {"残疾等级"}},
                       {"phone", {"联系电话", "电话"}}});
      break;
    case v1::ROSTER_SOURCE_STUDENT_STATUS:
      variants.insert({{"school_name", {"学校名称", "学校"}},
                       {"school_code", {"学校标识码", "学校代码"}},
                       {"stage", {"学段"}},
                       {"grade", {"年级"}},
                       {"class_name", {"班级"}},
                       {"boarding", {"是否寄宿", "寄宿"}},
                       {"status", {"学籍状态"}}});
      break;
    default:
      break;
  }
  return HeaderMapping(variants, rules::RequiredRosterFields(source));
}

}  // namespace zizhu::tools
