#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace openarc {
namespace {

// Runs parallel_for and counts how often each index of [begin, end) is visited.
std::vector<int> visits(ThreadPool& pool, int64_t begin, int64_t end, int64_t grain) {
  std::vector<std::atomic<int>> count(static_cast<size_t>(std::max<int64_t>(end - begin, 0)));
  pool.parallel_for(begin, end, grain, [&](int64_t lo, int64_t hi) {
    EXPECT_LE(begin, lo);
    EXPECT_LT(lo, hi);
    EXPECT_LE(hi, end);
    for (int64_t i = lo; i < hi; ++i) count[static_cast<size_t>(i - begin)].fetch_add(1);
  });
  std::vector<int> out;
  for (auto& c : count) out.push_back(c.load());
  return out;
}

TEST(ThreadPool, VisitsEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 4, 7}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t begin : {0, -5, 1000}) {
      for (int64_t n : {0, 1, 2, 3, 7, 8, 63, 64, 65, 1000, 4097}) {
        for (int64_t grain : {0, 1, 2, 3, 16, 1000, 100000}) {
          std::vector<int> v = visits(pool, begin, begin + n, grain);
          ASSERT_EQ(v.size(), static_cast<size_t>(n));
          for (int64_t i = 0; i < n; ++i)
            ASSERT_EQ(v[i], 1) << "threads " << threads << " begin " << begin << " n " << n << " grain " << grain
                               << " index " << i;
        }
      }
    }
  }
}

TEST(ThreadPool, EmptyAndReversedRangesCallNothing) {
  ThreadPool pool(3);
  int calls = 0;
  pool.parallel_for(5, 5, 1, [&](int64_t, int64_t) { ++calls; });
  pool.parallel_for(5, 2, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ThreadPool, UsesSeveralThreadsForALargeRange) {
  ThreadPool pool(4);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> started{0};
  pool.parallel_for(0, 4, 1, [&](int64_t, int64_t) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    }
    // Hold each chunk until all four have started (or a generous timeout on a loaded machine), so
    // one thread cannot take them all.
    started.fetch_add(1);
    for (int i = 0; i < 2000 && started.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  EXPECT_GT(ids.size(), 1u);
}

TEST(ThreadPool, OneThreadPoolRunsInlineAsOneCall) {
  ThreadPool pool(1);
  EXPECT_EQ(pool.threads_started(), 0);
  std::vector<std::pair<int64_t, int64_t>> calls;
  std::thread::id id;
  pool.parallel_for(3, 1003, 1, [&](int64_t lo, int64_t hi) {
    calls.emplace_back(lo, hi);
    id = std::this_thread::get_id();
  });
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(int64_t{3}, int64_t{1003}));
  EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(ThreadPool, SmallRangeRunsInline) {
  ThreadPool pool(4);
  int calls = 0;
  std::thread::id id;
  pool.parallel_for(0, 100, 100, [&](int64_t lo, int64_t hi) {
    ++calls;
    id = std::this_thread::get_id();
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 100);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(ThreadPool, PropagatesTheFirstException) {
  ThreadPool pool(3);
  std::atomic<int> ran{0};
  try {
    pool.parallel_for(0, 1000, 1, [&](int64_t lo, int64_t hi) {
      ran.fetch_add(1);
      if (lo <= 500 && 500 < hi) throw std::runtime_error("chunk with 500");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "chunk with 500");
  }
  // The pool still works after an error.
  std::vector<int> v = visits(pool, 0, 777, 5);
  for (int c : v) ASSERT_EQ(c, 1);
}

TEST(ThreadPool, EveryChunkThrowingGivesOneException) {
  ThreadPool pool(4);
  EXPECT_THROW(pool.parallel_for(0, 64, 1, [](int64_t, int64_t) { throw std::logic_error("x"); }), std::logic_error);
}

TEST(ThreadPool, NestedCallsRunInlineWithoutDeadlock) {
  ThreadPool pool(3);
  const int64_t outer = 16, inner = 300;
  std::vector<std::atomic<int>> count(outer * inner);
  pool.parallel_for(0, outer, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      EXPECT_TRUE(ThreadPool::in_task());
      // The same pool, another pool and the current pool: all inline here.
      pool.parallel_for(0, inner / 2, 1, [&](int64_t a, int64_t b) {
        for (int64_t j = a; j < b; ++j) count[i * inner + j].fetch_add(1);
      });
      parallel_for(inner / 2, inner, 1, [&](int64_t a, int64_t b) {
        for (int64_t j = a; j < b; ++j) count[i * inner + j].fetch_add(1);
      });
    }
  });
  EXPECT_FALSE(ThreadPool::in_task());
  for (auto& c : count) ASSERT_EQ(c.load(), 1);
}

TEST(ThreadPool, WorkersPersistAcrossCalls) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.threads_started(), 2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  for (int round = 0; round < 200; ++round) {
    pool.parallel_for(0, 64, 1, [&](int64_t, int64_t) {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    });
  }
  EXPECT_EQ(pool.threads_started(), 2);
  EXPECT_LE(ids.size(), 3u);  // the caller and the same two workers, never new threads
}

TEST(ThreadPool, ConcurrentCallersShareOnePool) {
  ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      for (int r = 0; r < 50; ++r)
        pool.parallel_for(0, 1000, 10, [&](int64_t lo, int64_t hi) { total.fetch_add(hi - lo); });
    });
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 50 * 1000);
}

TEST(ThreadPool, ScopedPoolSetsTheCurrentPool) {
  EXPECT_EQ(&current_pool(), &default_pool());
  EXPECT_EQ(default_pool().size(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  ThreadPool& one = shared_pool(1);
  EXPECT_EQ(one.size(), 1);
  EXPECT_EQ(&shared_pool(1), &one);  // persistent, one per size
  EXPECT_EQ(&shared_pool(0), &default_pool());
  EXPECT_EQ(shared_pool(5).size(), 5);
  {
    ScopedPool scope(one);
    EXPECT_EQ(&current_pool(), &one);
    {
      ScopedPool inner(shared_pool(5));
      EXPECT_EQ(current_pool().size(), 5);
    }
    EXPECT_EQ(&current_pool(), &one);
    // Other threads keep their own current pool.
    std::thread([] { EXPECT_EQ(&current_pool(), &default_pool()); }).join();
  }
  EXPECT_EQ(&current_pool(), &default_pool());
}

}  // namespace
}  // namespace openarc
