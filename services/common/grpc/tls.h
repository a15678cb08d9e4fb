// TLS for every port, and the client side of it (CLI, tests, other
// services). Plaintext exists only behind an explicit development switch.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace zizhu::grpc_kit {

struct ServerTls {
  std::string cert_file;  // PEM certificate chain of this server
  std::string key_file;   // PEM private key
  // When set, every client must present a certificate signed by this CA
  // (mutual TLS: services, agency systems).
  std::string client_ca_file;
  // Development only: no TLS at all (the caller logs a warning at start).
  bool insecure_plaintext = false;
};

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(const ServerTls& tls);

struct ClientTls {
  std::string ca_file;    // PEM CA that signed the servers' certificates
  std::string cert_file;  // optional client certificate (mutual TLS)
  std::string key_file;
  bool insecure_plaintext = false;
  // Name the server certificate must carry when it differs from the host
  // dialled (e.g. dialling 127.0.0.1 a certificate for "localhost").
  std::string server_name;
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(const ClientTls& tls);

// A channel that sends `authorization: Bearer <token>` on every call
// (empty token: none), whatever the transport security.
std::shared_ptr<grpc::Channel> CreateChannelWithToken(const std::string& target,
                                                      const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                                      const std::string& token, const std::string& server_name = "",
                                                      int max_message_bytes = 64 << 20);

// The token kept by `zizhu login` in `path` (first line, trimmed); "" when
// the file is missing (the call then fails UNAUTHENTICATED, saying to log in).
std::string ReadTokenFile(const std::string& path);

// Reads a whole (PEM) file; NOT_FOUND naming it.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const char* what);

}  // namespace zizhu::grpc_kit
