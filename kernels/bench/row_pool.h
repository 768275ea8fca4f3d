// A small persistent thread pool that splits a product's rows, as the
// engine's pool does (the kernels layer cannot use engine/).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace lapbench::kernels::bench {

// Calls a row-range function on n_threads threads at once: the caller and
// n_threads - 1 workers that live as long as the pool. Threads are not
// pinned, like the engine's default.
class RowPool {
 public:
  using RowFn = std::function<void(int64_t row_begin, int64_t row_end)>;

  // Precondition: n_threads >= 1.
  explicit RowPool(int n_threads);
  ~RowPool();
  RowPool(const RowPool&) = delete;
  RowPool& operator=(const RowPool&) = delete;

  int n_threads() const { return n_threads_; }

  // Runs fn on each thread's share of rows [0, n_rows) and returns when
  // every share is done. Shares are contiguous and start on multiples of
  // kRowAlign, so no thread splits another's kernel tile.
  void Run(int64_t n_rows, const RowFn& fn);

  // Thread `index`'s share [begin, end) of n_rows rows among n_threads.
  static std::pair<int64_t, int64_t> Share(int64_t n_rows, int index,
                                           int n_threads);

  // Rows per tile boundary: a multiple of every variant's row tile (8).
  static constexpr int64_t kRowAlign = 16;

 private:
  void Work(int index);

  int n_threads_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};  // bumped once per Run
  std::atomic<int> pending_{0};          // workers still on this Run
  std::atomic<bool> stop_{false};
  const RowFn* job_ = nullptr;  // valid while a Run is in flight
  int64_t n_rows_ = 0;
};

}  // namespace lapbench::kernels::bench
