#include "tools/cli/cli_common.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/reasons/reasons.h"
#include "libs/rules/field_values.h"
#include "services/common/grpc/status_convert.h"
#include "services/common/grpc/tls.h"
#include "tools/cli/commands.h"
#include "tools/cli/table.h"

namespace zizhu::cli {

int Fail(const std::string& what) {
  std::cerr << "zizhu: " << what << std::endl;
  return 1;
}

namespace {
const std::string* language = nullptr;  // --lang, read when a refusal is said
}  // namespace

void SetLanguageSource(const std::string* lang) { language = lang; }

bool SayInChinese() { return language == nullptr || *language != "en"; }

// A refusal's reason in the operator's language (libs/reasons), else the
// service's English message.
std::string SaidInLanguage(const std::optional<common::v1::ErrorInfo>& info, const std::string& message) {
  if (info) {
    if (std::optional<std::string> said = reasons::Render(*info, SayInChinese())) return *said;
  }
  return message;
}

std::string CodedLinesSaid(const google::protobuf::RepeatedPtrField<common::v1::ErrorInfo>& codes,
                           const std::string& english) {
  if (codes.empty()) return english;
  std::vector<std::string> said;
  for (const auto& code : codes) {
    std::optional<std::string> words = reasons::Render(code, SayInChinese());
    said.push_back(words ? *words : code.reason());
  }
  return absl::StrJoin(said, SayInChinese() ? "；" : "; ");
}

int FailRpc(const grpc::Status& status) {
  static const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  int code = status.error_code();
  std::cerr << "zizhu: " << (code >= 0 && code <= 16 ? kNames[code] : "ERROR") << ": "
            << SaidInLanguage(ErrorInfoOf(status), status.error_message()) << std::endl;
  return code == grpc::StatusCode::UNAVAILABLE ? 3 : 2;
}

int FailStatus(const absl::Status& status) {
  const std::optional<common::v1::ErrorInfo> info = ErrorInfoOf(status);
  std::cerr << "zizhu: " << absl::StatusCodeToString(status.code()) << ": "
            << SaidInLanguage(info, std::string(status.message())) << std::endl;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return 3;
    case absl::StatusCode::kUnauthenticated:  // only a service says these: refused
    case absl::StatusCode::kPermissionDenied:
      return 2;
    default:
      // A refusal by the rules (it carries its reason, e.g. a report outside
      // the caller's scope) exits as the services' refusals do.
      return info ? 2 : 1;
  }
}

std::ostream& Out(const Globals& g) { return g.json ? std::cerr : std::cout; }

namespace {

std::string RandomRequestId() {
  std::random_device rd;
  return absl::StrFormat("cli-%08x%08x", rd(), rd());
}

}  // namespace

common::v1::CommandMeta Meta(const Globals& g) {
  // The actor and org scope are the services' to set, from the token.
  common::v1::CommandMeta m;
  m.set_request_id(g.request_id.empty() ? RandomRequestId() : g.request_id);
  return m;
}

std::string DefaultTokenFile() {
  if (const char* file = std::getenv("ZIZHU_TOKEN_FILE"); file && *file) return file;
  const char* home = std::getenv("HOME");
  return absl::StrCat(home && *home ? home : ".", "/.config/zizhu/token");
}

std::string DefaultCaFile() {
  constexpr char kLocal[] = ".run/keys/tls/ca.pem";
  return std::ifstream(kLocal).good() ? kLocal : "";
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Dial(const Globals& g, const std::string& target, bool with_token) {
  grpc_kit::ClientTls tls{g.ca_file, g.cert_file, g.key_file, g.insecure_plaintext, g.server_name};
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = grpc_kit::ChannelCredentialsFor(tls);
  if (!credentials.ok()) return credentials.status();
  return grpc_kit::CreateChannelWithToken(target, *credentials, with_token ? grpc_kit::ReadTokenFile(g.token_file) : "",
                                          g.server_name);
}

std::unique_ptr<grpc::ClientContext> Context(const Globals& g) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(g.timeout_ms));
  return ctx;
}

void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = true;
  auto status = google::protobuf::util::MessageToJsonString(m, &out, options);
  if (!status.ok()) {
    std::cerr << "zizhu: cannot print " << m.GetTypeName() << " as JSON: " << status.message() << std::endl;
    return;
  }
  std::cout << out << "\n";
}

std::string Short(int value, const google::protobuf::EnumDescriptor* d, const std::string& prefix) {
  const auto* v = d->FindValueByNumber(value);
  if (!v) return std::to_string(value);
  std::string name = v->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

void PrintStudent(const Globals& g, const v1::Student& s, TableWriter* table) {
  if (g.json) return PrintJson(s);
  std::vector<std::string> cells = {s.student_id(),
                                    s.name(),
                                    s.national_id().masked(),
                                    s.school_code(),
                                    Short(s.stage(), v1::EducationStage_descriptor(), "EDUCATION_STAGE_"),
                                    std::to_string(s.grade()),
                                    s.class_name(),
                                    Short(s.status(), v1::EnrolmentStatus_descriptor(), "ENROLMENT_STATUS_")};
  if (table) return table->Row(cells);
  TableWriter single(std::cout, StudentColumns());
  single.Row(cells);
}

std::vector<TableWriter::Column> StudentColumns() {
  return {{"student_id", 36}, {"name", 8},  {"national_id", 18}, {"school", 10},
          {"stage", 14},      {"grade", 5}, {"class", 8},        {"status", 0}};
}

absl::Status AddMappingFile(const std::string& path, tools::HeaderMapping* mapping) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read mapping file '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return mapping->AddFromText(text.str());
}

std::function<void(int done, int total)> ProgressPrinter(const std::string& what) {
  const bool tty = isatty(2);
  return [tty, what](int done, int total) {
    std::cerr << (tty ? "\r" : "") << absl::StrFormat("%s: %d/%d rows", what, done, total) << (tty ? "" : "\n")
              << std::flush;
  };
}

bool ParseDateOption(const std::string& option, const std::string& text, registry::v1::Date* date, int& rc) {
  if (text.empty()) return true;
  absl::StatusOr<registry::v1::Date> parsed = rules::ParseDate(text);
  if (!parsed.ok()) {
    rc = Fail(absl::StrCat(option, " '", text, "': ", parsed.status().message()));
    return false;
  }
  *date = *parsed;
  return true;
}

}  // namespace zizhu::cli
