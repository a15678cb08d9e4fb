// Test helper: the table-driven access checks every service runs over all of
// its RPCs (services/README.md, step 4). A table maps
// "/pkg.Service/Method[#variant]" to a serialized request; the checks call
// every row by name (CallRaw), whatever its message types.
#pragma once

#include <sodium.h>

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/common/auth/tokens.h"
#include "services/common/testing/raw_call.h"
#include "services/common/testing/service_harness.h"

namespace zizhu::testing_kit {

using AccessTable = std::map<std::string, std::string>;

inline std::string MethodOf(const std::string& key) { return key.substr(0, key.find('#')); }

// The rows of the kit's ProjectionAdminService, which every service serves.
inline void AddProjectionAdminRows(AccessTable& table) {
  const std::string admin = "/zizhu.common.v1.ProjectionAdminService/";
  table[admin + "RebuildProjection"] = "";
  table[admin + "GetProjectionChecksum"] = "";
  table[admin + "ListSubscriptions"] = "";
}

// Fails for every method of `services` without a row: a new RPC must be added.
inline void ExpectEveryMethodHasARow(const AccessTable& table, std::initializer_list<const char*> services) {
  std::set<std::string> covered;
  for (const auto& [key, request] : table) covered.insert(MethodOf(key));
  for (const char* name : services) {
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
      EXPECT_TRUE(covered.count(method)) << method << " has no row in the access table";
    }
  }
}

// Every row without a token, with an expired one and with one signed by
// another key: UNAUTHENTICATED.
inline void ExpectUnauthenticatedEverywhere(const ServiceHarness& harness, const Clock& clock,
                                            const AccessTable& table) {
  const auth::Caller admin = ServiceHarness::DefaultCaller();
  auth::PublicKey other_pk;
  auth::SecretKey other_sk;
  crypto_sign_keypair(other_pk.data(), other_sk.data());
  const std::map<std::string, std::string> tokens = {
      {"none", ""},
      {"expired", harness.Token(admin, absl::Seconds(-1))},
      {"forged", auth::IssueToken(other_sk, admin, clock.Now(), absl::Hours(1), "forged").value()},
  };
  for (const auto& [kind, token] : tokens) {
    auto channel = harness.ChannelWithToken(token);
    for (const auto& [key, request] : table) {
      EXPECT_EQ(CallRaw(channel, MethodOf(key), request).status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << kind << " token, " << key;
    }
  }
}

// Every row as each caller from another scope: refused with PERMISSION_DENIED
// or NOT_FOUND, or (rows in `may_succeed`) answered within the caller's own
// scope; no answer and no message holds any of `secrets` (a message may
// repeat what the request itself sent).
inline void ExpectNothingOfTheScope(const ServiceHarness& harness, const std::vector<auth::Caller>& callers,
                                    const AccessTable& table, const std::set<std::string>& may_succeed,
                                    const std::vector<std::string>& secrets) {
  for (const auth::Caller& caller : callers) {
    auto channel = harness.ChannelAs(caller);
    for (const auto& [key, request] : table) {
      RawAnswer a = CallRaw(channel, MethodOf(key), request);
      const std::string where = absl::StrCat(auth::RoleName(caller.role), " ", caller.scope, ", ", key, ": ",
                                             a.status.error_code(), " ", a.status.error_message());
      if (a.status.ok()) {
        EXPECT_TRUE(may_succeed.count(key)) << where;
      } else {
        EXPECT_TRUE(a.status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                    a.status.error_code() == grpc::StatusCode::NOT_FOUND)
            << where;
      }
      for (const auto& secret : secrets) {
        EXPECT_EQ(a.bytes.find(secret), std::string::npos) << where << " answers '" << secret << "'";
        if (request.find(secret) == std::string::npos) {
          EXPECT_EQ(a.status.error_message().find(secret), std::string::npos) << where;
        }
      }
    }
  }
}

}  // namespace zizhu::testing_kit
