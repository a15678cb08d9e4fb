// The app layer as a table: one row per RPC, declaring who may call it (an
// auth::Action), what it touches (checked against the caller's scope) and,
// for a command, the service's own decide function and the answer; for a
// query, the read. The gRPC adapter names the row (grpc_kit::Endpoint::Call
// with a pointer to the row), so an RPC needs no hand-written app method:
//
//   struct PairingApp {
//     service::Table<RowsPairing> table;
//     service::Command<RowsPairing, v1::EndPairRequest, v1::EndPairResponse> end_pair{
//         table, kManagePairing,
//         [](RowsPairing& rows, const v1::EndPairRequest& q) { return PairTouched(rows, q.pair_id()); },
//         [](RowsPairing& rows, const v1::EndPairRequest& q, absl::Time) {
//           return DecideEndPair(rows, q.pair_id(), q.end(), q.reason());
//         },
//         [](RowsPairing& rows, const v1::EndPairRequest& q, const common::v1::CommandOutcome&) {
//           return PairAnswer<v1::EndPairResponse>(rows, q.pair_id());
//         }};
//   };
//
// Order of checks, the same for every row: the role (PERMISSION_DENIED naming
// the role and the action), then the scope (auth::OutOfScope: NOT_FOUND, so
// that a record outside the scope is answered as one that does not exist),
// then the decision on the single writer. `Rows` is the service's rows
// reader: constructible over a batch (decisions) and over the store (scope
// checks, answers, queries).
//
// Thread-safety: a row is immutable once built; Run may be called from any
// thread. The table's Commands and store must outlive every call in flight.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "services/common/auth/access.h"
#include "services/common/es/commands.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::service {

// What a request touches, for the scope check: a county (a city's counties
// start with its code), or a school of a county; `what` and `id` name it in
// the refusal. Nothing: no record in particular (a list that filters by the
// caller's scope itself, or a record the decision will find missing).
struct Touches {
  std::string county;
  std::string school;
  std::string what;
  std::string id;
  bool nothing = false;

  static Touches Nothing() { return Touches{"", "", "", "", true}; }
  static Touches County(std::string county, std::string what, std::string id) {
    return Touches{std::move(county), "", std::move(what), std::move(id), false};
  }
  static Touches School(std::string county, std::string school, std::string what, std::string id) {
    return Touches{std::move(county), std::move(school), std::move(what), std::move(id), false};
  }
};

// Touches::Nothing() as a touch function's answer.
inline absl::StatusOr<Touches> NothingTouched() { return Touches::Nothing(); }

// OK when the caller's scope covers what is touched; auth::OutOfScope otherwise.
absl::Status CheckScope(const auth::Caller& caller, const Touches& touches);

// What every row of a service's table shares: the single writer's queue and
// the store the rows read.
template <typename Rows>
struct Table {
  es::Commands* commands;
  const storage::ProjectionStore* store;
};

template <typename Rows, typename Req>
using TouchFn = std::function<absl::StatusOr<Touches>(Rows& rows, const Req& request)>;

// A command: checked, decided on the single writer, answered once durable.
template <typename Rows, typename Req, typename Resp>
struct Command {
  using DecideFn =
      std::function<absl::StatusOr<std::vector<es::NewEvent>>(Rows& rows, const Req& request, absl::Time now)>;
  using AnswerFn =
      std::function<absl::StatusOr<Resp>(Rows& rows, const Req& request, const common::v1::CommandOutcome& outcome)>;

  Table<Rows> table;
  const auth::Action& action;
  TouchFn<Rows, Req> touches;
  DecideFn decide;
  AnswerFn answer;

  void Run(const auth::Caller& caller, const Req& request, Callback<Resp> done) const {
    if (absl::Status allowed = auth::Require(caller, action); !allowed.ok()) return done(allowed);
    Rows current(*table.store);
    absl::StatusOr<Touches> touched = touches(current, request);
    if (!touched.ok()) return done(touched.status());
    if (absl::Status in_scope = CheckScope(caller, *touched); !in_scope.ok()) return done(in_scope);
    table.commands->template Run<Resp>(
        caller, request,
        [decide = decide, request](storage::ProjectionBatch& view, absl::Time now) {
          Rows rows(view);
          return decide(rows, request, now);
        },
        [answer = answer, request, store = table.store](const common::v1::CommandOutcome& outcome) {
          Rows rows(*store);
          return answer(rows, request, outcome);
        },
        std::move(done));
  }
};

// A query: checked, then read from the store.
template <typename Rows, typename Req, typename Resp>
struct Query {
  using ReadFn = std::function<absl::StatusOr<Resp>(Rows& rows, const auth::Caller& caller, const Req& request)>;

  Table<Rows> table;
  const auth::Action& action;
  TouchFn<Rows, Req> touches;
  ReadFn read;

  void Run(const auth::Caller& caller, const Req& request, Callback<Resp> done) const {
    if (absl::Status allowed = auth::Require(caller, action); !allowed.ok()) return done(allowed);
    Rows rows(*table.store);
    absl::StatusOr<Touches> touched = touches(rows, request);
    if (!touched.ok()) return done(touched.status());
    if (absl::Status in_scope = CheckScope(caller, *touched); !in_scope.ok()) return done(in_scope);
    done(read(rows, caller, request));
  }
};

// The row types of a service's table over its rows reader: an app derives
// from it and names its rows Command<Req, Resp> and Query<Req, Resp>.
template <typename Rows>
struct TableOf {
  template <typename Req, typename Resp>
  using Command = service::Command<Rows, Req, Resp>;
  template <typename Req, typename Resp>
  using Query = service::Query<Rows, Req, Resp>;
  using Outcome = common::v1::CommandOutcome;
};

}  // namespace zizhu::service
