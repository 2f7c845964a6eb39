// File: status_macros.h
// -----------------------------------------------------------------------------
// Early-return helpers for absl::Status / absl::StatusOr, since Debian's Abseil
// 20220623 ships none.
//
//   absl::StatusOr<Article> Parse(absl::string_view text) {
//     KHABAR_RETURN_IF_ERROR(ValidateUtf8("a.txt", text));
//     KHABAR_ASSIGN_OR_RETURN(std::string body, ReadFile(path));
//     ...
//   }
#ifndef KHABAR_COMMON_BASE_STATUS_MACROS_H_
#define KHABAR_COMMON_BASE_STATUS_MACROS_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KHABAR_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status khabar_status_ = (expr);          \
    if (!khabar_status_.ok()) return khabar_status_; \
  } while (0)

#define KHABAR_STATUS_CONCAT_INNER_(a, b) a##b
#define KHABAR_STATUS_CONCAT_(a, b) KHABAR_STATUS_CONCAT_INNER_(a, b)

#define KHABAR_ASSIGN_OR_RETURN(lhs, expr) \
  KHABAR_ASSIGN_OR_RETURN_IMPL_(KHABAR_STATUS_CONCAT_(khabar_statusor_, __LINE__), lhs, expr)

#define KHABAR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

// Guards an invariant of our own code (never input): aborts with the location.
#define KHABAR_CHECK(cond)                                                         \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: KHABAR_CHECK failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                         \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

#endif  // KHABAR_COMMON_BASE_STATUS_MACROS_H_
