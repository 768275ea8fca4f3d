// Q8_K: 256 int8 codes, an f32 scale and 16-element code sums (activations).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/formats/row_codecs.h"
#include "kernels/formats/scale_search.h"

namespace lapbench::kernels {
namespace {

// The max-magnitude element maps to -127, so d has the opposite sign.
constexpr float kQ8_KMaxCode = 127.0f;
constexpr int kBsumGroup = 16;

void QuantizeBlockQ8_K(const float* x, BlockQ8_K* y) {
  float amax = 0.0f, max = 0.0f;
  for (int e = 0; e < kQK_K; ++e) {
    if (std::fabs(x[e]) > amax) {
      amax = std::fabs(x[e]);
      max = x[e];
    }
  }
  if (amax == 0.0f) {
    std::memset(y, 0, sizeof(*y));  // d = 0, codes and sums zero
    return;
  }

  const float iscale = -kQ8_KMaxCode / max;
  for (int e = 0; e < kQK_K; ++e) {
    // Rounding can reach +128 only for an element the scale maps past 127.
    y->qs[e] = static_cast<int8_t>(std::min(127, NearestInt(iscale * x[e])));
  }
  for (int g = 0; g < kQK_K / kBsumGroup; ++g) {
    int sum = 0;
    for (int i = 0; i < kBsumGroup; ++i) sum += y->qs[g * kBsumGroup + i];
    y->bsums[g] = static_cast<int16_t>(sum);  // |sum| <= 16 * 128
  }
  y->d = 1.0f / iscale;
}

}  // namespace

void QuantizeRowQ8_K(const float* x, BlockQ8_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    QuantizeBlockQ8_K(x + b * kQK_K, y + b);
  }
}

void DequantizeRowQ8_K(const BlockQ8_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    for (int e = 0; e < kQK_K; ++e) {
      y[b * kQK_K + e] = x[b].d * static_cast<float>(x[b].qs[e]);
    }
  }
}

}  // namespace lapbench::kernels
