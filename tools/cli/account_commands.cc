// login, logout, whoami and account management (identity service).
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "tools/cli/commands.h"
#include "zizhu/identity/v1/identity_service.grpc.pb.h"

namespace zizhu::cli {
namespace {

namespace iv1 = zizhu::identity::v1;

// Reads a password: a line of standard input with --password-stdin, else
// from the terminal without echo.
absl::StatusOr<std::string> ReadPassword(bool from_stdin, const std::string& prompt) {
  std::string password;
  if (from_stdin || !isatty(STDIN_FILENO)) {
    if (!std::getline(std::cin, password)) return absl::InvalidArgumentError("no password on standard input");
    return password;
  }
  std::cerr << prompt << std::flush;
  termios old_mode;
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~ECHO;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << std::endl;
  return password;
}

absl::Status SaveToken(const std::string& path, const std::string& token) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    ::chmod(parent.c_str(), 0700);
  }
  // Created 0600 before the token is written, never readable by others.
  std::filesystem::remove(path, ec);
  mode_t old_mask = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  ::umask(old_mask);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write the token file '", path, "'"));
  out << token << "\n";
  out.close();
  ::chmod(path.c_str(), 0600);
  return out ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("cannot write the token file '", path, "'"));
}

absl::StatusOr<iv1::Role> ParseRoleName(const std::string& name) {
  iv1::Role role;
  std::string upper = "ROLE_";
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!iv1::Role_Parse(upper, &role) || role == iv1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--role '", name, "' is not one of city_admin, county_officer, school_operator, reviewer, auditor, service"));
  }
  return role;
}

class AccountCommands final : public CommandGroup {
 public:
  explicit AccountCommands(Cli& cli) : CommandGroup(cli) {}
  void Add(CLI::App& app) override;

 private:
  // The identity service's stub; exits with the reason when TLS cannot be set up.
  std::unique_ptr<iv1::IdentityService::Stub> Identity(bool with_token) {
    auto dialled = Dial(g, g.identity, with_token);
    if (!dialled.ok()) std::exit(FailStatus(dialled.status()));
    return iv1::IdentityService::NewStub(*dialled);
  }
  void PrintAccount(const iv1::Account& a) {
    if (g.json) return PrintJson(a);
    Out(g) << a.login() << "  " << Short(a.role(), iv1::Role_descriptor(), "ROLE_") << "  scope " << a.scope()
           << (a.locked() ? absl::StrCat("  LOCKED (", a.locked_reason(), ")") : "") << "\n";
  }

  std::string login, password_role, scope, display_name, reason;
  bool password_stdin = false;
};

void AccountCommands::Add(CLI::App& app) {
  auto* login_cmd = app.add_subcommand("login", "log in to the identity service; keeps the token (0600)");
  login_cmd->add_option("LOGIN", login, "account login")->required();
  login_cmd->add_flag("--password-stdin", password_stdin, "read the password from standard input");
  login_cmd->callback([&] {
    auto password = ReadPassword(password_stdin, "password: ");
    if (!password.ok()) return void(rc = FailStatus(password.status()));
    iv1::LoginRequest request;
    request.set_login(login);
    request.set_password(*password);
    iv1::LoginResponse response;
    grpc::Status status = Identity(false)->Login(Context(g).get(), request, &response);
    if (!status.ok()) return void(rc = FailRpc(status));
    if (absl::Status saved = SaveToken(g.token_file, response.token()); !saved.ok()) {
      return void(rc = FailStatus(saved));
    }
    Out(g) << "logged in as " << login << " (" << Short(response.account().role(), iv1::Role_descriptor(), "ROLE_")
           << ", scope " << response.account().scope() << "); token in " << g.token_file << ", valid until "
           << google::protobuf::util::TimeUtil::ToString(response.expires_at()) << "\n";
  });

  app.add_subcommand("logout", "forget the saved token")->callback([&] {
    std::error_code ec;
    std::filesystem::remove(g.token_file, ec);
    Out(g) << "logged out (" << g.token_file << " removed)\n";
  });

  app.add_subcommand("whoami", "the account the saved token names")->callback([&] {
    iv1::WhoAmIResponse response;
    grpc::Status status = Identity(true)->WhoAmI(Context(g).get(), iv1::WhoAmIRequest(), &response);
    if (!status.ok()) return void(rc = FailRpc(status));
    if (g.json) return PrintJson(response);
    Out(g) << response.login() << "  " << Short(response.role(), iv1::Role_descriptor(), "ROLE_") << "  scope "
           << response.scope() << "\n";
  });

  auto* account = app.add_subcommand("account", "operator accounts (city administrator)")->require_subcommand(1);
  auto* create = account->add_subcommand("create", "create an account; its password from the terminal or stdin");
  create->add_option("LOGIN", login)->required();
  create->add_option("--role", password_role, "city_admin|county_officer|school_operator|reviewer|auditor|service")
      ->required();
  create->add_option("--scope", scope, "city code, county code or school code the account acts for")->required();
  create->add_option("--name", display_name, "display name");
  create->add_flag("--password-stdin", password_stdin, "read the new password from standard input");
  create->callback([&] {
    auto role = ParseRoleName(password_role);
    if (!role.ok()) return void(rc = FailStatus(role.status()));
    auto password = ReadPassword(password_stdin, "new password (12 characters or more): ");
    if (!password.ok()) return void(rc = FailStatus(password.status()));
    iv1::CreateAccountRequest request;
    *request.mutable_meta() = Meta(g);
    request.set_login(login);
    request.set_role(*role);
    request.set_scope(scope);
    request.set_display_name(display_name);
    request.set_password(*password);
    iv1::CreateAccountResponse response;
    grpc::Status status = Identity(true)->CreateAccount(Context(g).get(), request, &response);
    if (!status.ok()) return void(rc = FailRpc(status));
    PrintAccount(response.account());
  });
  auto* lock = account->add_subcommand("lock", "lock an account (its tokens stop at the identity service)");
  lock->add_option("LOGIN", login)->required();
  lock->add_option("--reason", reason, "why")->required();
  lock->callback([&] {
    iv1::LockAccountRequest request;
    *request.mutable_meta() = Meta(g);
    request.set_login(login);
    request.set_reason(reason);
    iv1::LockAccountResponse response;
    grpc::Status status = Identity(true)->LockAccount(Context(g).get(), request, &response);
    if (!status.ok()) return void(rc = FailRpc(status));
    PrintAccount(response.account());
  });
  auto* unlock = account->add_subcommand("unlock", "unlock an account");
  unlock->add_option("LOGIN", login)->required();
  unlock->callback([&] {
    iv1::UnlockAccountRequest request;
    *request.mutable_meta() = Meta(g);
    request.set_login(login);
    iv1::UnlockAccountResponse response;
    grpc::Status status = Identity(true)->UnlockAccount(Context(g).get(), request, &response);
    if (!status.ok()) return void(rc = FailRpc(status));
    PrintAccount(response.account());
  });
  account->add_subcommand("list", "list accounts")->callback([&] {
    iv1::ListAccountsRequest request;
    request.set_page_size(500);
    auto stub = Identity(true);
    for (;;) {
      iv1::ListAccountsResponse response;
      grpc::Status status = stub->ListAccounts(Context(g).get(), request, &response);
      if (!status.ok()) return void(rc = FailRpc(status));
      for (const auto& a : response.accounts()) PrintAccount(a);
      if (response.next_page_token().empty()) return;
      request.set_page_token(response.next_page_token());
    }
  });
}

}  // namespace

std::unique_ptr<CommandGroup> MakeAccountCommands(Cli& cli) { return std::make_unique<AccountCommands>(cli); }

}  // namespace zizhu::cli
