// Small AVX-512 helpers for the avx512 kernels (include only from
// kernels/avx512).
#pragma once

#include <immintrin.h>

#include <cstdint>

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*() and trip
// -Wuninitialized when inlined (GCC bug 105593, fixed in GCC 13): a false
// positive, silenced for the avx512 translation units only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace lapbench::kernels::avx512 {

// `static` on purpose: each translation unit keeps a private copy, so the
// linker never merges an AVX-512 build of a helper into baseline or AVX2
// code (see kernels/avx2/simd_avx2.h).

// Sum of the 16 float lanes.
static inline float HorizontalSum(__m512 v) { return _mm512_reduce_add_ps(v); }

// An fp16 bit pattern as a float (F16C).
static inline float HalfToFloat(uint16_t h) { return _cvtsh_ss(h); }

// 32 or 64 bytes from an unaligned address.
static inline __m256i LoadBytes32(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
static inline __m512i LoadBytes64(const void* p) {
  return _mm512_loadu_si512(p);
}

// Two 32-byte runs as one register: `lo` in bytes 0..31, `hi` in 32..63.
static inline __m512i Join(__m256i lo, __m256i hi) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

}  // namespace lapbench::kernels::avx512
