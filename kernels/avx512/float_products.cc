// AVX-512 matrix products of the float formats (F32, F16, BF16), 16
// elements per register; BF16 optionally with vdpbf16ps (32 per register).
#include <immintrin.h>

#include "kernels/avx2/tiling.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd_avx512.h"

namespace lapbench::kernels::avx512 {
namespace {

using avx2::MatMulTiled;
using avx2::MatVecTiled;
using avx2::PrefetchNextTile;
using avx2::Tile;

constexpr int kMatVecRows = 8;
// 4 rows x 4 tokens = 16 accumulators + 8 operand registers of 32.
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 4;

// How each float format loads a register of elements, with a mask for the
// last partial step (masked-off lanes read nothing and become zero).
struct F32Elems {
  using Elem = float;
  static constexpr int kLanes = 16;
  static __m512 Load(const Elem* p, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, p);
  }
};
struct F16Elems {
  using Elem = uint16_t;
  static constexpr int kLanes = 16;
  static __m512 Load(const Elem* p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
  }
};
struct Bf16Elems {
  using Elem = uint16_t;
  static constexpr int kLanes = 16;
  static __m512 Load(const Elem* p, __mmask16 m) {
    const __m256i raw = _mm256_maskz_loadu_epi16(m, p);
    return _mm512_castsi512_ps(
        _mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16));
  }
};

// R rows x T tokens of fused multiply-adds over whole registers, then one
// masked step for the remaining cols % 16 elements.
template <class E>
struct FloatKernel {
  using Elem = typename E::Elem;

  template <int R, int T>
  static void Step(const Elem* const (&w)[R], const Elem* const (&x)[T],
                   int64_t c, __mmask16 m, __m512 (&acc)[R][T]) {
    __m512 xv[T];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) xv[t] = E::Load(x[t] + c, m);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512 wv = E::Load(w[r] + c, m);
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        acc[r][t] = _mm512_fmadd_ps(wv, xv[t], acc[r][t]);
      }
    }
  }

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
    __m512 acc[R][T];
    for (auto& row : acc) {
      for (auto& v : row) v = _mm512_setzero_ps();
    }
    int64_t c = 0;
    for (; c + 16 <= tile.cols; c += 16) {
      if constexpr (T == 1) {
        PrefetchNextTile(tile, R, 16 * sizeof(Elem), c / 16);
      }
      Step<R, T>(w, x, c, 0xFFFF, acc);
    }
    if (c < tile.cols) {
      const auto m = static_cast<__mmask16>((1u << (tile.cols - c)) - 1);
      Step<R, T>(w, x, c, m, acc);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        tile.y[t * tile.y_stride + r] = HorizontalSum(acc[r][t]);
      }
    }
  }
};

// BF16 x BF16 with vdpbf16ps: each float lane adds the products of a pair
// of bf16 elements (32 elements per register).
struct Bf16DotKernel {
  template <int R, int T>
  static void Step(const uint16_t* const (&w)[R], const uint16_t* const (&x)[T],
                   int64_t c, __mmask32 m, __m512 (&acc)[R][T]) {
    __m512bh xv[T];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      xv[t] = (__m512bh)_mm512_maskz_loadu_epi16(m, x[t] + c);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const auto wv = (__m512bh)_mm512_maskz_loadu_epi16(m, w[r] + c);
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        acc[r][t] = _mm512_dpbf16_ps(acc[r][t], wv, xv[t]);
      }
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    const uint16_t* w[R];
    const uint16_t* x[T];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      w[r] = reinterpret_cast<const uint16_t*>(tile.w + r * tile.w_stride);
    }
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      x[t] = reinterpret_cast<const uint16_t*>(tile.x + t * tile.x_stride);
    }
    __m512 acc[R][T];
    for (auto& row : acc) {
      for (auto& v : row) v = _mm512_setzero_ps();
    }
    int64_t c = 0;
    for (; c + 32 <= tile.cols; c += 32) {
      if constexpr (T == 1) PrefetchNextTile(tile, R, 64, c / 32);
      Step<R, T>(w, x, c, ~0u, acc);
    }
    if (c < tile.cols) {
      const auto m = static_cast<__mmask32>((1ull << (tile.cols - c)) - 1);
      Step<R, T>(w, x, c, m, acc);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        tile.y[t * tile.y_stride + r] = HorizontalSum(acc[r][t]);
      }
    }
  }
};

template <class K>
void MatVec(const WeightView& w, const void* x, float* y, int64_t row_begin,
            int64_t row_end) {
  MatVecTiled<K, kMatVecRows>(w, x, y, row_begin, row_end);
}

template <class K>
void MatMul(const WeightView& w, const void* x, size_t x_row_bytes,
            int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
            int64_t row_end) {
  MatMulTiled<K, kMatMulRows, kMatMulTokens>(w, x, x_row_bytes, n_tokens, y,
                                             y_stride, row_begin, row_end);
}

}  // namespace

void MatVecF32Avx512(const WeightView& w, const void* x, float* y,
                     int64_t row_begin, int64_t row_end) {
  MatVec<FloatKernel<F32Elems>>(w, x, y, row_begin, row_end);
}

void MatVecF16Avx512(const WeightView& w, const void* x, float* y,
                     int64_t row_begin, int64_t row_end) {
  MatVec<FloatKernel<F16Elems>>(w, x, y, row_begin, row_end);
}

void MatVecBf16Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end) {
  MatVec<FloatKernel<Bf16Elems>>(w, x, y, row_begin, row_end);
}

void MatVecBf16DotAvx512(const WeightView& w, const void* x, float* y,
                         int64_t row_begin, int64_t row_end) {
  MatVec<Bf16DotKernel>(w, x, y, row_begin, row_end);
}

void MatMulF32Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                     int64_t n_tokens, float* y, int64_t y_stride,
                     int64_t row_begin, int64_t row_end) {
  MatMul<FloatKernel<F32Elems>>(w, x, x_row_bytes, n_tokens, y, y_stride,
                                row_begin, row_end);
}

void MatMulF16Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                     int64_t n_tokens, float* y, int64_t y_stride,
                     int64_t row_begin, int64_t row_end) {
  MatMul<FloatKernel<F16Elems>>(w, x, x_row_bytes, n_tokens, y, y_stride,
                                row_begin, row_end);
}

void MatMulBf16Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end) {
  MatMul<FloatKernel<Bf16Elems>>(w, x, x_row_bytes, n_tokens, y, y_stride,
                                 row_begin, row_end);
}

void MatMulBf16DotAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                         int64_t n_tokens, float* y, int64_t y_stride,
                         int64_t row_begin, int64_t row_end) {
  MatMul<Bf16DotKernel>(w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                        row_end);
}

}  // namespace lapbench::kernels::avx512
