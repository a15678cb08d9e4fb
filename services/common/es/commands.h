// Commands: how an application layer issues a command in one call.
//
//   commands_->Run<v1::RegisterSchoolResponse>(caller, request,
//       [request](storage::ProjectionBatch& view, absl::Time now) { return Decide...(state, request); },
//       [this](const common::v1::CommandOutcome& o) { return LoadSchoolResponse(o.aggregate_id()); },
//       std::move(done));
//
// `decide` runs on the single writer (see CommandProcessor). Once the
// command's events are durable (or it failed), `answer` runs on the answer
// pool — never on the writer thread, so it may read the store — and its
// result goes to `done`. A failed command skips `answer`.
//
// Thread-safety: Run may be called from any thread. The processor and pool
// are borrowed and must outlive every command in flight.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "services/common/auth/caller.h"
#include "services/common/core/executor.h"
#include "services/common/es/command_processor.h"
#include "zizhu/common/v1/command.pb.h"

namespace zizhu {

template <typename T>
using Callback = std::function<void(absl::StatusOr<T>)>;

namespace es {

// The request's CommandMeta as the processor takes it.
CommandMeta FromProto(const common::v1::CommandMeta& meta);
// SHA-256 (hex) of `request` without its top-level `meta` field, serialized
// deterministically: what the command asked, whatever its request id.
std::string FingerprintRequest(const google::protobuf::Message& request);
// The meta of a command from a verified caller: the actor and org scope
// are the caller's, whatever the request's meta says; the fingerprint covers
// the request and the caller, so that a request id is never answered to
// another caller or for another command (ALREADY_EXISTS instead).
CommandMeta FromCaller(const auth::Caller& caller, const common::v1::CommandMeta& meta,
                       const google::protobuf::Message& request);

class Commands {
 public:
  Commands(CommandProcessor* processor, Executor* answers) : processor_(processor), answers_(answers) {}

  template <typename T>
  void Run(CommandMeta meta, DecideFn decide,
           std::function<absl::StatusOr<T>(const common::v1::CommandOutcome&)> answer, Callback<T> done) {
    Submit<T>(
        std::move(meta), std::move(decide),
        [answer = std::move(answer)](const absl::StatusOr<common::v1::CommandOutcome>& outcome) -> absl::StatusOr<T> {
          if (!outcome.ok()) return outcome.status();
          return answer(*outcome);
        },
        std::move(done));
  }
  // The usual form: a caller's request (with its `meta`; see FromCaller).
  template <typename T, typename Request>
  void Run(const auth::Caller& caller, const Request& request, DecideFn decide,
           std::function<absl::StatusOr<T>(const common::v1::CommandOutcome&)> answer, Callback<T> done) {
    Run<T>(FromCaller(caller, request.meta(), request), std::move(decide), std::move(answer), std::move(done));
  }

  // As Run, but `answer` also sees a failed outcome (to turn a refusal into
  // an answer, e.g. ALREADY_EXISTS -> "already imported").
  template <typename T, typename Request>
  void RunAnswering(const auth::Caller& caller, const Request& request, DecideFn decide,
                    std::function<absl::StatusOr<T>(const absl::StatusOr<common::v1::CommandOutcome>&)> answer,
                    Callback<T> done) {
    Submit<T>(FromCaller(caller, request.meta(), request), std::move(decide), std::move(answer), std::move(done));
  }

 private:
  template <typename T>
  void Submit(CommandMeta meta, DecideFn decide,
              std::function<absl::StatusOr<T>(const absl::StatusOr<common::v1::CommandOutcome>&)> answer,
              Callback<T> done) {
    processor_->Submit(std::move(meta), std::move(decide),
                       [this, answer = std::move(answer),
                        done = std::move(done)](const absl::StatusOr<common::v1::CommandOutcome>& outcome) {
                         answers_->Post([answer, done, outcome] { done(answer(outcome)); });
                       });
  }

  CommandProcessor* processor_;
  Executor* answers_;
};

}  // namespace es
}  // namespace zizhu
