// The AVX2 + FMA loop: 256-bit fused multiply-adds.
#include <immintrin.h>

#include "probes/measure/fma_loops.h"

namespace lapbench::probes::measure {

float FmaLoopAvx2(uint64_t n_iterations) {
  const __m256 m = _mm256_set1_ps(kFmaMultiplier);
  const __m256 a = _mm256_set1_ps(kFmaAddend);
  __m256 acc[kFmaChains];
  for (int k = 0; k < kFmaChains; ++k)
    acc[k] = _mm256_set1_ps(static_cast<float>(k));
  for (uint64_t i = 0; i < n_iterations; ++i) {
#pragma GCC unroll 16
    for (int k = 0; k < kFmaChains; ++k) {
      acc[k] = _mm256_fmadd_ps(acc[k], m, a);
    }
  }
  __m256 sum = acc[0];
  for (int k = 1; k < kFmaChains; ++k) sum = _mm256_add_ps(sum, acc[k]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (float lane : lanes) total += lane;
  return total;
}

}  // namespace lapbench::probes::measure
