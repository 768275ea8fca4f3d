// AVX2 matrix products of the 32-element formats (Q8_0, Q4_0) with Q8_0
// activations, one block per 256-bit register.
#include <immintrin.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"
#include "kernels/avx2/tiling.h"
#include "kernels/formats/blocks.h"

namespace lapbench::kernels::avx2 {
namespace {

// Rows per matvec tile: four weight streams keep the load ports busy while
// the one activation block they share stays in registers.
constexpr int kMatVecRows = 4;
// Matmul tile: 4 rows x 2 tokens = 8 accumulators plus 2 activation blocks,
// their 2 offset sums and the decoded weight block fit the 16 ymm registers.
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 2;

const BlockQ8_0* ActBlocks(const Tile& tile, int t) {
  return reinterpret_cast<const BlockQ8_0*>(tile.x + t * tile.x_stride);
}

template <int R, int T>
void StoreSums(const Tile& tile, __m256 (&acc)[R][T]) {
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      tile.y[t * tile.y_stride + r] = HorizontalSum(acc[r][t]);
    }
  }
}

// Q8_0 x Q8_0. maddubs needs one unsigned operand, so the weight's sign
// moves onto the activation: |w| * sign(a, w). Bound: 128 * 127 * 2 < 32767.
struct Q8_0Kernel {
  template <int R, int T>
  static void Run(const Tile& tile) {
    __m256 acc[R][T];
    for (auto& row : acc) {
      for (auto& a : row) a = _mm256_setzero_ps();
    }
    const int64_t n_blocks = tile.cols / kQK8_0;
    for (int64_t b = 0; b < n_blocks; ++b) {
      if constexpr (T == 1) PrefetchNextTile(tile, R, sizeof(BlockQ8_0), b);
      __m256i a[T];
      float da[T];
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const BlockQ8_0& xb = ActBlocks(tile, t)[b];
        a[t] = LoadBytes32(xb.qs);
        da[t] = HalfToFloat(xb.d);
      }
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const auto& wb =
            reinterpret_cast<const BlockQ8_0*>(tile.w + r * tile.w_stride)[b];
        const __m256i q = LoadBytes32(wb.qs);
        const __m256i q_abs = _mm256_sign_epi8(q, q);
        const float dw = HalfToFloat(wb.d);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
          const __m256i p = DotU8I8(q_abs, _mm256_sign_epi8(a[t], q));
          acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p),
                                      _mm256_set1_ps(dw * da[t]), acc[r][t]);
        }
      }
    }
    StoreSums<R, T>(tile, acc);
  }
};

// The 32 codes of a Q4_0 block in element order (0..15, unsigned): low
// nibbles are elements 0..15, high nibbles 16..31.
inline __m256i Q4_0Codes(const BlockQ4_0& block) {
  const __m128i raw =
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.qs));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
  return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// Q4_0 x Q8_0 as sum((q - 8) * a) = sum(q * a) - 8 * sum(a): the unsigned
// codes feed maddubs directly and the offset term is computed once per
// activation block for all rows. Bound: 15 * 127 * 2 and 8 * 127 * 2.
struct Q4_0Kernel {
  template <int R, int T>
  static void Run(const Tile& tile) {
    __m256 acc[R][T];
    for (auto& row : acc) {
      for (auto& a : row) a = _mm256_setzero_ps();
    }
    const __m256i eights = _mm256_set1_epi8(8);
    const int64_t n_blocks = tile.cols / kQK4_0;
    for (int64_t b = 0; b < n_blocks; ++b) {
      if constexpr (T == 1) PrefetchNextTile(tile, R, sizeof(BlockQ4_0), b);
      __m256i a[T];
      __m256i offset[T];
      float da[T];
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const BlockQ8_0& xb = ActBlocks(tile, t)[b];
        a[t] = LoadBytes32(xb.qs);
        offset[t] = DotU8I8(eights, a[t]);
        da[t] = HalfToFloat(xb.d);
      }
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const auto& wb =
            reinterpret_cast<const BlockQ4_0*>(tile.w + r * tile.w_stride)[b];
        const __m256i q = Q4_0Codes(wb);
        const float dw = HalfToFloat(wb.d);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
          const __m256i p = _mm256_sub_epi32(DotU8I8(q, a[t]), offset[t]);
          acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p),
                                      _mm256_set1_ps(dw * da[t]), acc[r][t]);
        }
      }
    }
    StoreSums<R, T>(tile, acc);
  }
};

}  // namespace

void MatVecQ8_0Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q8_0Kernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatVecQ4_0Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q4_0Kernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatMulQ8_0Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q8_0Kernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

void MatMulQ4_0Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q4_0Kernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

}  // namespace lapbench::kernels::avx2
