// Row x token tiling shared by the SIMD matrix products of every variant.
#pragma once

#include <xmmintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops.h"

namespace lapbench::kernels::avx2 {

// One tile of a matrix product: a few weight rows against a few activation
// rows. Rows and tokens are addressed by byte strides so every weight and
// activation format uses the same driver.
struct Tile {
  const uint8_t* w = nullptr;  // first weight row of the tile
  size_t w_stride = 0;         // bytes between weight rows
  const uint8_t* x = nullptr;  // first activation row of the tile
  size_t x_stride = 0;         // bytes between activation rows
  float* y = nullptr;          // y[t * y_stride + r], relative to the tile
  int64_t y_stride = 0;        // floats between tokens' output rows
  int64_t cols = 0;            // elements per row (the reduction length)
};

// A matvec reads its tile's rows as short streams (a row of a 3840-wide
// Q4_0 matrix is 34 cache lines) that end before the hardware prefetcher
// has ramped up, which left the quantized matvecs well below memory speed.
// The next row tile follows this one in memory, so a kernel at block `b`
// (of blocks `block_bytes` long, `n_blocks` at once) of its `rows` rows
// prefetches the next tile's bytes from b x rows x block_bytes on, as many
// as it consumes. Past the matrix's end the hints are dropped, never
// faulting.
// The hint fills L2, not L1: a tile and the next one do not both fit in a
// 32 KiB L1 (eight 3840-wide Q8_0 rows are 32 KiB), and prefetching into
// L1 evicted the lines being read. On a Zen 4 core, one thread's matvec of
// a DRAM-sized matrix reads 23-27 GB/s (Q4_0, Q4_K, Q8_0, F16) with this
// hint, 15-18 GB/s with the L1 hint and 10-21 GB/s with no prefetch.
// Always inlined: GCC deems a function that only prefetches free of
// effects and may delete calls to it.
[[gnu::always_inline]] inline void PrefetchNextTile(const Tile& tile, int rows,
                                                    size_t block_bytes,
                                                    int64_t b,
                                                    int64_t n_blocks = 1) {
  constexpr size_t kLineBytes = 64;
  const auto* next = reinterpret_cast<const char*>(
      tile.w + static_cast<size_t>(rows) * tile.w_stride);
  const size_t step = static_cast<size_t>(rows) * block_bytes;
  const size_t begin = static_cast<size_t>(b) * step;
  const size_t end = begin + static_cast<size_t>(n_blocks) * step;
  for (size_t at = begin; at < end; at += kLineBytes) {
    _mm_prefetch(next + at, _MM_HINT_T1);
  }
}

// Runs Kernel::Run<kRows, T> over every token tile of one row tile; the
// tokens left over run one at a time.
template <class Kernel, int kRows, int kTokens>
void RunTokenTiles(Tile tile, int64_t n_tokens) {
  int64_t t = 0;
  for (; t + kTokens <= n_tokens; t += kTokens) {
    Kernel::template Run<kRows, kTokens>(tile);
    tile.x += kTokens * tile.x_stride;
    tile.y += kTokens * tile.y_stride;
  }
  for (; t < n_tokens; ++t) {
    Kernel::template Run<kRows, 1>(tile);
    tile.x += tile.x_stride;
    tile.y += tile.y_stride;
  }
}

// A matrix product over rows [row_begin, row_end) in tiles of kRows weight
// rows x kTokens tokens. The row loop is outermost: a row tile (a few KB of
// weights) stays in L1/L2 while every token tile reads it, so prefill reads
// each weight once instead of once per token.
template <class Kernel, int kRows, int kTokens>
void MatMulTiled(const WeightView& w, const void* x, size_t x_row_bytes,
                 int64_t n_tokens, float* y, int64_t y_stride,
                 int64_t row_begin, int64_t row_end) {
  Tile tile;
  tile.w_stride = w.row_bytes;
  tile.x = static_cast<const uint8_t*>(x);
  tile.x_stride = x_row_bytes;
  tile.y_stride = y_stride;
  tile.cols = w.cols;
  const auto* base = static_cast<const uint8_t*>(w.data);
  int64_t r = row_begin;
  for (; r + kRows <= row_end; r += kRows) {
    tile.w = base + static_cast<size_t>(r) * w.row_bytes;
    tile.y = y + r;
    RunTokenTiles<Kernel, kRows, kTokens>(tile, n_tokens);
  }
  for (; r < row_end; ++r) {
    tile.w = base + static_cast<size_t>(r) * w.row_bytes;
    tile.y = y + r;
    RunTokenTiles<Kernel, 1, kTokens>(tile, n_tokens);
  }
}

// A matrix-vector product: the matrix product with a single token.
template <class Kernel, int kRows>
void MatVecTiled(const WeightView& w, const void* x, float* y,
                 int64_t row_begin, int64_t row_end) {
  MatMulTiled<Kernel, kRows, 1>(w, x, 0, 1, y, 0, row_begin, row_end);
}

}  // namespace lapbench::kernels::avx2
