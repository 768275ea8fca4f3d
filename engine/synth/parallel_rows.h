// Splits a tensor's rows over threads in small chunks (each row's bytes
// depend only on the row, so any split gives the same output).
#pragma once

#include <cstdint>
#include <functional>

namespace lapbench::engine {

// Calls fn(begin, end) on consecutive row ranges covering [0, n_rows),
// from up to `n_threads` threads (0 = all hardware threads), including
// the caller. Returns when all rows are done; an exception thrown by fn
// is rethrown here after every thread has stopped.
void ParallelRows(int64_t n_rows, int n_threads,
                  const std::function<void(int64_t, int64_t)>& fn);

// Tensors are produced and written in blocks of rows of about this size, so
// memory stays bounded whatever the tensor (a 12B model's embedding is
// close to a GiB even in Q6_K).
inline constexpr uint64_t kRowBlockBytes = 64ull << 20;

// Rows per block for rows of `row_bytes` (at least one).
inline int64_t RowsPerBlock(uint64_t row_bytes) {
  return row_bytes >= kRowBlockBytes
             ? 1
             : static_cast<int64_t>(kRowBlockBytes / row_bytes);
}

}  // namespace lapbench::engine
