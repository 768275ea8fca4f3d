// AVX-512 VNNI matrix products of the 32-element formats (Q8_0, Q4_0) with
// Q8_0 activations: two blocks per 512-bit register, vpdpbusd for the sums.
#include <immintrin.h>

#include <type_traits>

#include "kernels/avx2/tiling.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd_avx512.h"
#include "kernels/formats/blocks.h"

namespace lapbench::kernels::avx512 {
namespace {

using avx2::MatMulTiled;
using avx2::MatVecTiled;
using avx2::PrefetchNextTile;
using avx2::Tile;

// Matvec: 8 weight streams share each activation pair; the accumulators
// and the shared activation registers use 12 of the 32 zmm registers.
constexpr int kMatVecRows = 8;
// Matmul: 4 rows x 4 tokens = 16 accumulators + 4 activation pairs and
// their 4 offset sums, within the 32 zmm registers.
constexpr int kMatMulRows = 4;
constexpr int kMatMulTokens = 4;

// vpdpbusd multiplies unsigned by signed bytes. Each format's codes are
// made unsigned by an offset: u = w + offset, and
//   sum(w a) = sum(u a) - offset * sum(a),
// where offset * sum(a) comes from one vpdpbusd per activation pair shared
// by every row of the tile. The products stay exact in int32.
//
// Q8_0: u = w ^ 0x80 = w + 128. Weights and activations share the natural
// layout: bytes 0..31 block b, 32..63 block b + 1.
struct Q8_0Format {
  using Block = BlockQ8_0;
  static constexpr int kOffset = 128;
  static constexpr __mmask16 kSecondBlockLanes = 0xFF00;
  static __m512i ActPair(const BlockQ8_0* x) {
    return Join(LoadBytes32(x[0].qs), LoadBytes32(x[1].qs));
  }
  static __m512i WeightPair(const BlockQ8_0* w) {
    return _mm512_xor_si512(Join(LoadBytes32(w[0].qs), LoadBytes32(w[1].qs)),
                            _mm512_set1_epi8(static_cast<char>(0x80)));
  }
  static __m256i ActOne(const BlockQ8_0& x) { return LoadBytes32(x.qs); }
  static __m256i WeightOne(const BlockQ8_0& w) {
    return _mm256_xor_si256(LoadBytes32(w.qs),
                            _mm256_set1_epi8(static_cast<char>(0x80)));
  }
};

// Q4_0: the codes 0..15 already are w + 8. Nibbles unpack as
// [low b, low b+1, high b, high b+1] (128-bit lanes), so the activation
// pair is permuted the same way, once per pair for all rows.
struct Q4_0Format {
  using Block = BlockQ4_0;
  static constexpr int kOffset = 8;
  static constexpr __mmask16 kSecondBlockLanes = 0xF0F0;
  static __m512i ActPair(const BlockQ8_0* x) {
    const __m512i a = Join(LoadBytes32(x[0].qs), LoadBytes32(x[1].qs));
    return _mm512_shuffle_i64x2(a, a, _MM_SHUFFLE(3, 1, 2, 0));
  }
  static __m512i WeightPair(const BlockQ4_0* w) {
    const __m256i raw =
        _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(w[1].qs),
                            reinterpret_cast<const __m128i*>(w[0].qs));
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    return Join(_mm256_and_si256(raw, nibble),
                _mm256_and_si256(_mm256_srli_epi16(raw, 4), nibble));
  }
  static __m256i ActOne(const BlockQ8_0& x) { return LoadBytes32(x.qs); }
  static __m256i WeightOne(const BlockQ4_0& w) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w.qs));
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw),
                            _mm256_set1_epi8(0x0F));
  }
};

// -offset * (the lane sums of a), the starting value of each dot product.
inline __m512i NegOffsetSums(__m512i a, int offset) {
  const __m512i u = _mm512_set1_epi8(static_cast<char>(offset));
  return _mm512_sub_epi32(_mm512_setzero_si512(),
                          _mm512_dpbusd_epi32(_mm512_setzero_si512(), u, a));
}

// Q4_0 matvec, four blocks (128 weights) of a row per step. The pair
// path above spends about 13 vector uops on every row and pair of blocks,
// mostly assembling two 16-byte code runs and two scales into a register;
// that capped the matvec near DRAM speed even with the matrix in cache.
// Here one 64-byte load and one 8-byte load cover four blocks (72 bytes);
// a word permute gathers their codes, one 128-bit lane per block, and a
// second one spreads their scales, so a row costs about 15 uops per four
// blocks. The codes sit at byte 18k + 2 of block k, always on a word
// boundary, which is what lets 16-bit permutes (AVX512BW) do the gathering.
struct Q4_0Quad {
  static constexpr int kBlocks = 4;

  // Word i of the gathered codes is word 1 + 9 (i / 8) + i % 8 of the 72
  // bytes; indices from 32 on select the second source (bytes 64..71).
  static __m512i CodesIndex() {
    alignas(64) static constexpr uint16_t kIndex[32] = {
        1,  2,  3,  4,  5,  6,  7,  8,  10, 11, 12, 13, 14, 15, 16, 17,
        19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32, 33, 34, 35};
    return _mm512_load_si512(kIndex);
  }
  // Words 0, 9, 18 and 27 (the blocks' scales), each repeated for the four
  // int32 lanes of its block, in the low 256 bits.
  static __m512i ScalesIndex() {
    alignas(64) static constexpr uint16_t kIndex[32] = {
        0, 0, 0, 0, 9, 9, 9, 9, 18, 18, 18, 18, 27, 27, 27, 27};
    return _mm512_load_si512(kIndex);
  }

  // Four activation blocks in the same layout: lane k holds elements 0..15
  // (`lo`) or 16..31 (`hi`) of block k; `start` is -8 x their lane sums
  // (the codes' offset, as in Q4_0Format); `d` the scales per int32 lane.
  struct Act {
    __m512i lo, hi, start;
    __m512 d;
  };
  static Act LoadAct(const BlockQ8_0* x) {
    Act a;
    a.lo = _mm512_castsi128_si512(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[0].qs)));
    a.hi = _mm512_castsi128_si512(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[0].qs + 16)));
    a.lo = _mm512_inserti32x4(
        a.lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[1].qs)), 1);
    a.hi = _mm512_inserti32x4(
        a.hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[1].qs + 16)),
        1);
    a.lo = _mm512_inserti32x4(
        a.lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[2].qs)), 2);
    a.hi = _mm512_inserti32x4(
        a.hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[2].qs + 16)),
        2);
    a.lo = _mm512_inserti32x4(
        a.lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[3].qs)), 3);
    a.hi = _mm512_inserti32x4(
        a.hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[3].qs + 16)),
        3);
    const __m512i offset = _mm512_set1_epi8(8);
    a.start = _mm512_sub_epi32(
        _mm512_setzero_si512(),
        _mm512_dpbusd_epi32(
            _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, a.lo), offset,
            a.hi));
    const __m256i h = _mm256_setr_epi16(
        static_cast<int16_t>(x[0].d), static_cast<int16_t>(x[0].d),
        static_cast<int16_t>(x[0].d), static_cast<int16_t>(x[0].d),
        static_cast<int16_t>(x[1].d), static_cast<int16_t>(x[1].d),
        static_cast<int16_t>(x[1].d), static_cast<int16_t>(x[1].d),
        static_cast<int16_t>(x[2].d), static_cast<int16_t>(x[2].d),
        static_cast<int16_t>(x[2].d), static_cast<int16_t>(x[2].d),
        static_cast<int16_t>(x[3].d), static_cast<int16_t>(x[3].d),
        static_cast<int16_t>(x[3].d), static_cast<int16_t>(x[3].d));
    a.d = _mm512_cvtph_ps(h);
    return a;
  }

  // acc += the four blocks from `w` (a row's block b) times `a`, per lane.
  static __m512 Step(const BlockQ4_0* w, const Act& a, __m512i codes_index,
                     __m512i scales_index, __m512 acc) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(w);
    const __m512i first = _mm512_loadu_si512(bytes);  // bytes 0..63
    const __m512i last = _mm512_castsi128_si512(
        _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + 64)));
    const __m512i codes = _mm512_permutex2var_epi16(first, codes_index, last);
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i low = _mm512_and_si512(codes, nibble);
    const __m512i high = _mm512_and_si512(_mm512_srli_epi16(codes, 4), nibble);
    const __m512i p = _mm512_dpbusd_epi32(
        _mm512_dpbusd_epi32(a.start, low, a.lo), high, a.hi);
    const __m512 dw = _mm512_cvtph_ps(
        _mm512_castsi512_si256(_mm512_permutexvar_epi16(scales_index, first)));
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(dw, a.d), acc);
  }
};

template <class F>
struct LegacyKernel {
  using Block = typename F::Block;

  static const Block* WeightRow(const Tile& tile, int r) {
    return reinterpret_cast<const Block*>(tile.w + r * tile.w_stride);
  }
  static const BlockQ8_0* ActRow(const Tile& tile, int t) {
    return reinterpret_cast<const BlockQ8_0*>(tile.x + t * tile.x_stride);
  }

  // The fp16 scales d0 (block b) and d1 (block b + 1) spread over the lanes
  // of their block: one conversion and one permute. Two scalar conversions,
  // two broadcasts and a blend cost 9 vector uops per row and pair, as many
  // as the dot product itself, and capped the matvec below DRAM speed.
  static __m512 PairScales(uint16_t d0, uint16_t d1) {
    const __m128i h = _mm_cvtsi32_si128(
        static_cast<int>(uint32_t{d0} | (uint32_t{d1} << 16)));
    const __m512i pick = _mm512_maskz_set1_epi32(F::kSecondBlockLanes, 1);
    return _mm512_permutexvar_ps(pick, _mm512_castps128_ps512(_mm_cvtph_ps(h)));
  }

  // Blocks b and b + 1 of every row x token of the tile.
  template <int R, int T>
  static void Pair(const Tile& tile, int64_t b, __m512 (&acc)[R][T]) {
    __m512i a[T], start[T];
    __m512 da[T];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_0* x = ActRow(tile, t) + b;
      a[t] = F::ActPair(x);
      start[t] = NegOffsetSums(a[t], F::kOffset);
      da[t] = PairScales(x[0].d, x[1].d);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const Block* w = WeightRow(tile, r) + b;
      const __m512i u = F::WeightPair(w);
      const __m512 dw = PairScales(w[0].d, w[1].d);
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const __m512i p = _mm512_dpbusd_epi32(start[t], u, a[t]);
        acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p),
                                    _mm512_mul_ps(dw, da[t]), acc[r][t]);
      }
    }
  }

  // The last block of an odd block count, in the low 256 bits.
  template <int R, int T>
  static void Single(const Tile& tile, int64_t b, __m512 (&acc)[R][T]) {
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_0& x = ActRow(tile, t)[b];
      const __m512i a = _mm512_zextsi256_si512(F::ActOne(x));
      const __m512i start = NegOffsetSums(a, F::kOffset);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const Block& w = WeightRow(tile, r)[b];
        const __m512i u = _mm512_zextsi256_si512(F::WeightOne(w));
        const __m512i p = _mm512_dpbusd_epi32(start, u, a);
        const float d = HalfToFloat(w.d) * HalfToFloat(x.d);
        acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_set1_ps(d),
                                    acc[r][t]);
      }
    }
  }

  template <int R, int T>
  static void Run(const Tile& tile) {
    __m512 acc[R][T];
    for (auto& row : acc) {
      for (auto& v : row) v = _mm512_setzero_ps();
    }
    const int64_t n_blocks = tile.cols / kQK8_0;
    int64_t b = 0;
    if constexpr (T == 1 && std::is_same_v<F, Q4_0Format>) {
      const __m512i codes_index = Q4_0Quad::CodesIndex();
      const __m512i scales_index = Q4_0Quad::ScalesIndex();
      for (; b + Q4_0Quad::kBlocks <= n_blocks; b += Q4_0Quad::kBlocks) {
        PrefetchNextTile(tile, R, sizeof(Block), b, Q4_0Quad::kBlocks);
        const Q4_0Quad::Act a = Q4_0Quad::LoadAct(ActRow(tile, 0) + b);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
          acc[r][0] = Q4_0Quad::Step(WeightRow(tile, r) + b, a, codes_index,
                                     scales_index, acc[r][0]);
        }
      }
    }
    for (; b + 2 <= n_blocks; b += 2) {
      if constexpr (T == 1) PrefetchNextTile(tile, R, sizeof(Block), b, 2);
      Pair<R, T>(tile, b, acc);
    }
    if (b < n_blocks) Single<R, T>(tile, b, acc);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        tile.y[t * tile.y_stride + r] = HorizontalSum(acc[r][t]);
      }
    }
  }
};

}  // namespace

void MatVecQ8_0Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end) {
  MatVecTiled<LegacyKernel<Q8_0Format>, kMatVecRows>(w, x, y, row_begin,
                                                     row_end);
}

void MatVecQ4_0Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end) {
  MatVecTiled<LegacyKernel<Q4_0Format>, kMatVecRows>(w, x, y, row_begin,
                                                     row_end);
}

void MatMulQ8_0Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end) {
  MatMulTiled<LegacyKernel<Q8_0Format>, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

void MatMulQ4_0Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end) {
  MatMulTiled<LegacyKernel<Q4_0Format>, kMatMulRows, kMatMulTokens>(
      w, x, x_row_bytes, n_tokens, y, y_stride, row_begin, row_end);
}

}  // namespace lapbench::kernels::avx512
