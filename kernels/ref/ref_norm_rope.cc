// Reference RMSNorm and rotary position embedding (both pair layouts).
#include <cmath>

#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {

void RmsNorm(const float* x, const float* weight, float* out, int64_t n,
             float eps) {
  // Sum of squares in double, then a float scale: ggml's rms_norm.
  double sum_sq = 0.0;
  for (int64_t i = 0; i < n; ++i) sum_sq += double{x[i]} * double{x[i]};
  const float mean_sq = static_cast<float>(sum_sq / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean_sq + eps);

  for (int64_t i = 0; i < n; ++i) {
    const float w = weight != nullptr ? weight[i] : 1.0f;
    out[i] = x[i] * scale * w;
  }
}

namespace {

// The angle pair `i` of a head turns by at position `pos`, in radians.
double RopeAngle(const RopeParams& p, int64_t pos, int64_t i) {
  const double exponent =
      -2.0 * static_cast<double>(i) / static_cast<double>(p.rotary_dim);
  double angle = static_cast<double>(pos) * double{p.freq_scale} *
                 std::pow(double{p.theta_base}, exponent);
  if (p.freq_factors != nullptr) angle /= double{p.freq_factors[i]};
  return angle;
}

// Rotates the pair (a, b) by the angle whose cosine and sine are given.
void Rotate(float& a, float& b, double cos_a, double sin_a) {
  const double a0 = a;
  const double b0 = b;
  a = static_cast<float>(a0 * cos_a - b0 * sin_a);
  b = static_cast<float>(a0 * sin_a + b0 * cos_a);
}

}  // namespace

void Rope(float* x, const RopeParams& p, int64_t pos) {
  // Pair i is (2i, 2i+1) interleaved or (i, i + half) half-split; the
  // dimensions past rotary_dim are left as they are (partial rotary).
  // Every head turns pair i by the same angle, so its cosine and sine are
  // computed once for all heads (a decode step rotates about 40 heads).
  const int64_t half = p.rotary_dim / 2;
  for (int64_t i = 0; i < half; ++i) {
    const double angle = RopeAngle(p, pos, i);
    const double cos_a = std::cos(angle);
    const double sin_a = std::sin(angle);
    for (int64_t h = 0; h < p.n_heads; ++h) {
      float* head = x + h * p.head_dim;
      if (p.layout == RopeLayout::kInterleaved) {
        Rotate(head[2 * i], head[2 * i + 1], cos_a, sin_a);
      } else {
        Rotate(head[i], head[i + half], cos_a, sin_a);
      }
    }
  }
}

}  // namespace lapbench::kernels::ref
