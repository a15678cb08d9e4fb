// The ledger's rows in memory, for domain tests: both the decisions' port
// and the fold's, so decided events are folded with the production fold.
#pragma once

#include <map>
#include <type_traits>

#include "services/common/testing/decided_folder.h"
#include "services/dropout/domain/case_decisions.h"
#include "services/dropout/domain/case_evolve.h"

namespace zizhu::dropout::testing {

class MemoryDropout final : public DropoutState, public DropoutRows {
 public:
  std::map<std::string, v1::SubjectRecord> subjects;
  std::map<std::string, v1::CaseRecord> cases;
  std::map<std::string, v1::UpstreamChild> children;
  std::map<std::string, v1::LeftBehindCard> cards;

  template <typename T>
  static absl::StatusOr<std::optional<T>> Find(const std::map<std::string, T>& m, const std::string& k) {
    auto it = m.find(k);
    if (it == m.end()) return std::optional<T>();
    return std::optional<T>(it->second);
  }
  absl::StatusOr<std::optional<v1::SubjectRecord>> FindSubject(const std::string& s) override {
    return Find(subjects, s);
  }
  absl::StatusOr<std::optional<v1::CaseRecord>> FindCase(const std::string& c) override { return Find(cases, c); }
  absl::StatusOr<std::optional<v1::UpstreamChild>> FindChild(const std::string& s) override {
    return Find(children, s);
  }
  absl::StatusOr<std::optional<v1::LeftBehindCard>> FindCard(const std::string& s) override { return Find(cards, s); }
  absl::StatusOr<std::optional<v1::SubjectRecord>> Subject(const std::string& s) override { return Find(subjects, s); }
  void PutSubject(const v1::SubjectRecord& s) override { subjects[s.subject()] = s; }
  absl::StatusOr<std::optional<v1::CaseRecord>> Case(const std::string& c) override { return Find(cases, c); }
  void PutCase(const std::optional<v1::CaseRecord>&, const v1::CaseRecord& c) override { cases[c.case_id()] = c; }
  absl::StatusOr<std::optional<v1::LeftBehindCard>> Card(const std::string& s) override { return Find(cards, s); }
  void PutCard(const v1::LeftBehindCard& c) override { cards[c.student_id()] = c; }

  // Folds decided events through the typed folds, as the projection does.
  absl::Status Apply(const Events& events) {
    static const testing_kit::DecidedFolder<DropoutRows> folder(
        DropoutEvents{}, [](const auto& e, int64_t v, DropoutRows& rows) { return FoldDropoutEvent(e, v, rows); });
    return folder.Apply(events, *this);
  }
};

}  // namespace zizhu::dropout::testing
