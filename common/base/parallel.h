// File: parallel.h
// -----------------------------------------------------------------------------
// ParallelFor: run fn(i) for i in [0, n) on up to `threads` threads, the
// caller being one of them; returns when every call has returned. Threads
// are started per call (indexing calls it once or twice per batch of
// documents, where a thread start is noise).
#ifndef KHABAR_COMMON_BASE_PARALLEL_H_
#define KHABAR_COMMON_BASE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace khabar::base {

// `min_per_thread`: no thread is started for fewer items than this.
inline void ParallelFor(size_t n, int threads, absl::FunctionRef<void(size_t)> fn,
                        size_t min_per_thread = 1) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  const size_t per = std::max<size_t>(min_per_thread, 1);
  const size_t useful = std::min<size_t>(static_cast<size_t>(std::max(threads, 1)), (n + per - 1) / per);
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < useful; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_PARALLEL_H_
