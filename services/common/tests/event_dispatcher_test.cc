// The typed event dispatcher: routing by payload type, unknown types skipped
// and counted, bad payload bytes DATA_LOSS.
#include "services/common/es/event_dispatcher.h"

#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace zizhu::es {
namespace {

common::v1::EventEnvelope Wrap(const google::protobuf::Message& payload) {
  common::v1::EventEnvelope envelope;
  envelope.set_event_id("e1");
  envelope.mutable_payload()->PackFrom(payload);
  return envelope;
}

TEST(EventDispatcherTest, RoutesToTheHandlerOfThePayloadType) {
  EventDispatcher<std::string&> on;
  on.On<google::protobuf::StringValue>([](const google::protobuf::StringValue& e, const auto&, std::string& out) {
    out = "string:" + e.value();
    return absl::OkStatus();
  });
  on.On<google::protobuf::Int64Value>([](const google::protobuf::Int64Value& e, const auto&, std::string& out) {
    out = "int:" + std::to_string(e.value());
    return absl::OkStatus();
  });
  google::protobuf::StringValue s;
  s.set_value("x");
  google::protobuf::Int64Value i;
  i.set_value(7);
  std::string out;
  ASSERT_TRUE(on.Dispatch(Wrap(s), out).ok());
  EXPECT_EQ(out, "string:x");
  ASSERT_TRUE(on.Dispatch(Wrap(i), out).ok());
  EXPECT_EQ(out, "int:7");
  EXPECT_EQ(on.skipped(), 0);
}

TEST(EventDispatcherTest, UnknownTypesAreSkippedAndCounted) {
  EventDispatcher<int&> on;
  on.On<google::protobuf::StringValue>([](const auto&, const auto&, int& calls) {
    ++calls;
    return absl::OkStatus();
  });
  int calls = 0;
  google::protobuf::BoolValue newer;  // a type this reader does not know
  EXPECT_TRUE(on.Dispatch(Wrap(newer), calls).ok());
  EXPECT_TRUE(on.Dispatch(Wrap(newer), calls).ok());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(on.skipped(), 2);
  EXPECT_FALSE(on.Handles("google.protobuf.BoolValue"));
  EXPECT_TRUE(on.Handles("google.protobuf.StringValue"));
}

TEST(EventDispatcherTest, UnparsablePayloadOfAKnownTypeIsDataLoss) {
  EventDispatcher<> on;
  on.On<google::protobuf::Int64Value>([](const auto&, const auto&) { return absl::OkStatus(); });
  common::v1::EventEnvelope envelope;
  envelope.set_event_id("broken");
  envelope.mutable_payload()->set_type_url("type.googleapis.com/google.protobuf.Int64Value");
  envelope.mutable_payload()->set_value("\xff\xff\xff");
  absl::Status status = on.Dispatch(envelope);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("broken"), std::string::npos);
}

TEST(EventDispatcherTest, HandlerErrorsPassThrough) {
  EventDispatcher<> on;
  on.On<google::protobuf::StringValue>(
      [](const auto&, const auto&) { return absl::FailedPreconditionError("refused"); });
  EXPECT_EQ(on.Dispatch(Wrap(google::protobuf::StringValue())).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace zizhu::es
