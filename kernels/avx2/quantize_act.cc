// AVX2 activation quantizers: one activation row of floats to the format
// the weight's dot product pairs with (Q8_0, Q8_K, F16, BF16).
#include <immintrin.h>
#include <math.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"
#include "kernels/formats/blocks.h"

namespace lapbench::kernels::avx2 {
namespace {

// Largest |x| over n (a multiple of 8) floats.
float MaxAbs(const float* x, int64_t n) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 m = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 8) {
    m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
  }
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Rounds 32 floats times `scale` to the nearest integer (ties to even) and
// stores them as int8 in order. Callers keep |x * scale| <= 127.5.
void RoundToInt8x32(const float* x, float scale, int8_t* out) {
  const __m256 s = _mm256_set1_ps(scale);
  __m256i i32[4];
  for (int k = 0; k < 4; ++k) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), s);
    i32[k] = _mm256_cvtps_epi32(
        _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  // The two packs interleave 128-bit halves; the permute restores order.
  const __m256i i16a = _mm256_packs_epi32(i32[0], i32[1]);
  const __m256i i16b = _mm256_packs_epi32(i32[2], i32[3]);
  const __m256i i8 =
      _mm256_permutevar8x32_epi32(_mm256_packs_epi16(i16a, i16b),
                                  _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), i8);
}

// The first element of x[0..n) whose magnitude is `max_abs`, with its sign
// (ref's "max-magnitude value": ties keep the first in index order).
float SignedMax(const float* x, int64_t n, float max_abs) {
  for (int64_t i = 0; i < n; ++i) {
    if (fabsf(x[i]) == max_abs) return x[i];
  }
  return 0.0f;
}

}  // namespace

void QuantizeActQ8_0Avx2(const float* x, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    const float* xb = x + b * kQK8_0;
    const float amax = MaxAbs(xb, kQK8_0);
    blocks[b].d = _cvtss_sh(amax / 127.0f, _MM_FROUND_TO_NEAREST_INT);
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    RoundToInt8x32(xb, id, blocks[b].qs);
  }
}

void QuantizeActQ8_KAvx2(const float* x, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_K*>(dst);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float* xb = x + b * kQK_K;
    BlockQ8_K& out = blocks[b];
    const float max = SignedMax(xb, kQK_K, MaxAbs(xb, kQK_K));
    if (max == 0.0f) {
      std::memset(&out, 0, sizeof(out));
      continue;
    }
    // Same arithmetic as the reference: iscale = -127 / max, codes rounded
    // ties-to-even (-max maps to +127 exactly, so no clamp is needed).
    const float iscale = -127.0f / max;
    for (int k = 0; k < kQK_K; k += 32) {
      RoundToInt8x32(xb + k, iscale, out.qs + k);
    }
    out.d = 1.0f / iscale;
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += out.qs[16 * g + i];
      out.bsums[g] = static_cast<int16_t>(sum);
    }
  }
}

void QuantizeActF16Avx2(const float* x, void* dst, int64_t n) {
  auto* out = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h =
        _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
  for (; i < n; ++i) out[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

void QuantizeActBf16Avx2(const float* x, void* dst, int64_t n) {
  auto* out = static_cast<uint16_t*>(dst);
  const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
  const __m256i inf = _mm256_set1_epi32(0x7f800000);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i half[2];
    for (int k = 0; k < 2; ++k) {
      const __m256i u =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 8 * k));
      // Round to nearest even: add 0x7fff plus the lowest kept bit.
      const __m256i lsb =
          _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
      const __m256i rounded = _mm256_srli_epi32(
          _mm256_add_epi32(u, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))),
          16);
      // NaN keeps its top half with the quiet bit forced.
      const __m256i quiet =
          _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
      const __m256i is_nan =
          _mm256_cmpgt_epi32(_mm256_and_si256(u, abs_mask), inf);
      half[k] = _mm256_blendv_epi8(rounded, quiet, is_nan);
    }
    const __m256i packed =
        _mm256_permute4x64_epi64(_mm256_packus_epi32(half[0], half[1]), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), packed);
  }
  for (; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, x + i, sizeof(u));
    out[i] = (u & 0x7fffffff) > 0x7f800000
                 ? static_cast<uint16_t>((u >> 16) | 0x40)
                 : static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  }
}

}  // namespace lapbench::kernels::avx2
