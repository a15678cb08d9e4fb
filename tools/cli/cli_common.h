// Shared pieces of the zizhu command-line client: global flags, the
// connection, error reporting and printing.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/common/core/basis_points.h"  // FormatBasisPoints for the command groups
#include "tools/cli/table.h"
#include "zizhu/common/v1/error_details.pb.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::cli {

namespace v1 = zizhu::registry::v1;

struct Globals {
  std::string server = "127.0.0.1:7001";
  std::string identity = "127.0.0.1:7000";
  std::string subsidy = "127.0.0.1:7002";
  std::string disbursement = "127.0.0.1:7003";
  std::string dropout = "127.0.0.1:7004";
  std::string pairing = "127.0.0.1:7005";
  std::string request_id;
  bool json = false;
  int timeout_ms = 30000;
  // TLS: the CA that signed the servers' certificates (and an optional client
  // certificate for mutual TLS); plaintext only with --insecure-plaintext.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_plaintext = false;
  // Where `zizhu login` keeps the token (mode 0600).
  std::string token_file;
};

// The default token file: $ZIZHU_TOKEN_FILE, else ~/.config/zizhu/token.
std::string DefaultTokenFile();
// The default CA: .run/keys/tls/ca.pem when it exists (a `make run` checkout).
std::string DefaultCaFile();
// A channel to `target` with the TLS settings of `g`, sending the saved
// token unless `with_token` is false. Exits through the error path when the
// TLS files cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Dial(const Globals& g, const std::string& target, bool with_token);

// Print to stderr; return the exit code (1 local error; 2 refused; 3
// unavailable). FailStatus: a failed step that may have reached a service:
// UNAVAILABLE and DEADLINE_EXCEEDED exit 3 (retry the same command),
// UNAUTHENTICATED, PERMISSION_DENIED and any refusal with a reason 2
// (refused), anything else 1. Both print the status code before the message.
int Fail(const std::string& what);
int FailRpc(const grpc::Status& status);
// The language refusals are said in (--lang; Chinese by default): a refusal
// with a reason the catalogue knows (libs/reasons) in the operator's words,
// any other in the service's English message.
void SetLanguageSource(const std::string* lang);
// Whether the operator reads Chinese (--lang zh, the default).
bool SayInChinese();
int FailStatus(const absl::Status& status);
// Lines given as reason codes (a match result's, a case's opening reason) in
// the operator's language, else `english` (recorded before the codes existed).
std::string CodedLinesSaid(const google::protobuf::RepeatedPtrField<common::v1::ErrorInfo>& codes,
                           const std::string& english);

// What every command group shares; owned by main, lives until exit.
struct Cli {
  Globals g;
  int rc = 0;  // the exit code
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RegistryService::Stub> stub;
  // Connects to the registry (--server); a TLS set-up that cannot be read
  // ends the program with its reason (exit 1).
  std::function<void()> connect = [this] {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> dialled = Dial(g, g.server, true);
    if (!dialled.ok()) std::exit(FailStatus(dialled.status()));
    channel = *dialled;
    stub = v1::RegistryService::NewStub(channel);
  };
};

// Where human-readable text goes: standard output, or standard error in
// --json mode (standard output then carries only JSON, one object a line).
std::ostream& Out(const Globals& g);
common::v1::CommandMeta Meta(const Globals& g);
std::unique_ptr<grpc::ClientContext> Context(const Globals& g);
// One JSON object on one line of standard output.
void PrintJson(const google::protobuf::Message& m);
// Enum value name without its prefix, lower-case: ENROLMENT_STATUS_ENROLLED -> enrolled.
std::string Short(int value, const google::protobuf::EnumDescriptor* d, const std::string& prefix);
// A student as a table row (`table` null: a one-row table of its own), or JSON.
void PrintStudent(const Globals& g, const v1::Student& s, TableWriter* table = nullptr);
std::vector<TableWriter::Column> StudentColumns();

// Parses a date option ("2026-11-02") into `date`; an empty text leaves it
// unset. On a bad date: the message naming the option, `rc` set, false.
bool ParseDateOption(const std::string& option, const std::string& text, registry::v1::Date* date, int& rc);

// The client of one service for a command group: dialled (TLS, token) at
// `address` on the first call. Call(): on failure prints the error, sets the
// exit code and returns false.
template <typename Service>
class ServiceClient {
 public:
  using Stub = typename Service::Stub;
  ServiceClient(const Globals& g, int& rc, const std::string& address) : g_(g), rc_(rc), address_(address) {}
  template <typename Request, typename Response>
  bool Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*), const Request& request,
            Response* response) {
    if (!stub_) {
      absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Dial(g_, address_, true);
      if (!channel.ok()) std::exit(FailStatus(channel.status()));
      stub_ = Service::NewStub(*channel);
    }
    grpc::Status status = (stub_.get()->*method)(Context(g_).get(), request, response);
    if (!status.ok()) rc_ = FailRpc(status);
    return status.ok();
  }

 private:
  const Globals& g_;
  int& rc_;
  const std::string& address_;  // a member of Globals: read when first called, after parsing
  std::unique_ptr<Stub> stub_;
};

}  // namespace zizhu::cli
