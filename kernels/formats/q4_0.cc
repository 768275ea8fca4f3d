// Q4_0: 32 4-bit codes with one fp16 scale (4.5 bits per weight).
#include <algorithm>
#include <cmath>

#include "kernels/formats/row_codecs.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

// Codes are q in 0..15 meaning q - 8: the max-magnitude element maps to -8.
constexpr float kQ4_0Offset = 8.0f;
// Adding offset + 0.5 makes every argument of the truncating cast positive,
// so truncation rounds half up on the shifted value (the reference rule).
constexpr float kQ4_0ShiftAndHalf = 8.5f;
constexpr int kQ4_0MaxCode = 15;

// The element of largest magnitude, keeping its sign; ties keep the first.
float SignedMaxMagnitude(const float* x, int n) {
  float amax = 0.0f;
  float max = 0.0f;
  for (int e = 0; e < n; ++e) {
    if (std::fabs(x[e]) > amax) {
      amax = std::fabs(x[e]);
      max = x[e];
    }
  }
  return max;
}

uint8_t CodeQ4_0(float v, float id) {
  const auto code = static_cast<int8_t>(v * id + kQ4_0ShiftAndHalf);
  return static_cast<uint8_t>(std::min<int>(kQ4_0MaxCode, code));
}

void QuantizeBlockQ4_0(const float* x, BlockQ4_0* y) {
  // d takes the sign of the extreme element so that it lands on code 0.
  const float d = SignedMaxMagnitude(x, kQK4_0) / -kQ4_0Offset;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  y->d = Fp32ToFp16(d);
  constexpr int kHalf = kQK4_0 / 2;
  for (int j = 0; j < kHalf; ++j) {
    // Element j in the low nibble, element j + 16 in the high nibble.
    const uint8_t lo = CodeQ4_0(x[j], id);
    const uint8_t hi = CodeQ4_0(x[j + kHalf], id);
    y->qs[j] = static_cast<uint8_t>(lo | (hi << 4));
  }
}

}  // namespace

void QuantizeRowQ4_0(const float* x, BlockQ4_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK4_0; ++b) {
    QuantizeBlockQ4_0(x + b * kQK4_0, y + b);
  }
}

void DequantizeRowQ4_0(const BlockQ4_0* x, float* y, int64_t n) {
  constexpr int kHalf = kQK4_0 / 2;
  for (int64_t b = 0; b < n / kQK4_0; ++b) {
    const float d = Fp16ToFp32(x[b].d);
    float* out = y + b * kQK4_0;
    for (int j = 0; j < kHalf; ++j) {
      out[j] = d * (static_cast<float>(x[b].qs[j] & 0xF) - kQ4_0Offset);
      out[j + kHalf] = d * (static_cast<float>(x[b].qs[j] >> 4) - kQ4_0Offset);
    }
  }
}

}  // namespace lapbench::kernels
