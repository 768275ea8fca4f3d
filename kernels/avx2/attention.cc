// AVX2 attention of one query position over an F32 or F16 KV cache.
#include <immintrin.h>
#include <math.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"

namespace lapbench::kernels::avx2 {
namespace {

// 8 cache elements at `row` + i as floats.
inline __m256 LoadKv8(const void* row, Format format, int64_t i) {
  if (format == Format::kF16) {
    return LoadF16x8(static_cast<const uint16_t*>(row) + i);
  }
  return _mm256_loadu_ps(static_cast<const float*>(row) + i);
}

inline float LoadKv1(const void* row, Format format, int64_t i) {
  if (format == Format::kF16) {
    return HalfToFloat(static_cast<const uint16_t*>(row)[i]);
  }
  return static_cast<const float*>(row)[i];
}

// Start of KV head `kv_head` in cache position t of `cache`.
inline const void* KvRow(const AttentionParams& p, const void* cache, int64_t t,
                         int64_t kv_head) {
  const size_t elem_bytes = p.kv_format == Format::kF16 ? 2 : 4;
  return static_cast<const uint8_t*>(cache) + t * p.kv_row_bytes +
         static_cast<size_t>(kv_head * p.head_dim) * elem_bytes;
}

// dot(q, k) over head_dim elements.
float DotQK(const AttentionParams& p, const float* q, const void* k) {
  __m256 acc = _mm256_setzero_ps();
  int64_t d = 0;
  for (; d + 8 <= p.head_dim; d += 8) {
    acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), LoadKv8(k, p.kv_format, d),
                          acc);
  }
  float sum = HorizontalSum(acc);
  for (; d < p.head_dim; ++d) sum += q[d] * LoadKv1(k, p.kv_format, d);
  return sum;
}

// out += weight * v over head_dim elements.
void AddScaledV(const AttentionParams& p, float weight, const void* v,
                float* out) {
  const __m256 w = _mm256_set1_ps(weight);
  int64_t d = 0;
  for (; d + 8 <= p.head_dim; d += 8) {
    _mm256_storeu_ps(out + d, _mm256_fmadd_ps(w, LoadKv8(v, p.kv_format, d),
                                              _mm256_loadu_ps(out + d)));
  }
  for (; d < p.head_dim; ++d) out[d] += weight * LoadKv1(v, p.kv_format, d);
}

// One query head: logits over [first, pos], softmax, weighted sum of V.
void AttendHead(const AttentionParams& p, int64_t h, int64_t first) {
  const int64_t kv_head = h / (p.n_heads / p.n_kv_heads);
  const float* q = p.q + h * p.head_dim;
  float* scores = p.scores + h * p.scores_stride;  // indexed by position
  float* out = p.out + h * p.head_dim;

  for (int64_t t = first; t <= p.pos; ++t) {
    float logit = p.scale * DotQK(p, q, KvRow(p, p.k, t, kv_head));
    if (p.softcap > 0.0f) logit = p.softcap * tanhf(logit / p.softcap);
    scores[t] = logit;
  }
  SoftmaxAvx2(scores + first, p.pos - first + 1);

  for (int64_t d = 0; d < p.head_dim; ++d) out[d] = 0.0f;
  for (int64_t t = first; t <= p.pos; ++t) {
    AddScaledV(p, scores[t], KvRow(p, p.v, t, kv_head), out);
  }
}

}  // namespace

void AttentionAvx2(const AttentionParams& p, int64_t head_begin,
                   int64_t head_end) {
  // A window of n positions includes the query's own position.
  const int64_t first =
      p.window > 0 && p.pos - p.window + 1 > 0 ? p.pos - p.window + 1 : 0;
  for (int64_t h = head_begin; h < head_end; ++h) AttendHead(p, h, first);
}

}  // namespace lapbench::kernels::avx2
