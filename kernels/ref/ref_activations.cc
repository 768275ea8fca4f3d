// Reference softmax, GELU (tanh form), SiLU and element-wise arithmetic.
#include <cmath>

#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {

void Softmax(float* x, int64_t n) {
  // Subtracting the maximum keeps exp() in range; the sum is in double so
  // long rows of small probabilities do not lose their tail.
  float max_x = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max_x = std::fmax(max_x, x[i]);

  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max_x);
    sum += double{x[i]};
  }

  const float inv_sum = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) x[i] *= inv_sum;
}

void Gelu(const float* x, float* out, int64_t n) {
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), evaluated in double so
  // the 1 + tanh cancellation at negative x keeps its digits.
  const double sqrt_2_over_pi = std::sqrt(2.0 / M_PI);
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    const double inner = sqrt_2_over_pi * (v + 0.044715 * v * v * v);
    out[i] = static_cast<float>(0.5 * v * (1.0 + std::tanh(inner)));
  }
}

void Silu(const float* x, float* out, int64_t n) {
  // x * sigmoid(x), in double for the same reason as Gelu.
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    out[i] = static_cast<float>(v / (1.0 + std::exp(-v)));
  }
}

void Mul(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void Add(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

}  // namespace lapbench::kernels::ref
