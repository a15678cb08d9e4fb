// Helpers for propagating absl::Status without exceptions.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ZIZHU_CONCAT_INNER(a, b) a##b
#define ZIZHU_CONCAT(a, b) ZIZHU_CONCAT_INNER(a, b)

// Returns from the current function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status zizhu_status_ = (expr);         \
    if (!zizhu_status_.ok()) return zizhu_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(*tmp)

// `ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(ZIZHU_CONCAT(zizhu_statusor_, __LINE__), lhs, expr)
