// AVX2 normalisation, softmax, activations and element-wise arithmetic.
#include <immintrin.h>
#include <math.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/math_avx2.h"
#include "kernels/avx2/simd_avx2.h"

namespace lapbench::kernels::avx2 {
namespace {

// num / (1 + e^neg_arg) on 8 lanes: SiLU with neg_arg = -x, and the tanh
// form of GELU with neg_arg = -2u (see kGeluLinear).
inline __m256 DivOnePlusExp(__m256 num, __m256 neg_arg) {
  const __m256 den = _mm256_add_ps(_mm256_set1_ps(1.0f), Exp8(neg_arg));
  return _mm256_div_ps(num, den);
}

// The same function for one float, on the scalar tail.
inline float DivOnePlusExp1(float num, float neg_arg) {
  return num / (1.0f + expf(neg_arg));
}

// 2 sqrt(2/pi) and 2 sqrt(2/pi) * 0.044715: GELU's 0.5 (1 + tanh(u)) is
// 1 / (1 + e^(-2u)) with u = sqrt(2/pi) (x + 0.044715 x^3).
constexpr float kGeluLinear = 1.5957691216f;
constexpr float kGeluCubic = 0.0713548163f;

}  // namespace

void RmsNormAvx2(const float* x, const float* weight, float* out, int64_t n,
                 float eps) {
  // Two accumulators halve the dependency chain of the sum of squares.
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    acc0 = _mm256_fmadd_ps(a, a, acc0);
    acc1 = _mm256_fmadd_ps(b, b, acc1);
  }
  double sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += double{x[i]} * double{x[i]};
  const auto scale = static_cast<float>(
      1.0 / sqrt(sum / static_cast<double>(n) + double{eps}));
  const __m256 s = _mm256_set1_ps(scale);
  for (i = 0; i + 8 <= n; i += 8) {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), s);
    if (weight != nullptr) v = _mm256_mul_ps(v, _mm256_loadu_ps(weight + i));
    _mm256_storeu_ps(out + i, v);
  }
  for (; i < n; ++i) out[i] = x[i] * scale * (weight ? weight[i] : 1.0f);
}

void SoftmaxAvx2(float* x, int64_t n) {
  __m256 vmax = _mm256_set1_ps(x[0]);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + j));
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, vmax);
  float max = lanes[0];
  for (int k = 1; k < 8; ++k) max = fmaxf(max, lanes[k]);
  for (; j < n; ++j) max = fmaxf(max, x[j]);
  const __m256 m = _mm256_set1_ps(max);
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = Exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    _mm256_storeu_ps(x + i, e);
    acc = _mm256_add_ps(acc, e);
  }
  double sum = HorizontalSum(acc);
  for (; i < n; ++i) {
    x[i] = expf(x[i] - max);
    sum += x[i];
  }
  const auto inv = static_cast<float>(1.0 / sum);
  const __m256 s = _mm256_set1_ps(inv);
  for (i = 0; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), s));
  }
  for (; i < n; ++i) x[i] *= inv;
}

void GeluAvx2(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 v2 = _mm256_mul_ps(v, v);
    // -2u = -(kGeluLinear + kGeluCubic x^2) x
    const __m256 k = _mm256_fmadd_ps(v2, _mm256_set1_ps(kGeluCubic),
                                     _mm256_set1_ps(kGeluLinear));
    const __m256 neg = _mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(k, v));
    _mm256_storeu_ps(out + i, DivOnePlusExp(v, neg));
  }
  for (; i < n; ++i) {
    const float v = x[i];
    out[i] = DivOnePlusExp1(v, -(kGeluLinear + kGeluCubic * v * v) * v);
  }
}

void SiluAvx2(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm256_storeu_ps(out + i,
                     DivOnePlusExp(v, _mm256_sub_ps(_mm256_setzero_ps(), v)));
  }
  for (; i < n; ++i) out[i] = DivOnePlusExp1(x[i], -x[i]);
}

void MulAvx2(const float* a, const float* b, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(
        out + i, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  }
  for (; i < n; ++i) out[i] = a[i] * b[i];
}

void AddAvx2(const float* a, const float* b, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(
        out + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  }
  for (; i < n; ++i) out[i] = a[i] + b[i];
}

}  // namespace lapbench::kernels::avx2
