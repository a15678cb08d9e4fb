// Request field limits at the gRPC edge: the path of the field and the
// limit are named; the value is never echoed.
#include "services/common/grpc/field_limits.h"

#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "zizhu/common/v1/admin_service.pb.h"
#include "zizhu/common/v1/command.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.pb.h"

namespace zizhu::grpc_kit {
namespace {

TEST(FieldLimitsTest, ShortFieldsPass) {
  common::v1::CommandMeta meta;
  meta.set_request_id("r1");
  meta.set_actor(std::string(4096, 'a'));
  EXPECT_TRUE(CheckFieldSizes(meta).ok());
}

TEST(FieldLimitsTest, LongFieldIsNamedWithTheLimitAndNotEchoed) {
  common::v1::CommandMeta meta;
  meta.set_actor(std::string(1 << 20, 'x'));
  absl::Status status = CheckFieldSizes(meta);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "actor is 1048576 bytes; at most 4096 are allowed");
}

TEST(FieldLimitsTest, NestedRepeatedAndMapFieldsArePathed) {
  common::v1::ListSubscriptionsResponse response;
  response.add_subscriptions()->set_topic("ok");
  response.add_subscriptions()->add_applied_offsets(std::string(5000, '1'));
  EXPECT_EQ(CheckFieldSizes(response).message(),
            "subscriptions[1].applied_offsets[0] is 5000 bytes; at most 4096 are allowed");
  google::protobuf::Struct cells;
  (*cells.mutable_fields())["name"].set_string_value(std::string(9000, 'n'));
  EXPECT_EQ(CheckFieldSizes(cells).message(), "fields[name].string_value is 9000 bytes; at most 4096 are allowed");
}

TEST(FieldLimitsTest, AFieldMayDeclareItsOwnLimit) {
  // LoadPolicyRequest.content carries (zizhu.common.v1.max_bytes) = 1 MiB.
  subsidy::v1::LoadPolicyRequest request;
  request.set_content(std::string(200000, 'y'));
  EXPECT_TRUE(CheckFieldSizes(request).ok());
  request.set_file_name(std::string(5000, 'f'));  // other fields keep the default
  EXPECT_EQ(CheckFieldSizes(request).message(), "file_name is 5000 bytes; at most 4096 are allowed");
  request.clear_file_name();
  request.set_content(std::string((1 << 20) + 1, 'y'));
  EXPECT_EQ(CheckFieldSizes(request).message(), "content is 1048577 bytes; at most 1048576 are allowed");
}

}  // namespace
}  // namespace zizhu::grpc_kit
