// zizhu-test-follower: a service defined for the system tests, built on the
// kit exactly as a real one would be. It follows the registry's topic live:
//  - upstream rows: "up/school/<code>/<student>" for every registered student
//    and "up/count/<code>" per school (a fold of upstream events only);
//  - a reaction per StudentRegistered: the command "note student" writes one
//    StudentNoted-like event (a StringValue with the student id) to the
//    follower's own topic, with a request id derived from the upstream event;
//  - own rows: "own/<student>" = the upstream event that caused the note.
// The system test kills it with SIGKILL while the registry writes and checks
// that every reaction happened exactly once and that the projection equals a
// fresh rebuild.
#include "google/protobuf/wrappers.pb.h"
#include "services/common/service/service_main.h"
#include "zizhu/registry/v1/events.pb.h"

namespace zizhu {
namespace {

using Envelope = common::v1::EventEnvelope;
using Batch = storage::ProjectionBatch;

class UpstreamRows final : public es::DispatchingProjection {
 public:
  UpstreamRows() {
    on_.On<registry::v1::StudentRegistered>(
        [](const registry::v1::StudentRegistered& e, const Envelope&, Batch& batch) -> absl::Status {
          const std::string count_key = "up/count/" + e.school_code();
          auto row = batch.Get(count_key);
          if (!row.ok()) return row.status();
          batch.Put(count_key, std::to_string(*row ? std::stoll(**row) + 1 : 1));
          batch.Put("up/school/" + e.school_code() + "/" + e.student_id(), "");
          return absl::OkStatus();
        });
  }
};

class OwnRows final : public es::DispatchingProjection {
 public:
  OwnRows() {
    on_.On<google::protobuf::StringValue>(
        [](const google::protobuf::StringValue& e, const Envelope& envelope, Batch& batch) {
          batch.Put("own/" + e.value(), envelope.causation_id());
          return absl::OkStatus();
        });
  }
};

class Follower final : public service::Service {
 public:
  explicit Follower(std::string upstream_topic) : upstream_topic_(std::move(upstream_topic)) {}
  std::string name() const override { return "test-follower"; }
  es::Projection& projection() override { return own_; }
  std::vector<service::Follow> follows() override {
    return {{upstream_topic_, &upstream_, [](const Envelope& event, std::vector<es::Reaction>& out) {
               registry::v1::StudentRegistered registered;
               if (!event.payload().UnpackTo(&registered)) return absl::OkStatus();  // other event types
               out.push_back({"note-student", [id = registered.student_id()](Batch& view, absl::Time) {
                                auto payload = std::make_shared<google::protobuf::StringValue>();
                                payload->set_value(id);
                                return absl::StatusOr<std::vector<es::NewEvent>>(std::vector<es::NewEvent>{
                                    {"test.StudentNote", AggregateId("note-" + id), AggregateVersion(1), payload}});
                              }});
               return absl::OkStatus();
             }}};
  }
  absl::Status Attach(service::ServiceContext&, std::vector<grpc::Service*>&) override { return absl::OkStatus(); }

 private:
  std::string upstream_topic_;
  OwnRows own_;
  UpstreamRows upstream_;
};

}  // namespace
}  // namespace zizhu

int main(int argc, char** argv) {
  zizhu::service::ServiceMainSpec spec;
  spec.name = "test-follower";
  spec.description = "system-test follower of the registry topic";
  spec.default_port = 0;
  std::string upstream = "zizhu.registry.events.v1";
  return zizhu::service::ServiceMain(
      argc, argv, spec,
      [&](CLI::App& cli) {
        zizhu::service::AddServiceOption(cli, "test-follower", "follow-topic", upstream, "registry topic to follow");
      },
      [&](const zizhu::service::ServiceEnv&) -> absl::StatusOr<std::unique_ptr<zizhu::service::Service>> {
        return std::unique_ptr<zizhu::service::Service>(new zizhu::Follower(upstream));
      });
}
