// Tests the worker pool: how ParallelFor splits work, that every call
// completes and publishes its writes, pinning, and errors.
#include "engine/thread_pool.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace lapbench::engine {
namespace {

using Range = std::pair<int64_t, int64_t>;

// The ranges one ParallelFor call handed out, sorted by begin.
std::vector<Range> RangesOf(ThreadPool& pool, int64_t n, int64_t grain) {
  std::mutex mutex;
  std::vector<Range> ranges;
  pool.ParallelFor(n, grain, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mutex);
    ranges.emplace_back(begin, end);
  });
  std::sort(ranges.begin(), ranges.end());
  return ranges;
}

// The logical CPUs this process may run on, ascending.
std::vector<int> AllowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof(set), &set) == 0);
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

TEST_CASE(
    "ParallelFor covers every index exactly once in grain-aligned "
    "ranges as even as the grain allows",
    "[engine][threads]") {
  for (int n_threads : {1, 2, 3, 4, 7}) {
    ThreadPool pool({}, n_threads);
    REQUIRE(pool.n_threads() == n_threads);
    for (int64_t n : {0, 1, 2, 3, 5, 6, 7, 8, 31, 64, 100, 1000, 1001}) {
      for (int64_t grain : {1, 2, 3, 4, 16, 64, 1000, 5000}) {
        CAPTURE(n_threads, n, grain);
        std::vector<Range> ranges = RangesOf(pool, n, grain);
        int64_t n_chunks = (n + grain - 1) / grain;
        REQUIRE(static_cast<int64_t>(ranges.size()) ==
                std::min<int64_t>(n_chunks, n_threads));

        // Contiguous tiling of [0, n) with boundaries on grain multiples.
        int64_t next = 0;
        int64_t fewest = n_chunks, most = 0;
        for (auto [begin, end] : ranges) {
          REQUIRE(begin == next);
          REQUIRE(begin < end);
          REQUIRE(begin % grain == 0);
          REQUIRE((end % grain == 0 || end == n));
          int64_t chunks = (end - begin + grain - 1) / grain;
          fewest = std::min(fewest, chunks);
          most = std::max(most, chunks);
          next = end;
        }
        REQUIRE(next == n);
        if (!ranges.empty()) REQUIRE(most - fewest <= 1);
      }
    }
  }
}

TEST_CASE(
    "ParallelFor gives the extra chunks to the first workers and the "
    "short last chunk to a worker with fewer",
    "[engine][threads]") {
  ThreadPool pool({}, 3);
  // 10 items in grains of 3: chunks 3,3,3,1 dealt 2,1,1.
  REQUIRE(RangesOf(pool, 10, 3) == std::vector<Range>{{0, 6}, {6, 9}, {9, 10}});
  // 2 items over 3 workers: the third worker gets nothing and is not called.
  REQUIRE(RangesOf(pool, 2, 1) == std::vector<Range>{{0, 1}, {1, 2}});
  // A grain larger than n: one range, on the caller.
  REQUIRE(RangesOf(pool, 5, 8) == std::vector<Range>{{0, 5}});
  // A grain below 1 counts as 1.
  REQUIRE(RangesOf(pool, 3, 0) == std::vector<Range>{{0, 1}, {1, 2}, {2, 3}});
}

TEST_CASE("ParallelFor with n = 0 calls nothing", "[engine][threads]") {
  ThreadPool pool({}, 4);
  int calls = 0;
  pool.ParallelFor(0, 1, [&](int64_t, int64_t) { ++calls; });
  pool.ParallelFor(-5, 1, [&](int64_t, int64_t) { ++calls; });
  REQUIRE(calls == 0);
}

TEST_CASE(
    "100k back-to-back ParallelFor calls all complete and the caller "
    "sees every worker's plain writes",
    "[engine][threads]") {
  constexpr int kCalls = 100'000;
  for (int n_threads : {2, 3}) {
    CAPTURE(n_threads);
    ThreadPool pool({}, n_threads);
    std::vector<int> written(16, -1);  // one slot per index, plain ints
    int wrong = 0;
    for (int call = 0; call < kCalls; ++call) {
      pool.ParallelFor(16, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          written[static_cast<size_t>(i)] = call;
        }
      });
      for (int value : written) wrong += value != call ? 1 : 0;
    }
    REQUIRE(wrong == 0);
  }
}

TEST_CASE("A pool of one thread runs the work inline on the caller",
          "[engine][threads]") {
  for (int n_threads : {0, 1}) {
    ThreadPool pool({}, n_threads);
    REQUIRE(pool.n_threads() == 1);
    REQUIRE(pool.cpus().empty());
    std::vector<std::thread::id> ids;
    pool.ParallelFor(100, 7, [&](int64_t begin, int64_t end) {
      REQUIRE(begin == 0);
      REQUIRE(end == 100);
      ids.push_back(std::this_thread::get_id());
    });
    REQUIRE(ids == std::vector<std::thread::id>{std::this_thread::get_id()});
  }
}

TEST_CASE(
    "Pinned workers run on their CPUs and the caller's binding comes "
    "back afterwards",
    "[engine][threads]") {
  std::vector<int> allowed = AllowedCpus();
  REQUIRE(!allowed.empty());
  std::vector<int> cpus = {allowed.front(), allowed.back(), allowed.front(),
                           allowed.back()};
  {
    ThreadPool pool(cpus);
    REQUIRE(pool.n_threads() == 4);
    REQUIRE(pool.cpus() == cpus);
    std::vector<int> ran_on(4, -1);
    pool.ParallelFor(4, 1, [&](int64_t begin, int64_t) {
      ran_on[static_cast<size_t>(begin)] = sched_getcpu();
    });
    REQUIRE(ran_on == cpus);
  }
  REQUIRE(AllowedCpus() == allowed);
}

TEST_CASE("Pinning to a CPU the process cannot use is a clear error",
          "[engine][threads]") {
  REQUIRE_THROWS_WITH(ThreadPool({100000}),
                      Catch::Contains("cannot pin a thread to CPU: '100000'"));
  REQUIRE_THROWS_WITH(ThreadPool({AllowedCpus().front(), -1}),
                      Catch::Contains("CPU: '-1'"));
  std::vector<int> allowed = AllowedCpus();
  REQUIRE(AllowedCpus() == allowed);  // the failed pools unpinned the caller
}

TEST_CASE("A thread count that disagrees with the CPU list is rejected",
          "[engine][threads]") {
  REQUIRE_THROWS_AS(ThreadPool({0, 0}, 3), std::invalid_argument);
  REQUIRE_THROWS_AS(ThreadPool({}, -1), std::invalid_argument);
}

TEST_CASE(
    "An exception thrown in a worker reaches the caller and the pool "
    "keeps working",
    "[engine][threads]") {
  ThreadPool pool({}, 3);
  auto throw_on_last = [](int64_t, int64_t end) {
    if (end == 3) throw std::runtime_error("range ending at 3");
  };
  REQUIRE_THROWS_WITH(pool.ParallelFor(3, 1, throw_on_last),
                      "range ending at 3");
  std::atomic<int64_t> sum{0};
  pool.ParallelFor(3, 1, [&](int64_t begin, int64_t) { sum += begin; });
  REQUIRE(sum == 0 + 1 + 2);
}

TEST_CASE(
    "ParallelChunks calls every grain-aligned chunk exactly once, mixed "
    "with ParallelFor calls on the same pool",
    "[engine][threads]") {
  for (int n_threads : {1, 2, 3, 5}) {
    CAPTURE(n_threads);
    ThreadPool pool({}, n_threads);
    for (int64_t n : {1, 7, 16, 100, 1001}) {
      for (int64_t grain : {1, 3, 16}) {
        CAPTURE(n, grain);
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::atomic<int> bad_bounds{0};
        pool.ParallelChunks(n, grain, [&](int64_t begin, int64_t end) {
          const bool aligned =
              begin % grain == 0 && (end == n || end - begin == grain);
          if (!aligned) ++bad_bounds;
          for (int64_t i = begin; i < end; ++i) ++hits[static_cast<size_t>(i)];
        });
        REQUIRE(bad_bounds == 0);
        int wrong = 0;
        for (const std::atomic<int>& h : hits) wrong += h != 1 ? 1 : 0;
        REQUIRE(wrong == 0);
        REQUIRE(RangesOf(pool, n, grain).front().first == 0);
      }
    }
  }
}

TEST_CASE(
    "100k back-to-back ParallelChunks calls complete and publish their "
    "writes",
    "[engine][threads]") {
  constexpr int kCalls = 100'000;
  ThreadPool pool({}, 3);
  std::vector<int> written(16, -1);
  int wrong = 0;
  for (int call = 0; call < kCalls; ++call) {
    auto write = [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        written[static_cast<size_t>(i)] = call;
      }
    };
    if (call % 3 == 0) {
      pool.ParallelFor(16, 1, write);
    } else {
      pool.ParallelChunks(16, 1, write);
    }
    for (int value : written) wrong += value != call ? 1 : 0;
  }
  REQUIRE(wrong == 0);
}

TEST_CASE("An exception in a ParallelChunks chunk reaches the caller",
          "[engine][threads]") {
  ThreadPool pool({}, 2);
  auto throw_on_5 = [](int64_t begin, int64_t) {
    if (begin == 5) throw std::runtime_error("chunk at 5");
  };
  REQUIRE_THROWS_WITH(pool.ParallelChunks(8, 1, throw_on_5), "chunk at 5");
  std::atomic<int64_t> sum{0};
  pool.ParallelChunks(4, 1, [&](int64_t begin, int64_t) { sum += begin; });
  REQUIRE(sum == 0 + 1 + 2 + 3);
}

}  // namespace
}  // namespace lapbench::engine
