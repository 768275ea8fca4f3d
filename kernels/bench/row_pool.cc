// A small persistent thread pool that splits a product's rows.
#include "kernels/bench/row_pool.h"

#include <immintrin.h>

namespace lapbench::kernels::bench {
namespace {

// Pause iterations a worker spins before sleeping on the futex: about
// 20 us on current cores, longer than the gap between two timed calls, so
// back-to-back benchmark iterations do not pay a wake-up each.
constexpr int kSpinPauses = 4096;

}  // namespace

RowPool::RowPool(int n_threads) : n_threads_(n_threads) {
  for (int i = 1; i < n_threads; ++i) {
    workers_.emplace_back([this, i] { Work(i); });
  }
}

RowPool::~RowPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (std::thread& t : workers_) t.join();
}

std::pair<int64_t, int64_t> RowPool::Share(int64_t n_rows, int index,
                                           int n_threads) {
  auto boundary = [&](int i) {
    if (i >= n_threads) return n_rows;
    const int64_t even = n_rows * i / n_threads;
    return std::min(n_rows, (even + kRowAlign / 2) / kRowAlign * kRowAlign);
  };
  return {boundary(index), boundary(index + 1)};
}

void RowPool::Run(int64_t n_rows, const RowFn& fn) {
  job_ = &fn;
  n_rows_ = n_rows;
  pending_.store(n_threads_ - 1);
  generation_.fetch_add(1);
  generation_.notify_all();

  const auto [begin, end] = Share(n_rows, 0, n_threads_);
  if (begin < end) fn(begin, end);
  // Spin, yielding every 16th turn: when threads outnumber free cores the
  // worker we wait for may need this core to finish.
  for (int i = 1; pending_.load() != 0; ++i) {
    if (i % 16 == 0) {
      std::this_thread::yield();
    } else {
      _mm_pause();
    }
  }
}

void RowPool::Work(int index) {
  uint64_t seen = 0;
  while (true) {
    for (int i = 0; i < kSpinPauses && generation_.load() == seen; ++i) {
      _mm_pause();
    }
    generation_.wait(seen);
    seen = generation_.load();
    if (stop_.load()) return;
    const auto [begin, end] = Share(n_rows_, index, n_threads_);
    if (begin < end) (*job_)(begin, end);
    pending_.fetch_sub(1);
  }
}

}  // namespace lapbench::kernels::bench
