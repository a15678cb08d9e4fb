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
#include "google/protobuf/struct.pb.h"
#include "libs/files/import/roster_headers.h"
#include "libs/files/import/roster_importer.h"
#include "libs/files/import/student_importer.h"
#include "libs/rules/field_values.h"
#include "libs/rules/roster_fields.h"
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

// Import of student rosters and agency rosters.
// Options live in this object, which main keeps alive while CLI11 runs.
class ImportCommands final : public CommandGroup {
 public:
  explicit ImportCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  std::string file, encoding = "auto", mapping_file, errors_file;
  int concurrency = 64;
  std::string roster_agency;
};

void ImportCommands::Add(CLI::App& app) {
  // --- import ---
  auto* import = app.add_subcommand("import", "import agency files")->require_subcommand(1);
  auto* import_students = import->add_subcommand("students", "import a student roster (CSV, UTF-8 or GBK)");
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
      if (auto added = AddMappingFile(mapping_file, &mapping); !added.ok()) {
        rc = Fail(absl::StrCat("--mapping: ", added.message()));
        return;
      }
    }
    zizhu::tools::ImportOptions options;
    options.concurrency = concurrency;
    options.rpc_timeout_ms = g.timeout_ms;
    bool tty = isatty(2);
    options.on_progress = [progress = ProgressPrinter("importing")](int done, int total, int, int) {
      progress(done, total);
    };
    auto summary = zizhu::tools::ImportStudentsFile(stub.get(), file, encoding, mapping, options);
    if (tty) std::cerr << "\n";
    if (!summary.ok()) {
      rc = FailStatus(summary.status());
      return;
    }
    if (g.json) {
      google::protobuf::Struct out;
      auto& f = *out.mutable_fields();
      f["file"].set_string_value(file);
      f["encoding"].set_string_value(summary->encoding);
      f["file_hash"].set_string_value(summary->file_hash);
      f["rows"].set_number_value(summary->rows);
      f["imported"].set_number_value(summary->imported);
      f["failed"].set_number_value(summary->failed);
      f["seconds"].set_number_value(summary->seconds);
      PrintJson(out);
    }
    Out(g) << absl::StrFormat("file %s (%s, sha256 %s...)\n  rows %d, imported %d, failed %d, %.1f s (%.0f rows/s)\n",
                              file, summary->encoding, summary->file_hash, summary->rows, summary->imported,
                              summary->failed, summary->seconds, summary->rows / std::max(summary->seconds, 1e-3));
    if (summary->failed > 0) {
      std::string report = errors_file.empty() ? file + ".errors.csv" : errors_file;
      auto written = zizhu::tools::WriteErrorReport(*summary, report);
      if (!written.ok()) {
        rc = Fail(std::string(written.message()));
        return;
      }
      Out(g) << "  row errors in " << report << "; the first ones:\n";
      for (size_t i = 0; i < summary->failures.size() && i < 10; ++i) {
        const auto& f = summary->failures[i];
        Out(g) << "    line " << f.line << (f.column.empty() ? "" : " [" + f.column + "]") << ": " << f.reason << "\n";
      }
      rc = 4;
    }
  });

  // --- agency rosters ---
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
      auto source = rules::ParseRosterSource(name).value();
      zizhu::tools::HeaderMapping mapping = zizhu::tools::RosterHeaderMapping(source);
      if (!mapping_file.empty()) {
        if (auto added = AddMappingFile(mapping_file, &mapping); !added.ok()) {
          rc = Fail(absl::StrCat("--mapping: ", added.message()));
          return;
        }
      }
      auto roster_stub = zizhu::registry::v1::RosterService::NewStub(channel);
      zizhu::tools::RosterImportOptions options;
      options.agency = roster_agency;
      options.encoding = encoding;
      bool tty = isatty(2);
      options.on_progress = ProgressPrinter("importing");
      auto summary = zizhu::tools::ImportRosterFile(roster_stub.get(), source, file, mapping, options);
      if (tty) std::cerr << "\n";
      if (!summary.ok()) {
        rc = FailStatus(summary.status());
        return;
      }
      if (g.json) {
        google::protobuf::Struct out;
        auto& f = *out.mutable_fields();
        f["source"].set_string_value(name);
        f["file"].set_string_value(file);
        f["import_id"].set_string_value(summary->import_id);
        f["already_imported"].set_bool_value(summary->already_imported);
        f["rows"].set_number_value(summary->rows);
        f["applied"].set_number_value(summary->applied);
        f["rejected"].set_number_value(summary->rejected);
        f["school_unresolved"].set_number_value(summary->warnings);
        f["seconds"].set_number_value(summary->seconds);
        PrintJson(out);
      }
      Out(g) << absl::StrFormat(
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
        Out(g) << "  row errors in " << report << "; the first ones:\n";
        for (size_t i = 0; i < summary->errors.size() && i < 10; ++i) {
          const auto& e = summary->errors[i];
          Out(g) << "    line " << e.line << " [" << e.kind << (e.column.empty() ? "" : ", " + e.column)
                 << "]: " << e.reason << "\n";
        }
      }
      if (summary->warnings > 0) {
        Out(g) << "  " << summary->warnings
               << " applied row(s) name a school that is not registered: see school_unresolved in the report\n";
      }
      if (summary->rejected > 0 || summary->warnings > 0) rc = 4;
    });
  }
}

std::unique_ptr<CommandGroup> MakeImportCommands(Cli& cli) { return std::make_unique<ImportCommands>(cli); }

}  // namespace zizhu::cli
