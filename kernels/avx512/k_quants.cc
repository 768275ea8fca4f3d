// AVX-512 VNNI matrix products of the K-quant formats (Q4_K, Q6_K) with Q8_K
// activations: 64 codes per register, vpmaddubsw then vpdpwssd by scale.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/tiling.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd_avx512.h"
#include "kernels/formats/blocks.h"

namespace lapbench::kernels::avx512 {
namespace {

using avx2::MatMulTiled;
using avx2::MatVecTiled;
using avx2::Tile;

// Matvec: 4 rows per tile (a super-block row is 144-210 bytes, so 4 rows
// already keep 4 prefetch streams going); matmul: 4 rows x 4 tokens.
constexpr int kMatVecRows = 4;
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 4;

const BlockQ8_K& ActBlock(const Tile& tile, int t, int64_t b) {
  return reinterpret_cast<const BlockQ8_K*>(tile.x + t * tile.x_stride)[b];
}

template <int R, int T>
void StoreSums(const Tile& tile, __m512 (&acc)[R][T]) {
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      tile.y[t * tile.y_stride + r] = HorizontalSum(acc[r][t]);
    }
  }
}

// A vpermw index: int16 lane `a` in the low 256 bits, `b` in the high 256.
inline __m512i WordIndexHalves(int a, int b) {
  return Join(_mm256_set1_epi16(static_cast<int16_t>(a)),
              _mm256_set1_epi16(static_cast<int16_t>(b)));
}

// A vpermw index: int16 lane g + i in 128-bit lane i (i = 0..3).
inline __m512i WordIndexQuarters(int g) {
  return _mm512_inserti64x4(
      _mm512_castsi256_si512(
          _mm256_setr_m128i(_mm_set1_epi16(static_cast<int16_t>(g)),
                            _mm_set1_epi16(static_cast<int16_t>(g + 1)))),
      _mm256_setr_m128i(_mm_set1_epi16(static_cast<int16_t>(g + 2)),
                        _mm_set1_epi16(static_cast<int16_t>(g + 3))),
      1);
}

// Q4_K's scales and mins widened to int16: sc[0..7] then m[0..7].
inline __m256i Q4_KScalesMins(const uint8_t* packed) {
  uint32_t u[3];
  std::memcpy(u, packed, sizeof(u));
  const uint32_t low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
  const uint32_t out[4] = {
      u[0] & low6,
      (u[2] & low4) | (((u[0] >> 6) & low2) << 4),
      u[1] & low6,
      ((u[2] >> 4) & low4) | (((u[1] >> 6) & low2) << 4),
  };
  return _mm256_cvtepu8_epi16(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(out)));
}

// sum_g m_{g/2} bsum_g as 8 int32 lanes (the Q4_K min term).
inline __m256i Q4_KMinSums(__m256i scales_mins, const int16_t* bsums) {
  const __m256i m = _mm256_permute2x128_si256(scales_mins, scales_mins, 0x11);
  const __m256i m_pairs = _mm256_shuffle_epi8(
      m,
      _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9, 8,
                       9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15));
  return _mm256_madd_epi16(LoadBytes32(bsums), m_pairs);
}

// Q4_K x Q8_K. Register k holds qs[64k .. 64k + 63]: its low nibbles are
// sub-blocks 4k and 4k + 2, its high nibbles 4k + 1 and 4k + 3, so the
// activations are regrouped by 256-bit halves to match. maddubs bound:
// 15 * 128 * 2; vpdpwssd by sc (< 64) stays in int32.
struct Q4_KKernel {
  template <int T>
  static void Block(const BlockQ4_K& wb, const Tile& tile, int64_t b,
                    __m512 (&acc)[T]) {
    const __m256i sm = Q4_KScalesMins(wb.scales);
    const __m512i sm512 = _mm512_castsi256_si512(sm);
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    __m512i sum[T];
    for (auto& s : sum) s = _mm512_setzero_si512();
#pragma GCC unroll 4
    for (int k = 0; k < 2; ++k) {
      const __m512i raw = LoadBytes64(wb.qs + 64 * k);
      const __m512i lo = _mm512_and_si512(raw, nibble);
      const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(raw, 4), nibble);
      const __m512i sc_lo =
          _mm512_permutexvar_epi16(WordIndexHalves(4 * k, 4 * k + 2), sm512);
      const __m512i sc_hi = _mm512_permutexvar_epi16(
          WordIndexHalves(4 * k + 1, 4 * k + 3), sm512);
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const int8_t* a = ActBlock(tile, t, b).qs + 128 * k;
        const __m512i a0 = LoadBytes64(a), a1 = LoadBytes64(a + 64);
        const __m512i a_lo =
            _mm512_shuffle_i64x2(a0, a1, _MM_SHUFFLE(1, 0, 1, 0));
        const __m512i a_hi =
            _mm512_shuffle_i64x2(a0, a1, _MM_SHUFFLE(3, 2, 3, 2));
        sum[t] =
            _mm512_dpwssd_epi32(sum[t], _mm512_maddubs_epi16(lo, a_lo), sc_lo);
        sum[t] =
            _mm512_dpwssd_epi32(sum[t], _mm512_maddubs_epi16(hi, a_hi), sc_hi);
      }
    }
    const float d = HalfToFloat(wb.d), dmin = HalfToFloat(wb.dmin);
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = ActBlock(tile, t, b);
      const __m512 mins =
          _mm512_zextps256_ps512(_mm256_cvtepi32_ps(Q4_KMinSums(sm, xb.bsums)));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[t]),
                               _mm512_set1_ps(d * xb.d), acc[t]);
      acc[t] = _mm512_fnmadd_ps(mins, _mm512_set1_ps(dmin * xb.d), acc[t]);
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    __m512 acc[R][T];
    for (auto& row : acc) {
      for (auto& v : row) v = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < tile.cols / kQK_K; ++b) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const auto* w =
            reinterpret_cast<const BlockQ4_K*>(tile.w + r * tile.w_stride);
        Block<T>(w[b], tile, b, acc[r]);
      }
    }
    StoreSums<R, T>(tile, acc);
  }
};

// The codes (0..63) of one 128-element half of a Q6_K block as two
// registers in element order: q[0] = elements 0..63, q[1] = 64..127. The
// high bits of element l (+32) sit at bit pairs 0 (2) and 4 (6) of qh[l];
// variable shifts move each pair to bits 4-5.
inline void Q6_KHalfCodes(const uint8_t* ql, const uint8_t* qh,
                          __m512i (&q)[2]) {
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  const __m512i bits45 = _mm512_set1_epi8(0x30);
  const __m512i l = LoadBytes64(ql);
  const __m512i h = _mm512_broadcast_i64x4(LoadBytes32(qh));
  const __m512i shift_a = Join(_mm256_set1_epi16(4), _mm256_set1_epi16(2));
  const __m512i shift_b = Join(_mm256_set1_epi16(0), _mm256_set1_epi16(2));
  q[0] =
      _mm512_or_si512(_mm512_and_si512(l, nibble),
                      _mm512_and_si512(_mm512_sllv_epi16(h, shift_a), bits45));
  q[1] =
      _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), nibble),
                      _mm512_and_si512(_mm512_srlv_epi16(h, shift_b), bits45));
}

// Q6_K x Q8_K: sum_g s_g sum(q a) - 32 sum_g s_g bsum_g, times d d_a.
// maddubs bound: 63 * 128 * 2; vpdpwssd by s (|s| <= 128) stays in int32.
struct Q6_KKernel {
  template <int T>
  static void Block(const BlockQ6_K& wb, const Tile& tile, int64_t b,
                    __m512 (&acc)[T]) {
    const __m256i s16 = _mm256_cvtepi8_epi16(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb.scales)));
    const __m512i s512 = _mm512_castsi256_si512(s16);
    __m512i sum[T];
    for (auto& s : sum) s = _mm512_setzero_si512();
#pragma GCC unroll 4
    for (int h = 0; h < 2; ++h) {
      __m512i q[2];
      Q6_KHalfCodes(wb.ql + 64 * h, wb.qh + 32 * h, q);
#pragma GCC unroll 4
      for (int i = 0; i < 2; ++i) {
        // Register i covers the 16-element groups 8h + 4i .. 8h + 4i + 3.
        const __m512i scale =
            _mm512_permutexvar_epi16(WordIndexQuarters(8 * h + 4 * i), s512);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
          const int8_t* a = ActBlock(tile, t, b).qs + 128 * h + 64 * i;
          sum[t] = _mm512_dpwssd_epi32(
              sum[t], _mm512_maddubs_epi16(q[i], LoadBytes64(a)), scale);
        }
      }
    }
    const float d = HalfToFloat(wb.d);
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = ActBlock(tile, t, b);
      const __m256i offset = _mm256_madd_epi16(LoadBytes32(xb.bsums), s16);
      const __m512i total = _mm512_sub_epi32(
          sum[t], _mm512_zextsi256_si512(_mm256_slli_epi32(offset, 5)));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(total),
                               _mm512_set1_ps(d * xb.d), acc[t]);
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    __m512 acc[R][T];
    for (auto& row : acc) {
      for (auto& v : row) v = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < tile.cols / kQK_K; ++b) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const auto* w =
            reinterpret_cast<const BlockQ6_K*>(tile.w + r * tile.w_stride);
        Block<T>(w[b], tile, b, acc[r]);
      }
    }
    StoreSums<R, T>(tile, acc);
  }
};

}  // namespace

void MatVecQ4_KAvx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q4_KKernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatVecQ6_KAvx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q6_KKernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatMulQ4_KAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q4_KKernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

void MatMulQ6_KAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q6_KKernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

}  // namespace lapbench::kernels::avx512
