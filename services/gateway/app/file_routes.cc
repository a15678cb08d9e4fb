// The gateway's file work: roster uploads imported in the background (with
// progress and the per-row error report), the bank file of a batch as a
// download, and the bank's return file uploaded into the batch. The files are
// read and written by the same code as the CLI's (tools/cli/import,
// libs/files/pay_files); the services decide as for any other call, with the
// operator's own token.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "libs/files/pay_files.h"
#include "services/common/core/random_ids.h"
#include "services/common/crypto/sha256.h"
#include "services/gateway/app/gateway_server.h"
#include "services/gateway/app/http_reply.h"
#include "zizhu/disbursement/v1/disbursement_service.pb.h"

namespace zizhu::gateway {
namespace {

constexpr size_t kErrorsShown = 500;  // the rest are in errors.csv

nlohmann::json JobJson(const ImportJob& job) {
  nlohmann::json errors = nlohmann::json::array();
  for (size_t i = 0; i < job.errors.size() && i < kErrorsShown; ++i) {
    const ImportRowError& e = job.errors[i];
    errors.push_back(
        {{"line", e.line},
         {"kind", e.kind},
         {"national_id", e.national_id_masked},
         {"column", e.column},
         {"reason", e.reason},
         {"reason_code", e.code.reason()},
         {"params", std::map<std::string, std::string>(e.code.metadata().begin(), e.code.metadata().end())}});
  }
  return {{"job_id", job.id},
          {"source", job.source},
          {"file_name", job.file_name},
          {"state", job.state},
          {"done", job.done},
          {"total", job.total},
          {"applied", job.applied},
          {"rejected", job.rejected},
          {"warnings", job.warnings},
          {"format", job.format},
          {"import_id", job.import_id},
          {"already_imported", job.already_imported},
          {"message", job.message},
          {"errors", errors},
          {"errors_total", job.errors.size()},
          {"dry_run", job.dry_run},
          {"message_reason", job.message_reason},
          {"message_params", job.message_params},
          {"file_headers", job.file_headers}};
}

// A temporary file of its own in `dir` with `extension` (".csv"), removed
// when this goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& dir, const std::string& extension) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    path_ = (std::filesystem::path(dir) / (NewRandomHexId() + extension)).string();
  }
  ~TempFile() {
    std::error_code error;
    std::filesystem::remove(path_, error);
  }
  const std::string& path() const { return path_; }
  bool Write(const std::string& content) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return static_cast<bool>(out);
  }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string path_;
};

std::string ExtensionOf(const std::string& name) {
  const size_t dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".xlsx" ? ".xlsx" : ".csv";
}

}  // namespace

void GatewayServer::FileRoutes() {
  httplib::Server& s = *server_;
  const std::string temp_dir = options_.upload_dir;  // set by the constructor

  s.Post("/api/v1/imports", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    if (!imports_) return SendJson(res, 503, ErrorJson("UNAVAILABLE", "this gateway has no registry to import into"));
    if (!req.has_file("source") || !req.has_file("file")) {
      return SendJson(res, 400, ErrorJson("INVALID_ARGUMENT", "a multipart form with 'source' and 'file' is needed"));
    }
    const httplib::MultipartFormData file = req.get_file_value("file");
    const bool dry_run = req.has_file("dry_run") && req.get_file_value("dry_run").content == "1";
    // Optional "field = header" lines: the file's own names for the columns (the console's header mapping).
    const std::string mapping = req.has_file("mapping") ? req.get_file_value("mapping").content : "";
    auto job = imports_->Start(session->login, session->token, req.get_file_value("source").content, file.filename,
                               file.content, dry_run, mapping);
    if (!job.ok()) return SendJson(res, 400, StatusJson(job.status()));
    SendJson(res, 202, nlohmann::json{{"job_id", *job}}.dump());
  });
  s.Get(R"(/api/v1/imports/([0-9a-f]+)(/errors\.csv)?)", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, false);
    if (!session) return;
    std::optional<ImportJob> job = imports_ ? imports_->Get(req.matches[1], session->login) : std::nullopt;
    if (!job)
      return SendJson(res, 404, ErrorJson("NOT_FOUND", absl::StrCat("import '", req.matches[1].str(), "' not found")));
    if (req.matches[2].matched) {
      const bool chinese = req.get_param_value("lang") != "en";  // ?lang=en for English
      return SendDownload(res, job->file_name + ".errors.csv", ImportErrorsCsv(*job, chinese),
                          "text/csv; charset=utf-8");
    }
    SendJson(res, 200, JobJson(*job).dump());
  });

  s.Post("/api/v1/bank-files", [this, temp_dir](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "csv";
    const std::string encoding = req.has_param("encoding") ? req.get_param_value("encoding") : "gbk";
    if (format != "csv" && format != "xlsx") {
      return SendJson(res, 400,
                      ErrorJson("INVALID_ARGUMENT", absl::StrCat("format '", format, "' is not csv or xlsx")));
    }
    if (encoding != "gbk" && encoding != "utf-8") {
      return SendJson(res, 400,
                      ErrorJson("INVALID_ARGUMENT", absl::StrCat("encoding '", encoding, "' is not gbk or utf-8")));
    }
    const Reply reply = bridge_->Call("disbursement", "ExportBankFile", req.body, session->token);
    if (reply.http_status != 200) return SendJson(res, reply.http_status, reply.json);
    disbursement::v1::ExportBankFileResponse file;
    if (!google::protobuf::util::JsonStringToMessage(reply.json, &file).ok()) {
      return SendJson(res, 502, ErrorJson("INTERNAL", "the disbursement service's answer is unreadable"));
    }
    TempFile out(temp_dir, "." + format);
    if (absl::Status written = cli::WriteBankFile(out.path(), encoding, file); !written.ok()) {
      return SendJson(res, 500, ErrorJson("INTERNAL", std::string(written.message())));
    }
    SendDownload(res, absl::StrCat(file.batch().batch_id(), ".", format), out.Read(),
                 format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                  : (encoding == "gbk" ? "text/csv; charset=gbk" : "text/csv; charset=utf-8"));
  });

  s.Post("/api/v1/bank-returns", [this, temp_dir](const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> session = Authorize(req, res, true);
    if (!session) return;
    if (!req.has_file("request") || !req.has_file("file")) {
      return SendJson(res, 400, ErrorJson("INVALID_ARGUMENT", "a multipart form with 'request' and 'file' is needed"));
    }
    disbursement::v1::RecordBankReturnRequest request;
    if (auto parsed = google::protobuf::util::JsonStringToMessage(req.get_file_value("request").content, &request);
        !parsed.ok()) {
      return SendJson(res, 400,
                      ErrorJson("INVALID_ARGUMENT", absl::StrCat("request: ", std::string(parsed.message()))));
    }
    const httplib::MultipartFormData upload = req.get_file_value("file");
    TempFile in(temp_dir, ExtensionOf(upload.filename));
    if (!in.Write(upload.content)) return SendJson(res, 500, ErrorJson("INTERNAL", "cannot keep the upload"));
    if (absl::Status read = cli::ReadReturnFile(in.path(), &request); !read.ok()) {
      // The reader names the file it read: the operator's name for it, not ours.
      return SendJson(res, 400, StatusJson(read, {{in.path(), upload.filename}}));
    }
    if (request.meta().request_id().empty()) {  // the same file for the same batch twice writes nothing
      request.mutable_meta()->set_request_id(absl::StrCat("return-", Sha256Hex(request.batch_id()).substr(0, 16), "-",
                                                          request.file_sha256().substr(0, 32)));
    }
    std::string body;
    if (auto printed = google::protobuf::util::MessageToJsonString(request, &body); !printed.ok()) {
      return SendJson(res, 500, ErrorJson("INTERNAL", std::string(printed.message())));
    }
    const Reply reply = bridge_->Call("disbursement", "RecordBankReturn", body, session->token);
    SendJson(res, reply.http_status, reply.json);
  });
}

}  // namespace zizhu::gateway
