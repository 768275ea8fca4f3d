// AVX2 matrix products of the float formats (F32, F16, BF16), 8 elements
// per register, with the activations in the weight's own format.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"
#include "kernels/avx2/tiling.h"

namespace lapbench::kernels::avx2 {
namespace {

constexpr int kMatVecRows = 4;
// Matmul: 4 rows x 2 tokens = 8 accumulators + 4 weight + 2 activation
// registers, within the 16 ymm registers.
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 2;

// How each float format loads 8 elements and one element.
struct F32Elems {
  using Elem = float;
  static __m256 Load8(const Elem* p) { return _mm256_loadu_ps(p); }
  static float Load1(const Elem* p) { return *p; }
};
struct F16Elems {
  using Elem = uint16_t;
  static __m256 Load8(const Elem* p) { return LoadF16x8(p); }
  static float Load1(const Elem* p) { return HalfToFloat(*p); }
};
struct Bf16Elems {
  using Elem = uint16_t;
  static __m256 Load8(const Elem* p) { return LoadBf16x8(p); }
  static float Load1(const Elem* p) {
    const uint32_t bits = static_cast<uint32_t>(*p) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    return f;
  }
};

// R rows x T tokens of fused multiply-adds; the last cols % 8 elements are
// added in scalar code.
template <class E>
struct FloatKernel {
  using Elem = typename E::Elem;

  template <int R, int T>
  static void Run(const Tile& tile) {
    const Elem* w[R];
    const Elem* x[T];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      w[r] = reinterpret_cast<const Elem*>(tile.w + r * tile.w_stride);
    }
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      x[t] = reinterpret_cast<const Elem*>(tile.x + t * tile.x_stride);
    }
    __m256 acc[R][T];
    for (auto& row : acc) {
      for (auto& a : row) a = _mm256_setzero_ps();
    }
    int64_t c = 0;
    for (; c + 8 <= tile.cols; c += 8) {
      if constexpr (T == 1) PrefetchNextTile(tile, R, 8 * sizeof(Elem), c / 8);
      __m256 xv[T];
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) xv[t] = E::Load8(x[t] + c);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __m256 wv = E::Load8(w[r] + c);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
          acc[r][t] = _mm256_fmadd_ps(wv, xv[t], acc[r][t]);
        }
      }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        float sum = HorizontalSum(acc[r][t]);
        for (int64_t i = c; i < tile.cols; ++i) {
          sum += E::Load1(w[r] + i) * E::Load1(x[t] + i);
        }
        tile.y[t * tile.y_stride + r] = sum;
      }
    }
  }
};

template <class E>
void MatVec(const WeightView& w, const void* x, float* y, int64_t row_begin,
            int64_t row_end) {
  MatVecTiled<FloatKernel<E>, kMatVecRows>(w, x, y, row_begin, row_end);
}

template <class E>
void MatMul(const WeightView& w, const void* x, size_t x_row_bytes,
            int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
            int64_t row_end) {
  MatMulTiled<FloatKernel<E>, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

}  // namespace

void MatVecF32Avx2(const WeightView& w, const void* x, float* y,
                   int64_t row_begin, int64_t row_end) {
  MatVec<F32Elems>(w, x, y, row_begin, row_end);
}

void MatVecF16Avx2(const WeightView& w, const void* x, float* y,
                   int64_t row_begin, int64_t row_end) {
  MatVec<F16Elems>(w, x, y, row_begin, row_end);
}

void MatVecBf16Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end) {
  MatVec<Bf16Elems>(w, x, y, row_begin, row_end);
}

void MatMulF32Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                   int64_t n_tokens, float* y, int64_t y_stride,
                   int64_t row_begin, int64_t row_end) {
  MatMul<F32Elems>(w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                   row_end);
}

void MatMulF16Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                   int64_t n_tokens, float* y, int64_t y_stride,
                   int64_t row_begin, int64_t row_end) {
  MatMul<F16Elems>(w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                   row_end);
}

void MatMulBf16Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end) {
  MatMul<Bf16Elems>(w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                    row_end);
}

}  // namespace lapbench::kernels::avx2
