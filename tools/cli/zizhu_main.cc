// zizhu: the command-line client of the zizhu services (gRPC).
//
//   zizhu school register --code 3121000001 --name 红星小学 --county 210102 --stages primary
//   zizhu household register --number H001 --head 张大山 --type general
//   zizhu student register --name 张小明 --national-id 2101... --school 3121000001 --stage primary --grade 3
//   zizhu student get STUDENT_ID [--reveal --reason "..."]
//   zizhu student find NATIONAL_ID
//   zizhu student list [--school S --grade G --class C --status dropped_out] [--all]
//   zizhu student set-status STUDENT_ID --status dropped_out --date 2026-11-02 --reason ...
//   zizhu import students FILE.csv [--encoding auto|utf-8|gbk] [--mapping FILE] [--errors FILE]
//   zizhu projection rebuild | checksum
//   zizhu health
#include <grpcpp/grpcpp.h>
#include <openssl/rand.h>

#include <iostream>
#include <random>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/crypto/sha256.h"
#include "services/registry/domain/national_id.h"
#include "services/registry/domain/roster_rows.h"
#include "tools/cli/import/roster_headers.h"
#include "tools/cli/import/roster_importer.h"
#include "tools/cli/import/student_importer.h"
#include "zizhu/common/v1/admin_service.grpc.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"
#include "zizhu/registry/v1/roster_service.grpc.pb.h"

namespace {

namespace v1 = zizhu::registry::v1;
using zizhu::registry::ParseDate;
using zizhu::registry::ParseStage;
using zizhu::registry::ParseStatus;

struct Globals {
  std::string server = "127.0.0.1:7001";
  std::string actor;
  std::string org_scope;
  std::string request_id;
  bool json = false;
  int timeout_ms = 30000;
};

int Fail(const std::string& what) {
  std::cerr << "zizhu: " << what << std::endl;
  return 1;
}

int FailRpc(const grpc::Status& status) {
  static const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  int code = status.error_code();
  std::cerr << "zizhu: " << (code >= 0 && code <= 16 ? kNames[code] : "ERROR") << ": " << status.error_message()
            << std::endl;
  return code == grpc::StatusCode::UNAVAILABLE ? 3 : 2;
}

std::string RandomRequestId() {
  std::random_device rd;
  return absl::StrFormat("cli-%08x%08x", rd(), rd());
}

v1::CommandMeta Meta(const Globals& g) {
  v1::CommandMeta m;
  m.set_request_id(g.request_id.empty() ? RandomRequestId() : g.request_id);
  m.set_actor(g.actor.empty() ? absl::StrCat("cli:", getenv("USER") ? getenv("USER") : "operator") : g.actor);
  m.set_org_scope(g.org_scope);
  return m;
}

std::unique_ptr<grpc::ClientContext> Context(const Globals& g) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(g.timeout_ms));
  return ctx;
}

void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  std::cout << out;
}

std::string Short(int value, const google::protobuf::EnumDescriptor* d, const std::string& prefix) {
  const auto* v = d->FindValueByNumber(value);
  if (!v) return std::to_string(value);
  std::string name = v->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

void PrintStudentLine(const v1::Student& s) {
  std::cout << absl::StrFormat(
      "%-38s %-8s %-20s %-10s %-14s %2d %-8s %s\n", s.student_id(), s.name(), s.national_id().masked(), s.school_code(),
      Short(s.stage(), v1::EducationStage_descriptor(), "EDUCATION_STAGE_"), s.grade(), s.class_name(),
      Short(s.status(), v1::EnrolmentStatus_descriptor(), "ENROLMENT_STATUS_"));
}

void PrintStudent(const Globals& g, const v1::Student& s) {
  if (g.json) return PrintJson(s);
  PrintStudentLine(s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"zizhu: command-line client of the zizhu student-aid services"};
  app.require_subcommand(1);
  Globals g;
  app.add_option("--server", g.server, "registry gRPC address")->envname("ZIZHU_SERVER")->capture_default_str();
  app.add_option("--actor", g.actor, "operator id recorded on events (default cli:$USER)")->envname("ZIZHU_ACTOR");
  app.add_option("--org-scope", g.org_scope, "organisation scope, e.g. city:2101/county:210102")
      ->envname("ZIZHU_ORG_SCOPE");
  app.add_option("--request-id", g.request_id,
                 "request id of the command (default: random); repeat it to retry safely");
  app.add_flag("--json", g.json, "print results as JSON");
  app.add_option("--timeout-ms", g.timeout_ms, "deadline per call")->capture_default_str();

  int rc = 0;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RegistryService::Stub> stub;
  auto connect = [&] {
    channel = grpc::CreateChannel(g.server, grpc::InsecureChannelCredentials());
    stub = v1::RegistryService::NewStub(channel);
  };

  // --- school register ---
  auto* school = app.add_subcommand("school", "schools")->require_subcommand(1);
  auto* school_reg = school->add_subcommand("register", "register a school");
  v1::RegisterSchoolRequest school_req;
  std::string school_stages;
  school_reg->add_option("--code", *school_req.mutable_school_code(), "school code (学校标识码)")->required();
  school_reg->add_option("--name", *school_req.mutable_name(), "school name")->required();
  school_reg->add_option("--county", *school_req.mutable_county_code(), "county code")->required();
  school_reg->add_option("--county-name", *school_req.mutable_county_name(), "county name");
  school_reg->add_option("--stages", school_stages, "comma-separated stages (小学,初中 or primary,junior)")->required();
  bool rural = false;
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
  std::string county_filter;
  school_list->add_option("--county", county_filter, "county code");
  school_list->callback([&] {
    connect();
    v1::ListSchoolsRequest req;
    req.set_county_code(county_filter);
    req.set_page_size(1000);
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
          std::cout << absl::StrFormat("%-12s %-8s %s\n", s.school_code(), s.county_code(), s.name());
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
  });

  // --- household register ---
  auto* household = app.add_subcommand("household", "registered-poor households")->require_subcommand(1);
  auto* household_reg = household->add_subcommand("register", "register a household");
  v1::RegisterHouseholdRequest household_req;
  std::string household_type;
  household_reg->add_option("--number", *household_req.mutable_household_number(), "household number (户编号)")
      ->required();
  household_reg->add_option("--head", *household_req.mutable_head_name(), "head of household")->required();
  household_reg->add_option("--type", household_type, "general | subsistence | extreme")
      ->required()
      ->check(CLI::IsMember({"general", "subsistence", "extreme"}));
  int year_registered = 0;
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
  v1::RegisterStudentRequest student_req;
  std::string stage_text, categories_text, status_text;
  student_reg->add_option("--name", *student_req.mutable_name(), "name")->required();
  student_reg->add_option("--national-id", *student_req.mutable_national_id(), "18-character national ID")->required();
  student_reg->add_option("--school", *student_req.mutable_school_code(), "school code")->required();
  student_reg->add_option("--stage", stage_text, "stage (小学 / primary ...)")->required();
  int grade = 0;
  student_reg->add_option("--grade", grade, "grade")->required();
  student_reg->add_option("--class", *student_req.mutable_class_name(), "class");
  bool boarding = false;
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
    auto cats = zizhu::registry::ParseCategories(categories_text);
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
  std::string student_id, reveal_reason;
  bool reveal = false;
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
  std::string national_id;
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
  v1::ListStudentsRequest list_req;
  std::string list_status;
  bool list_all = false;
  int page_size = 100;
  student_list->add_option("--school", *list_req.mutable_school_code(), "school code");
  student_list->add_option("--grade", grade, "grade (needs --school)");
  student_list->add_option("--class", *list_req.mutable_class_name(), "class (needs --grade)");
  student_list->add_option("--status", list_status, "enrolment status");
  student_list->add_option("--page-size", page_size, "students per page (1-1000)")->capture_default_str();
  student_list->add_flag("--all", list_all, "fetch every page");
  student_list->callback([&] {
    connect();
    list_req.set_grade(grade);
    list_req.set_page_size(page_size);
    if (!list_status.empty()) {
      auto st = ParseStatus(list_status);
      if (!st.ok()) {
        rc = Fail(absl::StrCat("--status: ", st.status().message()));
        return;
      }
      list_req.set_status(*st);
    }
    int total = 0;
    do {
      v1::ListStudentsResponse resp;
      auto status = stub->ListStudents(Context(g).get(), list_req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& s : resp.students()) PrintStudent(g, s);
      total += resp.students_size();
      list_req.set_page_token(resp.next_page_token());
      if (!list_all && !resp.next_page_token().empty()) {
        std::cerr << "(more: --all for every page)\n";
        break;
      }
    } while (!list_req.page_token().empty());
    if (!g.json) std::cerr << total << " student(s)\n";
  });

  auto* set_status = student->add_subcommand("set-status", "change a student's enrolment status");
  v1::ChangeEnrolmentStatusRequest status_req;
  std::string new_status, effective;
  int64_t expected_version = 0;
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

  // --- import ---
  auto* import = app.add_subcommand("import", "import agency files")->require_subcommand(1);
  auto* import_students = import->add_subcommand("students", "import a student roster (CSV, UTF-8 or GBK)");
  std::string file, encoding = "auto", mapping_file, errors_file;
  int concurrency = 64;
  import_students->add_option("file", file, "CSV file")->required()->check(CLI::ExistingFile);
  import_students->add_option("--encoding", encoding, "auto | utf-8 | gbk | gb18030")->capture_default_str();
  import_students->add_option("--mapping", mapping_file, "header mapping file: 'field = header' lines")
      ->check(CLI::ExistingFile);
  import_students->add_option("--errors", errors_file, "error report CSV (default FILE.errors.csv)");
  import_students->add_option("--concurrency", concurrency, "requests in flight")->capture_default_str();
  import_students->callback([&] {
    connect();
    zizhu::tools::HeaderMapping mapping = zizhu::tools::HeaderMapping::Default();
    if (!mapping_file.empty()) {
      std::ifstream in(mapping_file);
      std::stringstream text;
      text << in.rdbuf();
      auto added = mapping.AddFromText(text.str());
      if (!added.ok()) {
        rc = Fail(absl::StrCat("--mapping: ", added.message()));
        return;
      }
    }
    zizhu::tools::ImportOptions options;
    options.concurrency = concurrency;
    options.actor = Meta(g).actor();
    options.org_scope = g.org_scope;
    options.rpc_timeout_ms = g.timeout_ms;
    bool tty = isatty(2);
    options.on_progress = [tty](int done, int total, int ok, int failed) {
      std::cerr << (tty ? "\r" : "")
                << absl::StrFormat("importing: %d/%d rows (%d ok, %d failed)", done, total, ok, failed)
                << (tty ? "" : "\n") << std::flush;
    };
    auto summary = zizhu::tools::ImportStudentsFile(stub.get(), file, encoding, mapping, options);
    if (tty) std::cerr << "\n";
    if (!summary.ok()) {
      rc = Fail(std::string(summary.status().message()));
      return;
    }
    std::cout << absl::StrFormat(
        "file %s (%s, sha256 %s...)\n  rows %d, imported %d, failed %d, %.1f s (%.0f rows/s)\n", file,
        summary->encoding, summary->file_hash, summary->rows, summary->imported, summary->failed, summary->seconds,
        summary->rows / std::max(summary->seconds, 1e-3));
    if (summary->failed > 0) {
      std::string report = errors_file.empty() ? file + ".errors.csv" : errors_file;
      auto written = zizhu::tools::WriteErrorReport(*summary, report);
      if (!written.ok()) {
        rc = Fail(std::string(written.message()));
        return;
      }
      std::cout << "  row errors in " << report << "; the first ones:\n";
      for (size_t i = 0; i < summary->failures.size() && i < 10; ++i) {
        const auto& f = summary->failures[i];
        std::cout << "    line " << f.line << (f.column.empty() ? "" : " [" + f.column + "]") << ": " << f.reason
                  << "\n";
      }
      rc = 4;
    }
  });

  // --- agency rosters ---
  std::string roster_agency;
  for (const char* source_name : {"poverty", "civil", "status"}) {
    static const std::map<std::string, std::string> kHelp = {
        {"poverty", "import the poverty office's roster of registered-poor households (CSV/GBK/XLSX)"},
        {"civil", "import civil affairs' roster: 低保, 特困, 孤儿, disability (CSV/GBK/XLSX)"},
        {"status", "import the student-status system's enrolment roster (CSV/GBK/XLSX)"}};
    auto* sub = import->add_subcommand(source_name, kHelp.at(source_name));
    sub->add_option("file", file, "CSV or XLSX file")->required()->check(CLI::ExistingFile);
    sub->add_option("--encoding", encoding, "auto | utf-8 | gbk | gb18030 (CSV only)")->capture_default_str();
    sub->add_option("--mapping", mapping_file, "header mapping file: 'field = header' lines")->check(CLI::ExistingFile);
    sub->add_option("--errors", errors_file, "error report CSV (default FILE.errors.csv)");
    sub->add_option("--agency", roster_agency, "who sent the file (default: the source name)");
    std::string name = source_name;
    sub->callback([&, name] {
      connect();
      auto source = zizhu::registry::ParseRosterSource(name).value();
      zizhu::tools::HeaderMapping mapping = zizhu::tools::RosterHeaderMapping(source);
      if (!mapping_file.empty()) {
        std::ifstream in(mapping_file);
        std::stringstream text;
        text << in.rdbuf();
        auto added = mapping.AddFromText(text.str());
        if (!added.ok()) {
          rc = Fail(absl::StrCat("--mapping: ", added.message()));
          return;
        }
      }
      auto roster_stub = zizhu::registry::v1::RosterService::NewStub(channel);
      zizhu::tools::RosterImportOptions options;
      options.actor = Meta(g).actor();
      options.agency = roster_agency;
      options.encoding = encoding;
      bool tty = isatty(2);
      options.on_progress = [tty](int done, int total) {
        std::cerr << (tty ? "\r" : "") << absl::StrFormat("importing: %d/%d rows", done, total) << (tty ? "" : "\n")
                  << std::flush;
      };
      auto summary = zizhu::tools::ImportRosterFile(roster_stub.get(), source, file, mapping, options);
      if (tty) std::cerr << "\n";
      if (!summary.ok()) {
        rc = Fail(std::string(summary.status().message()));
        return;
      }
      std::cout << absl::StrFormat(
          "%s roster %s (%s), import %s%s\n  rows %d, applied %d, rejected %d, %.1f s (%.0f rows/s)\n", name, file,
          summary->format, summary->import_id, summary->already_imported ? " — imported before, nothing changed" : "",
          summary->rows, summary->applied, summary->rejected, summary->seconds,
          summary->rows / std::max(summary->seconds, 1e-3));
      if (!summary->errors.empty()) {
        std::string report = errors_file.empty() ? file + ".errors.csv" : errors_file;
        auto written = zizhu::tools::WriteRosterErrorReport(*summary, report);
        if (!written.ok()) {
          rc = Fail(std::string(written.message()));
          return;
        }
        std::cout << "  row errors in " << report << "; the first ones:\n";
        for (size_t i = 0; i < summary->errors.size() && i < 10; ++i) {
          const auto& e = summary->errors[i];
          std::cout << "    line " << e.line << " [" << e.kind << (e.column.empty() ? "" : ", " + e.column)
                    << "]: " << e.reason << "\n";
        }
      }
      if (summary->rejected > 0) rc = 4;
    });
  }

  // --- cross-match ---
  auto* match = app.add_subcommand("match", "cross-match of rosters and the registry")->require_subcommand(1);
  auto* match_run = match->add_subcommand("run", "re-evaluate everyone with a reference date and school age");
  std::string as_of;
  int age_min = 6, age_max = 15;
  match_run->add_option("--as-of", as_of, "reference date for ages (2026-09-01)")->required();
  match_run->add_option("--age-min", age_min, "youngest school age")->capture_default_str();
  match_run->add_option("--age-max", age_max, "oldest school age")->capture_default_str();
  match_run->callback([&] {
    connect();
    auto date = ParseDate(as_of);
    if (!date.ok()) {
      rc = Fail(absl::StrCat("--as-of: ", date.status().message()));
      return;
    }
    zizhu::registry::v1::RunCrossMatchRequest req;
    *req.mutable_meta() = Meta(g);
    *req.mutable_as_of() = *date;
    req.set_school_age_min(age_min);
    req.set_school_age_max(age_max);
    zizhu::registry::v1::RunCrossMatchResponse resp;
    grpc::ClientContext ctx;  // can take long on a large registry
    auto status = zizhu::registry::v1::RosterService::NewStub(channel)->RunCrossMatch(&ctx, req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << "cross-match re-evaluated as of " << as_of << ", school age " << age_min << "-" << age_max << "\n";
  });
  auto category_name = [](int c) {
    return Short(c, zizhu::registry::v1::MatchCategory_descriptor(), "MATCH_CATEGORY_");
  };
  auto* match_summary = match->add_subcommand("summary", "counts per category, county and school");
  std::string summary_county;
  bool summary_detail = false;
  match_summary->add_option("--county", summary_county, "only this county");
  match_summary->add_flag("--detail", summary_detail, "one line per county and school");
  match_summary->callback([&] {
    connect();
    zizhu::registry::v1::GetMatchSummaryRequest req;
    req.set_county(summary_county);
    zizhu::registry::v1::GetMatchSummaryResponse resp;
    auto status = zizhu::registry::v1::RosterService::NewStub(channel)->GetMatchSummary(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    if (g.json) return PrintJson(resp);
    std::cout << absl::StrFormat("%-26s %10s\n", "category", "people");
    for (const auto& t : resp.totals())
      std::cout << absl::StrFormat("%-26s %10d\n", category_name(t.category()), t.count());
    if (summary_detail) {
      std::cout << absl::StrFormat("\n%-26s %-12s %-12s %8s\n", "category", "county", "school", "people");
      for (const auto& c : resp.counts()) {
        std::cout << absl::StrFormat("%-26s %-12s %-12s %8d\n", category_name(c.category()), c.county(),
                                     c.school_code().empty() ? "-" : c.school_code(), c.count());
      }
    }
  });
  auto* match_list = match->add_subcommand("list", "the people of one work queue, with the reasons");
  std::string category_text, list_county, list_school;
  bool match_all = false;
  match_list
      ->add_option("--category", category_text,
                   "matched | not_enrolled | poor_in_one_source_only | attribute_conflict | invalid_id | "
                   "duplicate_in_source | no_finding")
      ->required();
  match_list->add_option("--county", list_county, "county");
  match_list->add_option("--school", list_school, "school code (needs --county)");
  match_list->add_flag("--all", match_all, "every page");
  match_list->callback([&] {
    connect();
    zizhu::registry::v1::MatchCategory category;
    if (!zizhu::registry::v1::MatchCategory_Parse("MATCH_CATEGORY_" + absl::AsciiStrToUpper(category_text),
                                                  &category)) {
      rc = Fail(absl::StrCat("--category '", category_text, "' is not a category"));
      return;
    }
    auto roster_stub = zizhu::registry::v1::RosterService::NewStub(channel);
    zizhu::registry::v1::ListMatchResultsRequest req;
    req.set_category(category);
    req.set_county(list_county);
    req.set_school_code(list_school);
    req.set_page_size(1000);
    int total = 0;
    do {
      zizhu::registry::v1::ListMatchResultsResponse resp;
      auto status = roster_stub->ListMatchResults(Context(g).get(), req, &resp);
      if (!status.ok()) {
        rc = FailRpc(status);
        return;
      }
      for (const auto& r : resp.results()) {
        if (g.json) {
          PrintJson(r);
          continue;
        }
        std::cout << absl::StrFormat("%-20s %-8s %-10s %-12s %s\n", r.national_id_masked(), r.name(), r.county(),
                                     r.school_code().empty() ? "-" : r.school_code(), absl::StrJoin(r.reasons(), "; "));
      }
      total += resp.results_size();
      req.set_page_token(resp.next_page_token());
      if (!match_all && !req.page_token().empty()) {
        std::cerr << "(more: --all for every page)\n";
        break;
      }
    } while (!req.page_token().empty());
    std::cerr << total << " result(s)\n";
  });

  // --- projection admin ---
  auto* projection = app.add_subcommand("projection", "projection maintenance")->require_subcommand(1);
  projection->add_subcommand("rebuild", "wipe the projection and replay the log from offset 0")->callback([&] {
    connect();
    auto admin = zizhu::common::v1::ProjectionAdmin::NewStub(channel);
    zizhu::common::v1::RebuildProjectionResponse resp;
    grpc::ClientContext ctx;  // no deadline: a rebuild can take long
    auto status = admin->RebuildProjection(&ctx, {}, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << "rebuilt: " << resp.events_applied() << " events in " << resp.duration_ms() << " ms, checksum "
              << resp.checksum() << "\n";
  });
  projection->add_subcommand("checksum", "checksum of the projection")->callback([&] {
    connect();
    auto admin = zizhu::common::v1::ProjectionAdmin::NewStub(channel);
    zizhu::common::v1::GetProjectionChecksumResponse resp;
    auto status = admin->GetProjectionChecksum(Context(g).get(), {}, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << resp.checksum() << " keys=" << resp.keys() << " offsets=" << absl::StrJoin(resp.applied_offsets(), ",")
              << "\n";
  });

  auto* agency_key =
      app.add_subcommand("agency-key", "make a key for an agency system (prints the agencies-file line)");
  std::string agency_id, agency_source;
  agency_key->add_option("agency", agency_id, "agency id, e.g. fpb-210102")->required();
  agency_key->add_option("source", agency_source, "poverty | civil | status")
      ->required()
      ->check(CLI::IsMember({"poverty", "civil", "status"}));
  agency_key->callback([&] {
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1) {
      rc = Fail("no random bytes");
      return;
    }
    std::string key;
    for (unsigned char b : raw) absl::StrAppend(&key, absl::Hex(b, absl::kZeroPad2));
    const std::string hash = zizhu::Sha256Hex(key);
    std::cout << "key for " << agency_id << " (give it to the agency; it is not stored anywhere):\n  " << key
              << "\nline for the registry's --agencies-file:\n  " << agency_id << " " << agency_source << " " << hash
              << "\n";
  });

  app.add_subcommand("health", "check that the service answers")->callback([&] {
    connect();
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::milliseconds(g.timeout_ms))) {
      rc = Fail(absl::StrCat("no answer from ", g.server));
      return;
    }
    v1::ListSchoolsRequest req;
    req.set_page_size(1);
    v1::ListSchoolsResponse resp;
    auto status = stub->ListSchools(Context(g).get(), req, &resp);
    if (!status.ok()) {
      rc = FailRpc(status);
      return;
    }
    std::cout << "ok: " << g.server << " answers\n";
  });

  CLI11_PARSE(app, argc, argv);
  return rc;
}
