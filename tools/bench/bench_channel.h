// The benchmarks' connection: TLS with the deployment's CA and the token of
// `zizhu login` (the same as every real client), on a channel of its own.
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "services/common/grpc/tls.h"

namespace zizhu::bench {

inline std::shared_ptr<grpc::Channel> BenchChannel(const std::string& server, const std::string& ca_file,
                                                   const std::string& token_file) {
  grpc_kit::ClientTls tls;
  tls.ca_file = ca_file;
  tls.insecure_plaintext = ca_file.empty();
  auto credentials = grpc_kit::ChannelCredentialsFor(tls);
  if (!credentials.ok()) {
    std::cerr << credentials.status() << std::endl;
    std::exit(1);
  }
  return grpc_kit::CreateChannelWithToken(server, *credentials, grpc_kit::ReadTokenFile(token_file));
}

}  // namespace zizhu::bench
