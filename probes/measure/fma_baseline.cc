// Scalar and SSE2 multiply-add loops: the x86-64 baseline has no FMA.
#include <immintrin.h>

#include "probes/measure/fma_loops.h"

namespace lapbench::probes::measure {

float FmaLoopScalar(uint64_t n_iterations) {
  const __m128 m = _mm_set_ss(kFmaMultiplier);
  const __m128 a = _mm_set_ss(kFmaAddend);
  __m128 acc[kFmaChains];
  for (int k = 0; k < kFmaChains; ++k)
    acc[k] = _mm_set_ss(static_cast<float>(k));
  for (uint64_t i = 0; i < n_iterations; ++i) {
#pragma GCC unroll 16
    for (int k = 0; k < kFmaChains; ++k) {
      acc[k] = _mm_add_ss(_mm_mul_ss(acc[k], m), a);
    }
  }
  float sum = 0;
  for (int k = 0; k < kFmaChains; ++k) sum += _mm_cvtss_f32(acc[k]);
  return sum;
}

float FmaLoopSse2(uint64_t n_iterations) {
  const __m128 m = _mm_set1_ps(kFmaMultiplier);
  const __m128 a = _mm_set1_ps(kFmaAddend);
  __m128 acc[kFmaChains];
  for (int k = 0; k < kFmaChains; ++k)
    acc[k] = _mm_set1_ps(static_cast<float>(k));
  for (uint64_t i = 0; i < n_iterations; ++i) {
#pragma GCC unroll 16
    for (int k = 0; k < kFmaChains; ++k) {
      acc[k] = _mm_add_ps(_mm_mul_ps(acc[k], m), a);
    }
  }
  __m128 sum = acc[0];
  for (int k = 1; k < kFmaChains; ++k) sum = _mm_add_ps(sum, acc[k]);
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

}  // namespace lapbench::probes::measure
