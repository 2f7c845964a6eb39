#include "common/base/logging.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace khabar::base {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<LogLevel> g_min_level{LogLevel::kInfo};

absl::Mutex& ProgramMutex() {
  static absl::Mutex* mu = new absl::Mutex;
  return *mu;
}
std::string& Program() {
  static std::string* program = new std::string("khabar");
  return *program;
}

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

// A value needs quotes in the text format when it has spaces, quotes or '='.
bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format); }
void SetMinLogLevel(LogLevel level) { g_min_level.store(level); }
void SetLogProgram(absl::string_view program) {
  absl::MutexLock lock(&ProgramMutex());
  Program() = std::string(program);
}

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (level < g_min_level.load()) return;
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (g_format.load() == LogFormat::kJson) {
    absl::StrAppend(&line, "{\"ts\":\"", ts, "\",\"level\":\"", LevelName(level),
                    "\",\"msg\":\"", JsonEscape(message), "\"");
    for (const auto& [k, v] : fields) {
      absl::StrAppend(&line, ",\"", JsonEscape(k), "\":\"", JsonEscape(v), "\"");
    }
    line += "}\n";
  } else {
    std::string program;
    {
      absl::MutexLock lock(&ProgramMutex());
      program = Program();
    }
    absl::StrAppend(&line, ts, " ", LevelName(level), " ", program, ": ", message);
    for (const auto& [k, v] : fields) {
      if (NeedsQuotes(v)) {
        absl::StrAppend(&line, " ", k, "=\"", JsonEscape(v), "\"");
      } else {
        absl::StrAppend(&line, " ", k, "=", v);
      }
    }
    line += "\n";
  }
  // One fwrite per line keeps concurrent lines whole.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace khabar::base
