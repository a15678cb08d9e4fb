#include "services/gateway/app/report_runs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/core/random_ids.h"
#include "services/common/core/refusal.h"

extern char** environ;

namespace zizhu::gateway {
namespace {

absl::Status Bad(const std::string& field, const std::string& value, const std::string& want) {
  return FieldInvalid(field, value, absl::StrCat("is not ", want));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs argv with the token file in the environment, stdout and stderr into
// files; the exit code (-1 when it could not start).
int RunChild(const std::vector<std::string>& argv, const std::string& token_file, const std::string& out_file,
             const std::string& err_file) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "ZIZHU_TOKEN_FILE=")) env_strings.emplace_back(*e);
  }
  env_strings.push_back(absl::StrCat("ZIZHU_TOKEN_FILE=", token_file));
  std::vector<char*> env;
  for (std::string& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_ptrs;
  for (std::string& s : args) arg_ptrs.push_back(s.data());
  arg_ptrs.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

ReportRuns::ReportRuns(ReportCommand command) : command_(std::move(command)) {
  std::error_code error;
  std::filesystem::create_directories(command_.work_dir, error);
  std::filesystem::permissions(command_.work_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
}

ReportRuns::~ReportRuns() {
  std::map<std::string, std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(threads_);
  }
  for (auto& [id, t] : threads) t.join();
}

absl::StatusOr<std::vector<std::string>> ReportRuns::Argv(const ReportCommand& command, const ReportRunRequest& r,
                                                          const std::string& point) {
  static const std::regex kPeriod(R"(^\d{4}-(\d{2}|Q[1-4]|H[12])$)");
  static const std::regex kCounty(R"(^\d{6}$)");
  static const std::regex kCity(R"(^(\d{4})?$)");
  static const std::regex kSchool(R"(^[0-9A-Za-z]{1,20}$)");
  if (r.action != "make" && r.action != "sign-off" && r.action != "lock") {
    return Bad("action", r.action, "make, sign-off or lock");
  }
  if (!std::regex_match(r.period, kPeriod)) return Bad("period", r.period, "a period (2026-11, 2026-Q4, 2026-H2)");
  if (r.lang != "zh" && r.lang != "en") return Bad("lang", r.lang, "zh or en");
  if (r.note.size() > 500) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FIELD_TOO_LONG",
                   {{"field", "note"}, {"bytes", std::to_string(r.note.size())}, {"max", "500"}},
                   "note is longer than 500 bytes");
  }
  std::string scope = r.scope;
  if (r.action == "sign-off") scope = "county";
  if (r.action == "lock") scope = "city";
  if (scope == "city"     ? !std::regex_match(r.code, kCity)
      : scope == "county" ? !std::regex_match(r.code, kCounty)
      : scope == "school" ? !std::regex_match(r.code, kSchool)
                          : true) {
    if (scope != "city" && scope != "county" && scope != "school")
      return Bad("scope", r.scope, "city, county or school");
    return Bad("code", r.code,
               scope == "city"     ? "a city code (4 digits)"
               : scope == "county" ? "a county code (6 digits)"
                                   : "a school code");
  }
  std::vector<std::string> argv = {command.program};
  argv.insert(argv.end(), command.global_args.begin(), command.global_args.end());
  argv.insert(argv.end(), {"--lang", r.lang, "report"});
  if (r.action == "make") {
    if (r.kind != "monthly" && r.kind != "quarterly" && r.kind != "half-year") {
      return Bad("kind", r.kind, "monthly, quarterly or half-year");
    }
    argv.push_back(r.kind);
  } else {
    if (point.empty()) return FieldRequired("run");
    argv.push_back(r.action);
  }
  argv.insert(argv.end(), {"--period", r.period, "--scope", scope});
  if (!r.code.empty()) argv.insert(argv.end(), {absl::StrCat("--", scope), r.code});
  if (r.action == "make") {
    argv.insert(argv.end(), {"--out", command.reports_dir});
    if (r.lang == "en") argv.push_back("--english");
  } else {
    argv.insert(argv.end(), {"--point", point});
    if (!r.note.empty()) argv.insert(argv.end(), {"--note", r.note});
  }
  argv.insert(argv.end(), command.report_args.begin(), command.report_args.end());
  return argv;
}

void ReportRuns::ReadOutcome(int exit_code, const std::string& out, const std::string& err, ReportRun& run) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::ConsumePrefix(&line, "report ")) {
      run.report = std::string(line.substr(0, line.find(' ')));
    } else if (absl::ConsumePrefix(&line, "  point:")) {
      run.point = std::string(absl::StripAsciiWhitespace(line));
    } else if (absl::StartsWith(line, "signed off ") || absl::StartsWith(line, "locked ")) {
      const size_t at = line.find(" at point ");
      if (at != absl::string_view::npos) run.point = std::string(line.substr(at + 10));
    }
  }
  run.output = out.substr(0, 4000);
  if (exit_code == 0) {
    run.state = "done";
    return;
  }
  run.state = "failed";
  // The job's refusal: its last "zizhu: CODE: message" line, without the prefix.
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    if (absl::ConsumePrefix(&line, "zizhu: ")) run.error = std::string(line);
  }
  if (run.error.empty()) run.error = exit_code < 0 ? "the report job could not start" : "the report job failed";
}

absl::StatusOr<std::string> ReportRuns::Start(const std::string& owner, const std::string& token,
                                              ReportRunRequest request) {
  std::string point;
  if (request.action == "sign-off" || request.action == "lock") {
    // The figures signed are those of a report this account made here.
    absl::MutexLock lock(&mu_);
    auto made = runs_.find(request.run);
    if (made == runs_.end() || made->second.owner != owner || made->second.state != "done" ||
        made->second.request.action != "make" || made->second.request.period != request.period) {
      return Refusal(
          absl::StatusCode::kNotFound, "REPORT_RUN_NOT_YOURS",
          {{"run", request.run.substr(0, 40)}, {"period", request.period}},
          absl::StrCat("run '", request.run.substr(0, 40), "' is not a report of ", request.period, " you made"));
    }
    point = made->second.point;
    if (request.action == "sign-off") request.code = made->second.request.code;
  }
  absl::StatusOr<std::vector<std::string>> argv = Argv(command_, request, point);
  if (!argv.ok()) return argv.status();
  // Threads of finished runs are joined here (and the rest by the destructor).
  std::vector<std::thread> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = threads_.begin(); it != threads_.end();) {
      auto run = runs_.find(it->first);
      if (run == runs_.end() || run->second.state != "running") {
        finished.push_back(std::move(it->second));
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::thread& t : finished) t.join();
  ReportRun run;
  run.id = NewRandomHexId();
  run.owner = owner;
  run.request = std::move(request);
  absl::MutexLock lock(&mu_);
  if (running_ >= kMaxRunning) {
    return Refusal(absl::StatusCode::kResourceExhausted, "REPORTS_BUSY", {{"count", std::to_string(running_)}},
                   absl::StrCat(running_, " reports are being made; try again when one has finished"));
  }
  ++running_;
  const std::string id = run.id;
  runs_.emplace(id, std::move(run));
  order_.push_back(id);
  while (order_.size() > kMaxRuns) {
    auto oldest = runs_.find(order_.front());
    if (oldest != runs_.end() && oldest->second.state == "running") break;
    runs_.erase(order_.front());
    order_.erase(order_.begin());
  }
  threads_.emplace(id, std::thread(&ReportRuns::Run, this, id, *std::move(argv), token));
  return id;
}

void ReportRuns::Run(std::string id, std::vector<std::string> argv, std::string token) {
  const std::string dir = absl::StrCat(command_.work_dir, "/", id);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, error);
  const std::string token_file = dir + "/token";
  {
    const int fd = ::open(token_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      (void)!::write(fd, token.data(), token.size());
      ::close(fd);
    }
  }
  const int code = RunChild(argv, token_file, dir + "/out", dir + "/err");
  const std::string out = ReadAll(dir + "/out"), err = ReadAll(dir + "/err");
  std::filesystem::remove_all(dir, error);  // the token goes with it
  absl::MutexLock lock(&mu_);
  --running_;
  auto it = runs_.find(id);
  if (it != runs_.end()) ReadOutcome(code, out, err, it->second);
}

std::optional<ReportRun> ReportRuns::Get(const std::string& id, const std::string& owner) const {
  absl::MutexLock lock(&mu_);
  auto it = runs_.find(id);
  if (it == runs_.end() || it->second.owner != owner) return std::nullopt;
  return it->second;
}

}  // namespace zizhu::gateway
