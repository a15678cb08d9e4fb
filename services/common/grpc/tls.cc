#include "services/common/grpc/tls.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/client_interceptor.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/core/text_file.h"

namespace zizhu::grpc_kit {
namespace {

class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerFactory(std::string token) : header_(absl::StrCat("Bearer ", token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(&header_);
  }

 private:
  std::string header_;  // lives as long as the channel (the factory is owned by it)
};

}  // namespace

std::string ReadTokenFile(const std::string& path) {
  std::string token;
  std::ifstream in(path);
  std::getline(in, token);
  return std::string(absl::StripAsciiWhitespace(token));
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path, const char* what) { return ReadTextFile(path, what); }

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(const ServerTls& tls) {
  if (tls.insecure_plaintext) return grpc::InsecureServerCredentials();
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs a certificate and key (--tls-cert, --tls-key); plaintext only with --insecure-plaintext "
        "(development)");
  }
  grpc::SslServerCredentialsOptions options(tls.client_ca_file.empty()
                                                ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  auto key = ReadPemFile(tls.key_file, "TLS key");
  if (!key.ok()) return key.status();
  auto cert = ReadPemFile(tls.cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  pair.private_key = *key;
  pair.cert_chain = *cert;
  options.pem_key_cert_pairs.push_back(pair);
  if (!tls.client_ca_file.empty()) {
    auto ca = ReadPemFile(tls.client_ca_file, "client CA");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(const ClientTls& tls) {
  if (tls.insecure_plaintext) return grpc::InsecureChannelCredentials();
  if (tls.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs the CA certificate (--ca or ZIZHU_CA); plaintext only with "
        "--insecure-plaintext (development)");
  }
  grpc::SslCredentialsOptions options;
  auto ca = ReadPemFile(tls.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *ca;
  if (!tls.cert_file.empty()) {
    auto cert = ReadPemFile(tls.cert_file, "client certificate");
    if (!cert.ok()) return cert.status();
    auto key = ReadPemFile(tls.key_file, "client key");
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> CreateChannelWithToken(const std::string& target,
                                                      const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                                      const std::string& token, const std::string& server_name,
                                                      int max_message_bytes) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_bytes);
  args.SetMaxSendMessageSize(max_message_bytes);
  if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!token.empty()) interceptors.push_back(std::make_unique<BearerFactory>(token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, credentials, args, std::move(interceptors));
}

}  // namespace zizhu::grpc_kit
