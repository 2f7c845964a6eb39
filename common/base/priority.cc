#include "common/base/priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace khabar::base {

namespace {

// setpriority's PRIO_PROCESS takes a thread id on Linux (the nice value is
// per thread there, see setpriority(2) "BUGS" and sched(7)).
id_t ThisThreadId() { return static_cast<id_t>(syscall(SYS_gettid)); }

}  // namespace

int ThisThreadNice() {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, ThisThreadId());
  return errno == 0 ? nice : 0;
}

bool LowerThisThreadPriority(int nice) {
  if (nice <= 0) return true;
  const int target = std::clamp(ThisThreadNice() + std::min(nice, 39), -20, 19);
  return setpriority(PRIO_PROCESS, ThisThreadId(), target) == 0;
}

void RunLowered(int nice, absl::FunctionRef<void()> fn) {
  if (nice <= 0) {
    fn();
    return;
  }
  std::thread worker([&] {
    // Refused (a seccomp filter, say): the work still runs, at the caller's
    // priority.
    LowerThisThreadPriority(nice);
    fn();
  });
  worker.join();
}

}  // namespace khabar::base
