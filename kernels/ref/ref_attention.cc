// Reference attention of one query position over an F32 or F16 KV cache.
#include <algorithm>
#include <cmath>

#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

// Element `index` of cache row `t` (a [n_kv_heads][head_dim] row).
float CacheElem(const void* cache, Format format, size_t row_bytes, int64_t t,
                int64_t index) {
  const auto* row =
      static_cast<const uint8_t*>(cache) + static_cast<size_t>(t) * row_bytes;
  if (format == Format::kF16) {
    return Fp16ToFp32(reinterpret_cast<const uint16_t*>(row)[index]);
  }
  return reinterpret_cast<const float*>(row)[index];
}

// logit = scale * dot(q, k_t), soft-capped when softcap > 0.
float Logit(const AttentionParams& p, const float* q, int64_t kv_offset,
            int64_t t) {
  double dot = 0.0;
  for (int64_t d = 0; d < p.head_dim; ++d) {
    const float k =
        CacheElem(p.k, p.kv_format, p.kv_row_bytes, t, kv_offset + d);
    dot += double{q[d]} * double{k};
  }
  double logit = double{p.scale} * dot;
  if (p.softcap > 0.0f) {
    logit = double{p.softcap} * std::tanh(logit / double{p.softcap});
  }
  return static_cast<float>(logit);
}

// One query head: scores over [first, pos], softmax, weighted sum of V;
// `scores` is its scratch row, indexed by position.
void AttendHead(const AttentionParams& p, int64_t h, int64_t first,
                float* scores) {
  const int64_t group = p.n_heads / p.n_kv_heads;
  const int64_t kv_offset = (h / group) * p.head_dim;
  const float* q = p.q + h * p.head_dim;
  float* out = p.out + h * p.head_dim;

  for (int64_t t = first; t <= p.pos; ++t)
    scores[t] = Logit(p, q, kv_offset, t);
  Softmax(scores + first, p.pos - first + 1);

  for (int64_t d = 0; d < p.head_dim; ++d) {
    double sum = 0.0;
    for (int64_t t = first; t <= p.pos; ++t) {
      const float v =
          CacheElem(p.v, p.kv_format, p.kv_row_bytes, t, kv_offset + d);
      sum += double{scores[t]} * double{v};
    }
    out[d] = static_cast<float>(sum);
  }
}

}  // namespace

void Attention(const AttentionParams& p, int64_t head_begin, int64_t head_end) {
  // A window of n positions includes the query's own: keys p0 with
  // pos - p0 >= window are masked (llama.cpp's and HF's rule).
  const int64_t first =
      p.window > 0 ? std::max<int64_t>(0, p.pos - p.window + 1) : 0;
  for (int64_t h = head_begin; h < head_end; ++h) {
    AttendHead(p, h, first, p.scores + (h - head_begin) * p.scores_stride);
  }
}

}  // namespace lapbench::kernels::ref
