// File: progress.h
// -----------------------------------------------------------------------------
// Progress of a long ingest: on a terminal, one line redrawn in place
//   files 1,204/10,161  docs 1,198  4,812 docs/s  3.1 MB/s  rejected 2  ETA 0:02
// and in a log (stderr not a terminal), a structured line every few seconds.
// Finish() prints the summary.
//
//   Progress progress(total_files, total_bytes, Progress::Mode::kAuto);
//   progress.Update(totals);    // cheap; redraws at most 8 times a second
//   progress.Finish(totals);
#ifndef KHABAR_INGEST_SERVICE_PROGRESS_H_
#define KHABAR_INGEST_SERVICE_PROGRESS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "ingest_service/pipeline.h"

namespace khabar::ingest {

class Progress {
 public:
  enum class Mode { kAuto, kTerminal, kLog, kOff };

  // Totals of 0 mean "unknown" (watch mode): no ETA is shown.
  Progress(int64_t total_files, int64_t total_bytes, Mode mode);

  void Update(const Totals& totals);

  // Clears the progress line and returns the one-line summary (also logged).
  std::string Finish(const Totals& totals);

  // "files 3/10  docs 12  ..." for `totals` after `elapsed`.
  std::string Line(const Totals& totals, absl::Duration elapsed) const;

 private:
  const int64_t total_files_;
  const int64_t total_bytes_;
  Mode mode_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_PROGRESS_H_
