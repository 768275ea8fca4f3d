// AVX-512 VNNI matrix products of the K-quant formats (Q4_K, Q6_K) with Q8_K
// activations: 64 codes per register; matvec Q4_K with vpdpbusd, vpackssdw
// and one vpdpwssd by scale per 128 codes, the rest vpmaddubsw + vpdpwssd.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

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

// The activation side of one Q4_K super-block for a matvec, prepared once
// and shared by every row of the tile: the codes regrouped to match the
// weight registers (a[2k] the low nibbles of register k, a[2k + 1] the high
// ones) and the 32-element sums bsum[2j] + bsum[2j + 1] as int16 (|sum| <=
// 32 * 128), repeated in every 128-bit lane.
struct Q4_KAct {
  __m512i a[4];
  __m512i pair_sums;
  float d;
};

inline Q4_KAct LoadQ4_KAct(const BlockQ8_K& xb) {
  Q4_KAct act;
#pragma GCC unroll 2
  for (int k = 0; k < 2; ++k) {
    const __m512i a0 = LoadBytes64(xb.qs + 128 * k);
    const __m512i a1 = LoadBytes64(xb.qs + 128 * k + 64);
    act.a[2 * k] = _mm512_shuffle_i64x2(a0, a1, _MM_SHUFFLE(1, 0, 1, 0));
    act.a[2 * k + 1] = _mm512_shuffle_i64x2(a0, a1, _MM_SHUFFLE(3, 2, 3, 2));
  }
  const __m256i pairs =
      _mm256_madd_epi16(LoadBytes32(xb.bsums), _mm256_set1_epi16(1));
  act.pair_sums = _mm512_broadcast_i32x4(_mm_packs_epi32(
      _mm256_castsi256_si128(pairs), _mm256_extracti128_si256(pairs, 1)));
  act.d = xb.d;
  return act;
}

// The first 16 bytes (d, dmin, the 12 packed scale bytes) of super-block b
// of four rows, row i in 128-bit lane i; rows past `n_rows` repeat the last.
inline __m512i LoadQ4_KHeads(const Tile& tile, int first_row, int n_rows,
                             int64_t b) {
  const auto head = [&](int i) {
    const int r = first_row + (i < n_rows ? i : n_rows - 1);
    const auto* w =
        reinterpret_cast<const BlockQ4_K*>(tile.w + r * tile.w_stride);
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(&w[b]));
  };
  __m512i z = _mm512_castsi128_si512(head(0));
  z = _mm512_inserti32x4(z, head(1), 1);
  z = _mm512_inserti32x4(z, head(2), 2);
  return _mm512_inserti32x4(z, head(3), 3);
}

// Four rows' 6-bit scales and mins decoded at once from LoadQ4_KHeads: in
// lane i, the bytes sc[0..7] m[0..7] of row i (*bytes) and m[0..7] as int16
// (*mins). With s = the 12 table bytes (bytes 4..15 of the lane):
//   sc[0..3] = s[0..3] & 63,  sc[4..7] = (s[8..11] & 15) | (s[0..3] >> 6) << 4
//   m[0..3]  = s[4..7] & 63,  m[4..7]  = (s[8..11] >> 4) | (s[4..7] >> 6) << 4
inline void DecodeQ4_KScales(__m512i heads, __m512i* bytes, __m512i* mins) {
  const __m512i low = _mm512_shuffle_epi8(
      heads, _mm512_broadcast_i32x4(_mm_setr_epi8(4, 5, 6, 7, 12, 13, 14, 15, 8,
                                                  9, 10, 11, 12, 13, 14, 15)));
  const __m512i top = _mm512_shuffle_epi8(
      heads, _mm512_broadcast_i32x4(_mm_setr_epi8(
                 -1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1, 8, 9, 10, 11)));
  const __m512i low_bits = _mm512_and_si512(
      _mm512_srlv_epi32(low,
                        _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4))),
      _mm512_broadcast_i32x4(
          _mm_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f)));
  const __m512i top_bits =
      _mm512_and_si512(_mm512_srli_epi32(top, 2), _mm512_set1_epi8(0x30));
  *bytes = _mm512_or_si512(low_bits, top_bits);
  *mins = _mm512_unpackhi_epi8(*bytes, _mm512_setzero_si512());
}

// A vpshufb control that widens scale byte `a` to int16 words 0..3 and
// byte `b` to words 4..7 of every 128-bit lane.
inline __m512i ScaleSpread(int a, int b) {
  const auto lo = static_cast<int16_t>(0x8000 | a);
  const auto hi = static_cast<int16_t>(0x8000 | b);
  return _mm512_broadcast_i32x4(_mm_setr_epi16(lo, lo, lo, lo, hi, hi, hi, hi));
}

// (d, dmin) of the four rows times the activation scale: d of row i at
// float 2i, dmin at 2i + 1.
inline __m256 Q4_KRowScales(__m512i heads, float act_d) {
  const __m512i firsts = _mm512_permutexvar_epi32(
      _mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      heads);
  const __m256 halves = _mm256_cvtph_ps(_mm512_castsi512_si128(firsts));
  return _mm256_mul_ps(halves, _mm256_set1_ps(act_d));
}

// The scale words of register k of a row (see Q4_KRowSums) for the four
// rows of a group: lane i of low[k] holds row i's words for 128-bit lanes
// 0-1 of the register, lane i of high[k] those for lanes 2-3.
struct Q4_KGroupScales {
  __m512i low[2], high[2];
};

inline Q4_KGroupScales SpreadQ4_KScales(__m512i bytes) {
  Q4_KGroupScales s;
#pragma GCC unroll 2
  for (int k = 0; k < 2; ++k) {
    s.low[k] = _mm512_shuffle_epi8(bytes, ScaleSpread(4 * k, 4 * k + 1));
    s.high[k] = _mm512_shuffle_epi8(bytes, ScaleSpread(4 * k + 2, 4 * k + 3));
  }
  return s;
}

// sum_j sc_j sum(q a) over one super-block of row i of its group. Register
// k (weights qs[64k..64k+63]) gives the 4-code sums of sub-blocks 4k, 4k+2
// (low nibbles) and 4k+1, 4k+3 (high nibbles) with one vpdpbusd each
// (|sum| <= 4 * 15 * 128, an int16); vpackssdw puts both in one register,
// so a single vpdpwssd applies all four scales: in 128-bit lane q, words
// 0..3 are low-nibble sums, words 4..7 high-nibble sums.
template <int i>
[[gnu::always_inline]] inline __m512i Q4_KRowSums(
    const BlockQ4_K& wb, const Q4_KAct& act, const Q4_KGroupScales& scales) {
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  __m512i sum = _mm512_setzero_si512();
#pragma GCC unroll 2
  for (int k = 0; k < 2; ++k) {
    const __m512i raw = LoadBytes64(wb.qs + 64 * k);
    const __m512i lo = _mm512_and_si512(raw, nibble);
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(raw, 4), nibble);
    const __m512i packed = _mm512_packs_epi32(
        _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, act.a[2 * k]),
        _mm512_dpbusd_epi32(_mm512_setzero_si512(), hi, act.a[2 * k + 1]));
    const __m512i scale =
        _mm512_shuffle_i32x4(scales.low[k], scales.high[k], i * 0x55);
    sum = _mm512_dpwssd_epi32(sum, packed, scale);
  }
  return sum;
}

// Super-block b of up to four rows (group g of the tile), added to acc
// (one register per row) and acc_min (lanes 4i..4i+3 for row i).
template <int n>
void Q4_KGroup(const Tile& tile, int g, int64_t b, const Q4_KAct& act,
               __m512* acc, __m512* acc_min) {
  const __m512i heads = LoadQ4_KHeads(tile, 4 * g, n, b);
  __m512i bytes, mins;
  DecodeQ4_KScales(heads, &bytes, &mins);
  const Q4_KGroupScales scales = SpreadQ4_KScales(bytes);
  const __m512 dd = _mm512_castps256_ps512(Q4_KRowScales(heads, act.d));
  const auto row = [&]<int i>(std::integral_constant<int, i>) {
    if constexpr (i < n) {
      const auto* w = reinterpret_cast<const BlockQ4_K*>(
          tile.w + (4 * g + i) * tile.w_stride);
      const __m512i sum = Q4_KRowSums<i>(w[b], act, scales);
      acc[i] = _mm512_fmadd_ps(
          _mm512_cvtepi32_ps(sum),
          _mm512_permutexvar_ps(_mm512_set1_epi32(2 * i), dd), acc[i]);
    }
  };
  row(std::integral_constant<int, 0>());
  row(std::integral_constant<int, 1>());
  row(std::integral_constant<int, 2>());
  row(std::integral_constant<int, 3>());
  const __m512i min_sums = _mm512_madd_epi16(mins, act.pair_sums);
  const __m512 dmin = _mm512_permutexvar_ps(
      _mm512_setr_epi32(1, 1, 1, 1, 3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 7), dd);
  *acc_min = _mm512_fmadd_ps(_mm512_cvtepi32_ps(min_sums), dmin, *acc_min);
}

// Q4_K matvec over R rows: per super-block the activation work is done
// once for all rows and the scale tables of four rows are decoded in one
// register.
template <int R>
void Q4_KMatVec(const Tile& tile) {
  constexpr int kGroups = (R + 3) / 4;
  __m512 acc[kGroups * 4], acc_min[kGroups];
  for (auto& v : acc) v = _mm512_setzero_ps();
  for (auto& v : acc_min) v = _mm512_setzero_ps();
  const auto* x = reinterpret_cast<const BlockQ8_K*>(tile.x);
  for (int64_t b = 0; b < tile.cols / kQK_K; ++b) {
    avx2::PrefetchNextTile(tile, R, sizeof(BlockQ4_K), b);
    const Q4_KAct act = LoadQ4_KAct(x[b]);
#pragma GCC unroll 4
    for (int g = 0; g < kGroups; ++g) {
      constexpr int kLast = R - 4 * (kGroups - 1);
      if (g + 1 < kGroups) {
        Q4_KGroup<4>(tile, g, b, act, acc + 4 * g, acc_min + g);
      } else {
        Q4_KGroup<kLast>(tile, g, b, act, acc + 4 * g, acc_min + g);
      }
    }
  }
  alignas(64) float min_lanes[kGroups][16];
  for (int g = 0; g < kGroups; ++g) _mm512_store_ps(min_lanes[g], acc_min[g]);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    const float* m = min_lanes[r / 4] + 4 * (r % 4);
    tile.y[r] = HorizontalSum(acc[r]) - ((m[0] + m[1]) + (m[2] + m[3]));
  }
}

// Q4_K x Q8_K. Register k holds qs[64k .. 64k + 63]: its low nibbles are
// sub-blocks 4k and 4k + 2, its high nibbles 4k + 1 and 4k + 3, so the
// activations are regrouped by 256-bit halves to match. maddubs bound:
// 15 * 128 * 2; vpdpwssd by sc (< 64) stays in int32.
struct Q4_KKernel {
  template <int T>
  [[gnu::always_inline]] static void Block(const BlockQ4_K& wb,
                                           const Tile& tile, int64_t b,
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
    if constexpr (T == 1) {
      Q4_KMatVec<R>(tile);
    } else {
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
  [[gnu::always_inline]] static void Block(const BlockQ6_K& wb,
                                           const Tile& tile, int64_t b,
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
      if constexpr (T == 1) {
        avx2::PrefetchNextTile(tile, R, sizeof(BlockQ6_K), b);
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
