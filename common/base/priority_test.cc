#include "common/base/priority.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/base/parallel.h"
#include "gtest/gtest.h"

namespace khabar::base {
namespace {

// Whether this system lets a thread lower its priority (a seccomp filter may
// refuse setpriority; RunLowered then runs at the caller's priority).
bool CanLower() {
  bool ok = false;
  std::thread t([&] { ok = LowerThisThreadPriority(1); });
  t.join();
  return ok;
}

TEST(PriorityTest, RunLoweredRunsOnALowerPriorityThreadAndItsHelpersInherit) {
  const int caller = ThisThreadNice();
  if (caller + 5 > 19) GTEST_SKIP() << "already at nice " << caller;
  if (!CanLower()) GTEST_SKIP() << "setpriority refused here";
  const std::thread::id caller_id = std::this_thread::get_id();
  std::atomic<int> lowered{0}, calls{0}, on_caller{0};
  RunLowered(5, [&] {
    // ParallelFor's helper threads are started from the lowered thread.
    ParallelFor(
        64, 4,
        [&](size_t) {
          calls++;
          if (ThisThreadNice() == caller + 5) lowered++;
          if (std::this_thread::get_id() == caller_id) on_caller++;
        },
        /*min_per_thread=*/1);
  });
  EXPECT_EQ(calls.load(), 64);
  EXPECT_EQ(lowered.load(), 64);
  EXPECT_EQ(on_caller.load(), 0);
  // The caller keeps its own priority.
  EXPECT_EQ(ThisThreadNice(), caller);
}

TEST(PriorityTest, ZeroRunsOnTheCaller) {
  const std::thread::id caller_id = std::this_thread::get_id();
  bool on_caller = false;
  RunLowered(0, [&] { on_caller = std::this_thread::get_id() == caller_id; });
  EXPECT_TRUE(on_caller);
}

TEST(PriorityTest, LoweringClampsAtNineteen) {
  if (!CanLower()) GTEST_SKIP() << "setpriority refused here";
  std::thread t([] {
    EXPECT_TRUE(LowerThisThreadPriority(1 << 30));  // no overflow
    EXPECT_EQ(ThisThreadNice(), 19);
    EXPECT_TRUE(LowerThisThreadPriority(1));
    EXPECT_EQ(ThisThreadNice(), 19);
  });
  t.join();
}

}  // namespace
}  // namespace khabar::base
