// ServiceHarness: a service under test — the real ServiceHost (gRPC on
// 127.0.0.1:0, health, reflection, admin) over in-memory logs, with its
// projection in a directory of the test's choosing. MemoryTopics holds the
// in-memory topics of one test, so that a second service can follow the
// first one's topic live.
//
//   MemoryTopics topics;
//   auto registry = ServiceHarness::Start(&registry_service, topics, "zizhu.registry.events.v1", &clock, dir);
//   auto stub = v1::RegistryService::NewStub((*registry)->channel());
#pragma once

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sodium.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/auth/tokens.h"
#include "services/common/es/memory_event_log.h"
#include "services/common/grpc/tls.h"
#include "services/common/service/service_host.h"

namespace zizhu::testing_kit {

class MemoryTopics {
 public:
  // The topic's log, created (3 partitions) on first use. Thread-safe.
  std::shared_ptr<es::MemoryEventLog> Get(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& log = logs_[topic];
    if (!log) log = std::make_shared<es::MemoryEventLog>(topic, 3);
    return log;
  }
  service::UpstreamOpener Opener() {
    return [this](const std::string& topic) -> absl::StatusOr<std::shared_ptr<es::EventLog>> { return Get(topic); };
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<es::MemoryEventLog>> logs_;
};

class ServiceHarness {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceHarness>> Start(service::Service* service, MemoryTopics& topics,
                                                               const std::string& topic, const Clock* clock,
                                                               const std::string& data_dir,
                                                               service::ServiceHostOptions options = {},
                                                               const auth::SecretKey* signing_key = nullptr) {
    std::unique_ptr<ServiceHarness> h(new ServiceHarness());
    h->log_ = topics.Get(topic);
    if (signing_key) {  // the key of a token-issuing service under test
      h->secret_key_ = *signing_key;
      crypto_sign_ed25519_sk_to_pk(h->public_key_.data(), h->secret_key_.data());
    } else {
      crypto_sign_keypair(h->public_key_.data(), h->secret_key_.data());
    }
    h->authenticator_ = std::make_unique<auth::Authenticator>(h->public_key_, clock);
    h->clock_ = clock;
    options.listen_address = "127.0.0.1:0";
    options.data_dir = data_dir;
    options.authenticator = h->authenticator_.get();
    if (options.tls.cert_file.empty()) options.tls.insecure_plaintext = true;
    auto host = service::ServiceHost::Start(options, h->log_.get(), topics.Opener(), service, clock);
    if (!host.ok()) return host.status();
    h->host_ = std::move(*host);
    h->channel_ = h->ChannelAs(DefaultCaller());
    return h;
  }

  // The caller of channel(): a city administrator of city 2101 (the test
  // data's city).
  static auth::Caller DefaultCaller() { return {"test-admin", auth::Role::kCityAdmin, "2101", "t-default"}; }
  // A token for `caller`, valid for `ttl` from the harness clock's now.
  std::string Token(const auth::Caller& caller, absl::Duration ttl = absl::Hours(1)) const {
    return auth::IssueToken(secret_key_, caller, clock_->Now(), ttl, caller.token_id).value();
  }
  // A plaintext channel sending `token` (empty: none).
  std::shared_ptr<grpc::Channel> ChannelWithToken(const std::string& token) const {
    return grpc_kit::CreateChannelWithToken(absl::StrCat("127.0.0.1:", host_->port()),
                                            grpc::InsecureChannelCredentials(), token);
  }
  std::shared_ptr<grpc::Channel> ChannelAs(const auth::Caller& caller) const { return ChannelWithToken(Token(caller)); }

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  service::ServiceHost& host() { return *host_; }
  es::MemoryEventLog& log() { return *log_; }
  int port() const { return host_->port(); }

 private:
  ServiceHarness() = default;
  std::shared_ptr<es::MemoryEventLog> log_;
  std::unique_ptr<service::ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  auth::PublicKey public_key_{};
  auth::SecretKey secret_key_{};
  std::unique_ptr<auth::Authenticator> authenticator_;  // handed to the host
  const Clock* clock_ = nullptr;
};

}  // namespace zizhu::testing_kit
