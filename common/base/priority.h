// File: priority.h
// -----------------------------------------------------------------------------
// Background work (indexing, merges, snapshots) at a lower CPU priority than
// the searches, so that a query never waits behind an ingest stream for a
// core: Vespa's proton does the same with its feeding niceness. On Linux the
// nice value belongs to each thread and threads inherit their creator's, so
// everything started from a lowered thread (ParallelFor's helpers) stays
// lowered. A lowered thread cannot raise itself back without privileges,
// which is why RunLowered runs the work on a thread of its own.
#ifndef KHABAR_COMMON_BASE_PRIORITY_H_
#define KHABAR_COMMON_BASE_PRIORITY_H_

#include "absl/functional/function_ref.h"

namespace khabar::base {

// Adds `nice` (clamped to the [-20, 19] range) to the calling thread's nice
// value. Returns false if the system refused; nice <= 0 does nothing.
bool LowerThisThreadPriority(int nice);

// Runs fn on a new thread whose nice value is the caller's plus `nice`, and
// returns when it has; with nice <= 0 fn runs on the caller. The thread start
// (tens of microseconds) is meant for work of milliseconds or more.
void RunLowered(int nice, absl::FunctionRef<void()> fn);

// The calling thread's nice value.
int ThisThreadNice();

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_PRIORITY_H_
