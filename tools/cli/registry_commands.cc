#include <grpcpp/grpcpp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/student_importer.h"
#include "libs/rules/field_values.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/roster_rows.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace zizhu::cli {

using rules::ParseDate;
using rules::ParseStage;
using rules::ParseStatus;

// School, household and student commands.
// Options live in this object, which main keeps alive while CLI11 runs.
class RegistryCommands final : public CommandGroup {
 public:
  explicit RegistryCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  v1::RegisterSchoolRequest school_req;
  std::string school_stages;
  bool rural = false;
  std::string county_filter;
  v1::RegisterHouseholdRequest household_req;
  std::string household_type;
  int year_registered = 0;
  v1::RegisterStudentRequest student_req;
  std::string stage_text, categories_text, status_text;
  int grade = 0;
  bool boarding = false;
  std::string student_id, reveal_reason;
  bool reveal = false;
  std::string national_id;
  v1::ListStudentsRequest list_req;
  std::string list_status;
  bool list_all = false;
  int page_size = 100;
  v1::ChangeEnrolmentStatusRequest status_req;
  std::string new_status, effective;
  int64_t expected_version = 0;
  // student update: each option changes its attribute only when given.
  v1::UpdateStudentAttributesRequest update_req;
  std::string update_name, update_ethnic, update_household, update_categories, update_class, update_boarding,
      update_card, update_phone, guardian_name, guardian_relation, guardian_phone;
  int update_grade = 0;
  bool left_school = false;
  v1::RecordTransferInRequest transfer_req;
  std::string transfer_stage, transfer_date;
  int transfer_grade = 0;
  std::string reveal_actor, reveal_student;
};

void RegistryCommands::Add(CLI::App& app) {
  // --- school register ---
  auto* school = app.add_subcommand("school", "schools")->require_subcommand(1);
  auto* school_reg = school->add_subcommand("register", "register a school");
  school_reg->add_option("--code", *school_req.mutable_school_code(), "school code (学校标识码)")->required();
  school_reg->add_option("--name", *school_req.mutable_name(), "school name")->required();
  school_reg->add_option("--county", *school_req.mutable_county_code(), "county code")->required();
  school_reg->add_option("--county-name", *school_req.mutable_county_name(), "county name");
  school_reg->add_option("--stages", school_stages, "comma-separated stages (小学,初中 or primary,junior)")->required();
  school_reg->add_flag("--rural", rural, "rural school");
  school_reg->callback([&] {
    connect();
    for (absl::string_view s : absl::StrSplit(school_stages, ',', absl::SkipEmpty())) {
      auto stage = ParseStage(std::string(s));
      if (!stage.ok()) {
        rc = Fail(absl::StrCat("--stages: ", stage.status().message()));
        return;
      }
      school_req.add_stages(*stage);
    }
    school_req.set_rural(rural);
    *school_req.mutable_meta() = Meta(g);
    v1::RegisterSchoolResponse resp;
    auto status = stub->RegisterSchool(Context(g).get(), school_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json)
      PrintJson(resp.school());
    else
      std::cout << "registered school " << resp.school().school_code() << " " << resp.school().name() << "\n";
  });
  auto* school_list = school->add_subcommand("list", "list schools");
  school_list->add_option("--county", county_filter, "county code");
  school_list->callback([&] {
    connect();
    v1::ListSchoolsRequest req;
    req.set_county_code(county_filter);
    req.set_page_size(1000);
    TableWriter table(std::cout, {{"school", 12}, {"county", 8}, {"name", 0}});
    do {
      v1::ListSchoolsResponse resp;
      auto status = stub->ListSchools(Context(g).get(), req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& s : resp.schools()) {
        if (g.json)
          PrintJson(s);
        else
          table.Row({s.school_code(), s.county_code(), s.name()});
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
  });

  // --- household register ---
  auto* household = app.add_subcommand("household", "registered-poor households")->require_subcommand(1);
  auto* household_reg = household->add_subcommand("register", "register a household");
  household_reg->add_option("--number", *household_req.mutable_household_number(), "household number (户编号)")
      ->required();
  household_reg->add_option("--head", *household_req.mutable_head_name(), "head of household")->required();
  household_reg->add_option("--type", household_type, "general | subsistence | extreme")
      ->required()
      ->check(CLI::IsMember({"general", "subsistence", "extreme"}));
  household_reg->add_option("--year", year_registered, "year registered (识别年度)");
  household_reg->add_option("--county", *household_req.mutable_locality()->mutable_county(), "county");
  household_reg->add_option("--township", *household_req.mutable_locality()->mutable_township(), "township");
  household_reg->add_option("--village", *household_req.mutable_locality()->mutable_village(), "village");
  household_reg->callback([&] {
    connect();
    household_req.set_household_type(household_type == "general"       ? v1::HOUSEHOLD_TYPE_GENERAL
                                     : household_type == "subsistence" ? v1::HOUSEHOLD_TYPE_SUBSISTENCE_ALLOWANCE
                                                                       : v1::HOUSEHOLD_TYPE_EXTREME_POVERTY);
    household_req.set_year_registered(year_registered);
    *household_req.mutable_meta() = Meta(g);
    v1::RegisterHouseholdResponse resp;
    auto status = stub->RegisterHousehold(Context(g).get(), household_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json)
      PrintJson(resp.household());
    else
      std::cout << "registered household " << resp.household().household_number() << "\n";
  });

  // --- student ---
  auto* student = app.add_subcommand("student", "students")->require_subcommand(1);
  auto* student_reg = student->add_subcommand("register", "register a student");
  student_reg->add_option("--name", *student_req.mutable_name(), "name")->required();
  student_reg->add_option("--national-id", *student_req.mutable_national_id(), "18-character national ID")->required();
  student_reg->add_option("--school", *student_req.mutable_school_code(), "school code")->required();
  student_reg->add_option("--stage", stage_text, "stage (小学 / primary ...)")->required();
  student_reg->add_option("--grade", grade, "grade")->required();
  student_reg->add_option("--class", *student_req.mutable_class_name(), "class");
  student_reg->add_flag("--boarding", boarding, "boarding student");
  student_reg->add_option("--household", *student_req.mutable_household_number(), "household number");
  student_reg->add_option("--categories", categories_text, "poverty categories (建档立卡,低保 ...)");
  student_reg->add_option("--status", status_text, "enrolment status (default enrolled)");
  student_reg->add_option("--bank-card", *student_req.mutable_bank_card(), "bank card number");
  student_reg->add_option("--phone", *student_req.mutable_phone(), "contact phone");
  student_reg->add_option("--ethnic-group", *student_req.mutable_ethnic_group(), "ethnic group");
  student_reg->add_option("--guardian", *student_req.mutable_guardian()->mutable_name(), "guardian name");
  student_reg->add_option("--guardian-phone", *student_req.mutable_guardian()->mutable_phone(), "guardian phone");
  student_reg->callback([&] {
    connect();
    auto stage = ParseStage(stage_text);
    if (!stage.ok()) {
      rc = Fail(absl::StrCat("--stage: ", stage.status().message()));
      return;
    }
    student_req.set_stage(*stage);
    student_req.set_grade(grade);
    student_req.set_boarding(boarding);
    auto cats = rules::ParseCategories(categories_text);
    if (!cats.ok()) {
      rc = Fail(absl::StrCat("--categories: ", cats.status().message()));
      return;
    }
    for (auto c : *cats) student_req.add_categories(c);
    auto st = ParseStatus(status_text);
    if (!st.ok()) {
      rc = Fail(absl::StrCat("--status: ", st.status().message()));
      return;
    }
    student_req.set_status(*st);
    *student_req.mutable_meta() = Meta(g);
    v1::RegisterStudentResponse resp;
    auto status = stub->RegisterStudent(Context(g).get(), student_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintStudent(g, resp.student());
  });

  auto* student_get = student->add_subcommand("get", "show a student (personal data masked unless --reveal)");
  student_get->add_option("student_id", student_id, "student id")->required();
  student_get->add_flag("--reveal", reveal, "show personal data in clear (audited; needs --reason)");
  student_get->add_option("--reason", reveal_reason, "why the clear data is needed");
  student_get->callback([&] {
    connect();
    v1::GetStudentRequest req;
    req.set_student_id(student_id);
    if (reveal) {
      *req.mutable_reveal()->mutable_meta() = Meta(g);
      req.mutable_reveal()->set_reason(reveal_reason);
    }
    v1::GetStudentResponse resp;
    auto status = stub->GetStudent(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintJson(resp.student());
  });

  auto* student_find = student->add_subcommand("find", "find a student by national ID");
  student_find->add_option("national_id", national_id, "national ID")->required();
  student_find->callback([&] {
    connect();
    v1::FindStudentByNationalIdRequest req;
    req.set_national_id(national_id);
    v1::FindStudentByNationalIdResponse resp;
    auto status = stub->FindStudentByNationalId(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintStudent(g, resp.student());
  });

  auto* student_list = student->add_subcommand("list", "list students (masked)");
  student_list->add_option("--school", *list_req.mutable_school_code(), "school code");
  student_list->add_option("--grade", grade, "grade (needs --school)");
  student_list->add_option("--class", *list_req.mutable_class_name(), "class (needs --grade)");
  student_list->add_option("--status", list_status, "enrolment status");
  student_list->add_option("--page-size", page_size, "students per page (1-1000)")->capture_default_str();
  student_list->add_flag("--all", list_all, "fetch every page");
  student_list->add_flag("--left", left_school, "the pupils who moved away from --school (and where they are now)");
  student_list->callback([&] {
    connect();
    list_req.set_grade(grade);
    list_req.set_page_size(page_size);
    list_req.set_left_school(left_school);
    if (!list_status.empty()) {
      auto st = ParseStatus(list_status);
      if (!st.ok()) {
        rc = Fail(absl::StrCat("--status: ", st.status().message()));
        return;
      }
      list_req.set_status(*st);
    }
    int total = 0;
    TableWriter table(std::cout, StudentColumns());
    do {
      v1::ListStudentsResponse resp;
      auto status = stub->ListStudents(Context(g).get(), list_req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& s : resp.students()) PrintStudent(g, s, &table);
      total += resp.students_size();
      list_req.set_page_token(resp.next_page_token());
      if (!list_all && !resp.next_page_token().empty()) {
        std::cerr << "(more: --all for every page)\n";
        break;
      }
    } while (!list_req.page_token().empty());
    std::cerr << total << " student(s)\n";
  });

  // --- student update: what an office corrects (card, guardian, phone ...) ---
  auto* update = student->add_subcommand(
      "update", "correct a student's attributes: bank card, phone, guardian, household, categories, grade, class");
  update->add_option("student_id", *update_req.mutable_student_id(), "student id")->required();
  auto* o_name = update->add_option("--name", update_name, "name");
  auto* o_ethnic = update->add_option("--ethnic-group", update_ethnic, "ethnic group");
  auto* o_household = update->add_option("--household", update_household, "household number (户编号)");
  auto* o_categories = update->add_option("--categories", update_categories,
                                          "poverty categories, replacing the list (建档立卡,低保 ...)");
  auto* o_grade = update->add_option("--grade", update_grade, "grade");
  auto* o_class = update->add_option("--class", update_class, "class");
  auto* o_boarding = update->add_option("--boarding", update_boarding, "yes | no");
  auto* o_card = update->add_option("--bank-card", update_card,
                                    "bank card number (一卡通); a failed payment to the "
                                    "old card is then retried by `zizhu pay retry --corrected`");
  auto* o_phone = update->add_option("--phone", update_phone, "contact phone");
  auto* o_guardian = update->add_option("--guardian", guardian_name, "guardian's name (replaces the guardian)");
  update->add_option("--guardian-relation", guardian_relation, "guardian's relation (with --guardian)");
  update->add_option("--guardian-phone", guardian_phone, "guardian's phone (with --guardian)");
  update->add_option("--expected-version", expected_version, "fail with ABORTED unless the student is at this version");
  update->callback([=] {
    connect();
    if (o_name->count()) update_req.set_name(update_name);
    if (o_ethnic->count()) update_req.set_ethnic_group(update_ethnic);
    if (o_household->count()) update_req.set_household_number(update_household);
    if (o_categories->count()) {
      auto categories = rules::ParseCategories(update_categories);
      if (!categories.ok()) {
        rc = Fail(absl::StrCat("--categories: ", categories.status().message()));
        return;
      }
      update_req.set_replace_categories(true);
      for (auto c : *categories) update_req.add_categories(c);
    }
    if (o_grade->count()) update_req.set_grade(update_grade);
    if (o_class->count()) update_req.set_class_name(update_class);
    if (o_boarding->count()) {
      if (update_boarding != "yes" && update_boarding != "no" && update_boarding != "是" && update_boarding != "否") {
        rc = Fail(absl::StrCat("--boarding '", update_boarding, "' must be yes or no (是 / 否)"));
        return;
      }
      update_req.set_boarding(update_boarding == "yes" || update_boarding == "是");
    }
    if (o_card->count()) update_req.set_bank_card(update_card);
    if (o_phone->count()) update_req.set_phone(update_phone);
    if (o_guardian->count()) {
      update_req.mutable_guardian()->set_name(guardian_name);
      update_req.mutable_guardian()->set_relation(guardian_relation);
      update_req.mutable_guardian()->set_phone(guardian_phone);
    } else if (!guardian_relation.empty() || !guardian_phone.empty()) {
      rc = Fail("--guardian-relation and --guardian-phone replace the guardian: give --guardian (the name) too");
      return;
    }
    v1::UpdateStudentAttributesRequest probe = update_req;
    probe.clear_student_id();
    probe.clear_meta();
    if (probe.ByteSizeLong() == 0) {
      rc = Fail("name at least one attribute to change (--bank-card, --phone, --guardian, --household ...)");
      return;
    }
    update_req.set_expected_version(expected_version);
    *update_req.mutable_meta() = Meta(g);
    v1::UpdateStudentAttributesResponse resp;
    auto status = stub->UpdateStudentAttributes(Context(g).get(), update_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintStudent(g, resp.student());
  });

  // --- student transfer-in: the receiving school records the move ---
  auto* transfer_in = student->add_subcommand(
      "transfer-in", "record a pupil's transfer in to your school (转入), by national ID, from any school");
  transfer_in->add_option("--national-id", *transfer_req.mutable_national_id(), "the pupil's national ID")->required();
  transfer_in->add_option("--school", *transfer_req.mutable_school_code(), "your (the receiving) school")->required();
  transfer_in->add_option("--date", transfer_date, "date of the transfer (2027-03-08)")->required();
  transfer_in
      ->add_option("--evidence", *transfer_req.mutable_evidence_ref(),
                   "the sending school's record (转学联系函 / 学籍转接 number)")
      ->required();
  transfer_in->add_option("--stage", transfer_stage, "stage at your school (default: the pupil's)");
  transfer_in->add_option("--grade", transfer_grade, "grade at your school (default: the pupil's)");
  transfer_in->add_option("--class", *transfer_req.mutable_class_name(), "class");
  transfer_in->add_option("--reason", *transfer_req.mutable_reason(), "reason (default 转入)");
  transfer_in->callback([&] {
    connect();
    auto date = ParseDate(transfer_date);
    if (!date.ok()) {
      rc = Fail(absl::StrCat("--date: ", date.status().message()));
      return;
    }
    *transfer_req.mutable_effective_date() = *date;
    if (!transfer_stage.empty()) {
      auto stage = ParseStage(transfer_stage);
      if (!stage.ok()) {
        rc = Fail(absl::StrCat("--stage: ", stage.status().message()));
        return;
      }
      transfer_req.set_stage(*stage);
    }
    transfer_req.set_grade(transfer_grade);
    *transfer_req.mutable_meta() = Meta(g);
    // A request id of its own (not derived from the ID, which is personal data): running the
    // same transfer again is refused as already enrolled there.
    v1::RecordTransferInResponse resp;
    auto status = stub->RecordTransferIn(Context(g).get(), transfer_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintStudent(g, resp.student());
  });

  auto* set_status = student->add_subcommand("set-status", "change a student's enrolment status");
  set_status->add_option("student_id", *status_req.mutable_student_id(), "student id")->required();
  set_status->add_option("--status", new_status, "enrolled | transferred | suspended | dropped_out | graduated")
      ->required();
  set_status->add_option("--date", effective, "effective date (2026-11-02)")->required();
  set_status->add_option("--reason", *status_req.mutable_reason(), "reason");
  set_status->add_option("--school", *status_req.mutable_school_code(), "new school when re-enrolling");
  set_status->add_option("--expected-version", expected_version,
                         "fail with ABORTED unless the student is at this version");
  set_status->callback([&] {
    connect();
    auto st = ParseStatus(new_status);
    if (!st.ok()) {
      rc = Fail(absl::StrCat("--status: ", st.status().message()));
      return;
    }
    auto date = ParseDate(effective);
    if (!date.ok()) {
      rc = Fail(absl::StrCat("--date: ", date.status().message()));
      return;
    }
    status_req.set_status(*st);
    *status_req.mutable_effective_date() = *date;
    status_req.set_expected_version(expected_version);
    *status_req.mutable_meta() = Meta(g);
    v1::ChangeEnrolmentStatusResponse resp;
    auto status = stub->ChangeEnrolmentStatus(Context(g).get(), status_req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    PrintStudent(g, resp.student());
  });

  // --- audit reveals: who read whose personal data in clear, and why ---
  auto* audit = app.add_subcommand("audit", "the audit of personal data (auditors)")->require_subcommand(1);
  auto* reveals = audit->add_subcommand("reveals", "every reveal of a national ID, card or phone in your scope");
  reveals->add_option("--actor", reveal_actor, "only this operator (<role>:<login>)");
  reveals->add_option("--student", reveal_student, "only this student");
  reveals->callback([&] {
    connect();
    v1::ListPersonalDataRevealsRequest req;
    req.set_actor(reveal_actor);
    req.set_student_id(reveal_student);
    req.set_page_size(500);
    TableWriter table(std::cout,
                      {{"revealed at (UTC)", 22}, {"by", 28}, {"student", 38}, {"fields", 24}, {"reason", 0}});
    do {
      v1::ListPersonalDataRevealsResponse resp;
      auto status = stub->ListPersonalDataReveals(Context(g).get(), req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& r : resp.reveals()) {
        if (g.json) {
          PrintJson(r);
          continue;
        }
        table.Row({google::protobuf::util::TimeUtil::ToString(r.revealed_at()).substr(0, 19), r.actor(), r.student_id(),
                   absl::StrJoin(r.fields(), ","), r.reason()});
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
  });
}

std::unique_ptr<CommandGroup> MakeRegistryCommands(Cli& cli) { return std::make_unique<RegistryCommands>(cli); }

}  // namespace zizhu::cli
