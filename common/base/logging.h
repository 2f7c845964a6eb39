// File: logging.h
// -----------------------------------------------------------------------------
// A minimal structured logger: one line per event on stderr, either
//   2026-11-22T10:00:00.123Z INFO query_service: listening addr=127.0.0.1:5051
// or, after SetLogFormat(LogFormat::kJson),
//   {"ts":"2026-11-22T10:00:00.123Z","level":"INFO","msg":"listening","addr":"127.0.0.1:5051"}
//
//   base::LogInfo("listening", {{"addr", address}});
//
// Debian's Abseil has no absl/log, so this is ours. Thread-safe.
#ifndef KHABAR_COMMON_BASE_LOGGING_H_
#define KHABAR_COMMON_BASE_LOGGING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace khabar::base {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogFormat(LogFormat format);
void SetMinLogLevel(LogLevel level);
// The program name shown in text lines (default "khabar").
void SetLogProgram(absl::string_view program);

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

// Escapes `s` as the inside of a JSON string (no surrounding quotes).
std::string JsonEscape(absl::string_view s);

inline void LogInfo(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(absl::string_view m, const LogFields& f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_LOGGING_H_
