// Small AVX2 helpers for the avx2 kernels (include only from kernels/avx2).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace lapbench::kernels::avx2 {

// These helpers are `static` on purpose: every translation unit keeps its
// own copy, so the linker can never merge them with a same-named helper
// built with other ISA flags and hand AVX-512 code to an AVX2-only CPU.
// For the same reason the ISA files call C math functions (expf, tanhf)
// rather than inline C++ templates or overloads (std::max, std::exp), which
// an unoptimised build would emit as mergeable weak symbols.

// Sum of the 8 float lanes.
static inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Per int32 lane, the sum of four products of unsigned bytes `u` with
// signed bytes `s`. The int16 pair sums saturate above 32767, so callers
// keep |u| * |s| * 2 below that (every caller states its bound).
static inline __m256i DotU8I8(__m256i u, __m256i s) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

// An fp16 bit pattern as a float (F16C).
static inline float HalfToFloat(uint16_t h) { return _cvtsh_ss(h); }

// 8 bf16 values widened to floats (bf16 is the top half of an f32).
static inline __m256 LoadBf16x8(const uint16_t* p) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
}

// 8 fp16 values widened to floats.
static inline __m256 LoadF16x8(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// 32 bytes from an unaligned address.
static inline __m256i LoadBytes32(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

}  // namespace lapbench::kernels::avx2
