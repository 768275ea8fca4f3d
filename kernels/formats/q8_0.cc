// Q8_0: 32 int8 codes with one fp16 scale (8.5 bits per weight).
#include <algorithm>
#include <cmath>

#include "kernels/formats/row_codecs.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

// Largest code magnitude: the symmetric range -127..127 leaves -128 unused.
constexpr float kQ8_0MaxCode = 127.0f;

void QuantizeBlockQ8_0(const float* x, BlockQ8_0* y) {
  float amax = 0.0f;
  for (int e = 0; e < kQK8_0; ++e) amax = std::max(amax, std::fabs(x[e]));

  // The codes use the unrounded f32 scale; only the stored copy is fp16.
  const float d = amax / kQ8_0MaxCode;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  y->d = Fp32ToFp16(d);
  for (int e = 0; e < kQK8_0; ++e) {
    // roundf rounds half away from zero, as the reference does.
    y->qs[e] = static_cast<int8_t>(std::roundf(x[e] * id));
  }
}

}  // namespace

void QuantizeRowQ8_0(const float* x, BlockQ8_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    QuantizeBlockQ8_0(x + b * kQK8_0, y + b);
  }
}

void DequantizeRowQ8_0(const BlockQ8_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    const float d = Fp16ToFp32(x[b].d);
    for (int e = 0; e < kQK8_0; ++e) {
      y[b * kQK8_0 + e] = d * static_cast<float>(x[b].qs[e]);
    }
  }
}

}  // namespace lapbench::kernels
