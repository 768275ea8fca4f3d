// The AVX-512F loop: 512-bit fused multiply-adds.
#include <immintrin.h>

#include "probes/measure/fma_loops.h"

namespace lapbench::probes::measure {

float FmaLoopAvx512(uint64_t n_iterations) {
  const __m512 m = _mm512_set1_ps(kFmaMultiplier);
  const __m512 a = _mm512_set1_ps(kFmaAddend);
  __m512 acc[kFmaChains];
  for (int k = 0; k < kFmaChains; ++k)
    acc[k] = _mm512_set1_ps(static_cast<float>(k));
  for (uint64_t i = 0; i < n_iterations; ++i) {
#pragma GCC unroll 16
    for (int k = 0; k < kFmaChains; ++k) {
      acc[k] = _mm512_fmadd_ps(acc[k], m, a);
    }
  }
  __m512 sum = acc[0];
  for (int k = 1; k < kFmaChains; ++k) sum = _mm512_add_ps(sum, acc[k]);
  // Stored and summed by hand: GCC 12's _mm512_reduce_add_ps warns about
  // an uninitialised temporary in its own header.
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0;
  for (float lane : lanes) total += lane;
  return total;
}

}  // namespace lapbench::probes::measure
