// AVX2 matrix products of the K-quant formats (Q4_K, Q6_K) with Q8_K
// activations, 32 codes per 256-bit register.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"
#include "kernels/avx2/tiling.h"
#include "kernels/formats/blocks.h"

namespace lapbench::kernels::avx2 {
namespace {

// Matvec: 4 rows share each activation super-block (read from L1).
constexpr int kMatVecRows = 4;
// Matmul: 4 rows x 2 tokens = 8 float accumulators and 2 integer sums.
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 2;

const BlockQ8_K& ActBlock(const Tile& tile, int t, int64_t b) {
  return reinterpret_cast<const BlockQ8_K*>(tile.x + t * tile.x_stride)[b];
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

// A shuffle_epi8 mask that copies int16 lane `lo` of each 128-bit half into
// the whole low half and int16 lane `hi` into the whole high half.
inline __m256i BroadcastWordMask(int lo, int hi) {
  const auto pair = [](int i) {
    return static_cast<int16_t>(((2 * i + 1) << 8) | (2 * i));
  };
  return _mm256_setr_m128i(_mm_set1_epi16(pair(lo)), _mm_set1_epi16(pair(hi)));
}

// Q4_K's 8 scales and 8 mins widened to int16: sc[0..7] in the low 128-bit
// half, m[0..7] in the high half. The 6-bit fields are unpacked four at a
// time from the 12-byte table (layout in kernels/formats/blocks.h).
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
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(out));
  return _mm256_cvtepu8_epi16(bytes);
}

// Q4_K x Q8_K per super-block:
//   d d_a sum_j sc_j sum(q a) - dmin d_a sum_g m_{g/2} bsum_g.
// maddubs bound: 15 * 128 * 2; madd by sc (< 64) stays in int32.
struct Q4_KKernel {
  template <int T>
  static void Block(const BlockQ4_K& wb, const Tile& tile, int64_t b,
                    __m256 (&acc)[T]) {
    const __m256i sm = Q4_KScalesMins(wb.scales);
    const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00);
    const __m256i mins = _mm256_shuffle_epi8(
        _mm256_permute2x128_si256(sm, sm, 0x11),
        _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9,
                         8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15));
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i sum[T];
    for (auto& s : sum) s = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) {
      const __m256i raw = LoadBytes32(wb.qs + 32 * c);
      const __m256i lo = _mm256_and_si256(raw, nibble);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), nibble);
      const __m256i sc_lo =
          _mm256_shuffle_epi8(sc, BroadcastWordMask(2 * c, 2 * c));
      const __m256i sc_hi =
          _mm256_shuffle_epi8(sc, BroadcastWordMask(2 * c + 1, 2 * c + 1));
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const int8_t* a = ActBlock(tile, t, b).qs + 64 * c;
        const __m256i p_lo = _mm256_maddubs_epi16(lo, LoadBytes32(a));
        const __m256i p_hi = _mm256_maddubs_epi16(hi, LoadBytes32(a + 32));
        sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(p_lo, sc_lo));
        sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(p_hi, sc_hi));
      }
    }
    const float d = HalfToFloat(wb.d), dmin = HalfToFloat(wb.dmin);
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = ActBlock(tile, t, b);
      const __m256i min_sum = _mm256_madd_epi16(LoadBytes32(xb.bsums), mins);
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[t]),
                               _mm256_set1_ps(d * xb.d), acc[t]);
      acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(min_sum),
                                _mm256_set1_ps(dmin * xb.d), acc[t]);
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    __m256 acc[R][T];
    for (auto& row : acc) {
      for (auto& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < tile.cols / kQK_K; ++b) {
      if constexpr (T == 1) {
        PrefetchNextTile(tile, R, sizeof(BlockQ4_K), b);
      }
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

// The 4 x 32 codes (0..63) of one 128-element half of a Q6_K block, in
// element order: q[i] holds elements 32i .. 32i + 31 of the half.
inline void Q6_KHalfCodes(const uint8_t* ql, const uint8_t* qh,
                          __m256i (&q)[4]) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i bits45 = _mm256_set1_epi8(0x30);
  const __m256i l0 = LoadBytes32(ql), l1 = LoadBytes32(ql + 32);
  const __m256i h = LoadBytes32(qh);
  const auto high = [&](__m256i shifted) {
    return _mm256_and_si256(shifted, bits45);
  };
  q[0] = _mm256_or_si256(_mm256_and_si256(l0, nibble),
                         high(_mm256_slli_epi16(h, 4)));
  q[1] = _mm256_or_si256(_mm256_and_si256(l1, nibble),
                         high(_mm256_slli_epi16(h, 2)));
  q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), nibble),
                         high(h));
  q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), nibble),
                         high(_mm256_srli_epi16(h, 2)));
}

// Q6_K x Q8_K per super-block: d d_a sum_g s_g sum((q - 32) a), computed as
// sum_g s_g sum(q a) - 32 sum_g s_g bsum_g. maddubs bound: 63 * 128 * 2.
struct Q6_KKernel {
  template <int T>
  static void Block(const BlockQ6_K& wb, const Tile& tile, int64_t b,
                    __m256 (&acc)[T]) {
    const __m256i s16 = _mm256_cvtepi8_epi16(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb.scales)));
    const __m256i s_halves[2] = {_mm256_permute2x128_si256(s16, s16, 0x00),
                                 _mm256_permute2x128_si256(s16, s16, 0x11)};
    __m256i sum[T];
    for (auto& s : sum) s = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int h = 0; h < 2; ++h) {
      __m256i q[4];
      Q6_KHalfCodes(wb.ql + 64 * h, wb.qh + 32 * h, q);
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) {
        // Register i covers 16-element groups 8h + 2i and 8h + 2i + 1.
        const __m256i scale = _mm256_shuffle_epi8(
            s_halves[h], BroadcastWordMask(2 * i, 2 * i + 1));
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
          const int8_t* a = ActBlock(tile, t, b).qs + 128 * h + 32 * i;
          const __m256i p = _mm256_maddubs_epi16(q[i], LoadBytes32(a));
          sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(p, scale));
        }
      }
    }
    const float d = HalfToFloat(wb.d);
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = ActBlock(tile, t, b);
      const __m256i offset = _mm256_madd_epi16(LoadBytes32(xb.bsums), s16);
      const __m256i total =
          _mm256_sub_epi32(sum[t], _mm256_slli_epi32(offset, 5));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(total),
                               _mm256_set1_ps(d * xb.d), acc[t]);
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    __m256 acc[R][T];
    for (auto& row : acc) {
      for (auto& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < tile.cols / kQK_K; ++b) {
      if constexpr (T == 1) {
        PrefetchNextTile(tile, R, sizeof(BlockQ6_K), b);
      }
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

void MatVecQ4_KAvx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q4_KKernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatVecQ6_KAvx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end) {
  MatVecTiled<Q6_KKernel, kMatVecRows>(w, x, y, row_begin, row_end);
}

void MatMulQ4_KAvx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q4_KKernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

void MatMulQ6_KAvx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end) {
  MatMulTiled<Q6_KKernel, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

}  // namespace lapbench::kernels::avx2
