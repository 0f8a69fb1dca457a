// Per-thread reads of a group member (process-exporter's threads_wchan and summed context
// switches) over test/fixtures/agent-process-poll1 (written by agent-process-make.py).
#include <gtest/gtest.h>

#include <algorithm>

#include "process_scan.h"
#include "support.h"

namespace hp::proc {
namespace {

Roots poll1() {
  Roots r;
  r.procfs = test_support::kFixtures + "/agent-process-poll1/proc";
  return r;
}

TEST(ThreadTotals, MultiThreadedSumsThreadsAndSkipsRunningWchans) {
  auto t = read_thread_totals(poll1(), 100, true, true);
  ASSERT_TRUE(t.has_value());
  // pid 100 runs (wchan "0": not counted); its two other threads wait on a futex.
  EXPECT_EQ(t->wchans, (WchanCounts{{"futex_wait_queue", 2}}));
  ASSERT_TRUE(t->ctx.has_value());
  EXPECT_EQ(t->ctx->first, 10 + 100 + 200);
  EXPECT_EQ(t->ctx->second, 5 + 1 + 2);
}

TEST(ThreadTotals, SingleThreadedHasNoThreadSumAndMissingIsNullopt) {
  auto t = read_thread_totals(poll1(), 101, true, true);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->wchans, (WchanCounts{{"do_nanosleep", 1}}));
  EXPECT_FALSE(t->ctx.has_value());
  // Only what was asked for.
  auto only_ctx = read_thread_totals(poll1(), 100, false, true);
  ASSERT_TRUE(only_ctx.has_value());
  EXPECT_TRUE(only_ctx->wchans.empty());
  EXPECT_FALSE(read_thread_totals(poll1(), 999, true, true).has_value());
}

TEST(ThreadTotals, ThreadRowsByTid) {
  auto t = read_thread_totals(poll1(), 100, false, false, true);
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->threads.size(), 3u);
  std::vector<int64_t> tids;
  for (const auto& r : t->threads) {
    tids.push_back(r.tid);
    EXPECT_EQ(r.name, "worker");
    EXPECT_EQ(r.read_bytes, 0u);  // no task io in the fixture: 0, as process-exporter
  }
  std::sort(tids.begin(), tids.end());
  EXPECT_EQ(tids, (std::vector<int64_t>{100, 10001, 10002}));
  int64_t vol = 0;
  for (const auto& r : t->threads) vol += r.vol;
  EXPECT_EQ(vol, 310);
  // Single-threaded: no rows.
  EXPECT_TRUE(read_thread_totals(poll1(), 101, false, false, true)->threads.empty());
}

}  // namespace
}  // namespace hp::proc
