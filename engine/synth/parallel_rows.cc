// ParallelRows: a shared row counter claimed in chunks by short-lived
// threads; model generation is long enough that spawning is negligible.
#include "engine/synth/parallel_rows.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lapbench::engine {
namespace {

// Rows a worker claims at a time: enough work to amortize the atomic,
// few enough that the threads finish a small tensor together.
constexpr int64_t kRowsPerChunk = 16;

}  // namespace

void ParallelRows(int64_t n_rows, int n_threads,
                  const std::function<void(int64_t, int64_t)>& fn) {
  if (n_threads <= 0) {
    n_threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  std::atomic<int64_t> next_row{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (;;) {
        int64_t begin = next_row.fetch_add(kRowsPerChunk);
        if (begin >= n_rows) return;
        fn(begin, std::min(n_rows, begin + kRowsPerChunk));
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next_row = n_rows;  // the others stop at their next claim
    }
  };
  int64_t n_chunks = (n_rows + kRowsPerChunk - 1) / kRowsPerChunk;
  int n_workers = static_cast<int>(std::min<int64_t>(n_threads, n_chunks));
  {
    std::vector<std::jthread> helpers;
    for (int i = 1; i < n_workers; ++i) helpers.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lapbench::engine
