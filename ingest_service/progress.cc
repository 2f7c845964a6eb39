#include "ingest_service/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/logging.h"

namespace khabar::ingest {
namespace {

std::string Thousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? absl::StrCat("-", out) : out;
}

std::string Clock(absl::Duration d) {
  const int64_t s = absl::ToInt64Seconds(d);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

Progress::Progress(int64_t total_files, int64_t total_bytes, Mode mode)
    : total_files_(total_files), total_bytes_(total_bytes), mode_(mode), start_(absl::Now()) {
  if (mode_ == Mode::kAuto) mode_ = ::isatty(STDERR_FILENO) ? Mode::kTerminal : Mode::kLog;
}

std::string Progress::Line(const Totals& t, absl::Duration elapsed) const {
  const double secs = std::max(1e-3, absl::ToDoubleSeconds(elapsed));
  const double docs_per_s = static_cast<double>(t.documents) / secs;
  const double mb_per_s = static_cast<double>(t.bytes) / secs / 1e6;
  std::string line = total_files_ > 0
                         ? absl::StrCat("files ", Thousands(t.files), "/", Thousands(total_files_))
                         : absl::StrCat("files ", Thousands(t.files));
  absl::StrAppend(&line, "  docs ", Thousands(t.documents), "  ",
                  Thousands(static_cast<int64_t>(docs_per_s)), " docs/s  ",
                  absl::StrFormat("%.1f", mb_per_s), " MB/s  rejected ", Thousands(t.rejected));
  if (total_bytes_ > 0 && t.bytes > 0 && t.bytes < total_bytes_) {
    const double rate = static_cast<double>(t.bytes) / secs;
    absl::StrAppend(&line, "  ETA ",
                    Clock(absl::Seconds(static_cast<double>(total_bytes_ - t.bytes) / rate)));
  }
  return line;
}

void Progress::Update(const Totals& totals) {
  if (mode_ == Mode::kOff) return;
  const absl::Time now = absl::Now();
  const absl::Duration every =
      mode_ == Mode::kTerminal ? absl::Milliseconds(125) : absl::Seconds(5);
  if (now - last_draw_ < every) return;
  last_draw_ = now;
  if (mode_ == Mode::kTerminal) {
    std::fprintf(stderr, "\r\033[K%s", Line(totals, now - start_).c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (now - start_ >= every) {  // no line for runs shorter than the period
    const double secs = std::max(1e-3, absl::ToDoubleSeconds(now - start_));
    base::LogInfo("progress",
                  {{"files", absl::StrCat(totals.files)},
                   {"total_files", absl::StrCat(total_files_)},
                   {"documents", absl::StrCat(totals.documents)},
                   {"rejected", absl::StrCat(totals.rejected)},
                   {"docs_per_s", absl::StrFormat("%.0f", totals.documents / secs)},
                   {"mb_per_s", absl::StrFormat("%.2f", totals.bytes / secs / 1e6)}});
  }
}

std::string Progress::Finish(const Totals& t) {
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  const absl::Duration elapsed = absl::Now() - start_;
  const double secs = std::max(1e-3, absl::ToDoubleSeconds(elapsed));
  return absl::StrFormat(
      "ingested %d documents from %d files in %.2fs (%.0f docs/s, %.1f MB/s): %d accepted "
      "(%d created, %d updated, %d unchanged), %d rejected",
      t.documents, t.files, secs, static_cast<double>(t.documents) / secs,
      static_cast<double>(t.bytes) / secs / 1e6, t.accepted(), t.created, t.updated, t.unchanged,
      t.rejected);
}

}  // namespace khabar::ingest
