// AVX2 attention of one query position over an F32 or F16 KV cache.
//
// The two passes over the cache are written for throughput, not as one
// dot product and one axpy per position: a per-position dot product is a
// single chain of dependent FMAs ending in a horizontal sum, and an axpy
// into `out` in memory makes every position wait for the previous one's
// stores. Both left attention at a few GFLOP/s, a tenth of a decode step
// at 512 positions of context. Here the logits of several (head,
// position) pairs are computed at once (independent chains, one shared
// reduction) and the weighted sum of V keeps its output dimensions in
// registers while it walks the positions; the small fixed loops are
// unrolled so that the accumulators stay in registers.
//
// Query heads that share a KV head (grouped-query attention) are taken up
// to four at a time: each K and V element is loaded and widened once for
// all of them instead of once per head.
#include <immintrin.h>
#include <math.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd_avx2.h"

namespace lapbench::kernels::avx2 {
namespace {

// Cache elements as floats; kF16 picks the cache format at compile time so
// the inner loops carry no format test.
template <bool kF16>
struct KvElems {
  static __m256 Load8(const void* row, int64_t i) {
    if constexpr (kF16) {
      return LoadF16x8(static_cast<const uint16_t*>(row) + i);
    } else {
      return _mm256_loadu_ps(static_cast<const float*>(row) + i);
    }
  }
  static float Load1(const void* row, int64_t i) {
    if constexpr (kF16) {
      return HalfToFloat(static_cast<const uint16_t*>(row)[i]);
    } else {
      return static_cast<const float*>(row)[i];
    }
  }
};

// Start of KV head `kv_head` in cache position t of `cache`.
template <bool kF16>
const void* KvRow(const AttentionParams& p, const void* cache, int64_t t,
                  int64_t kv_head) {
  constexpr size_t kElemBytes = kF16 ? 2 : 4;
  return static_cast<const uint8_t*>(cache) +
         static_cast<size_t>(t) * p.kv_row_bytes +
         static_cast<size_t>(kv_head * p.head_dim) * kElemBytes;
}

// A head's slice of a cache row is a few cache lines every kv_row_bytes,
// a stride the hardware prefetcher does not follow across pages, and the
// cache is cold at every step (the weights streamed through since). The
// loops below prefetch the rows they will reach kAhead positions later.
constexpr int64_t kAhead = 64;

// Always inlined: GCC deems a function that only prefetches free of
// effects and deletes calls to it.
template <bool kF16>
[[gnu::always_inline]] inline void PrefetchRow(const AttentionParams& p,
                                               const void* cache, int64_t t,
                                               int64_t kv_head) {
  constexpr uintptr_t kLineBytes = 64;
  const auto row =
      reinterpret_cast<uintptr_t>(KvRow<kF16>(p, cache, t, kv_head));
  const uintptr_t last =
      row + static_cast<uintptr_t>(p.head_dim) * (kF16 ? 2 : 4) - 1;
  for (uintptr_t line = row & ~(kLineBytes - 1); line <= last;
       line += kLineBytes) {
    _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T0);
  }
}

// Lane i of the result is the sum of the 8 lanes of a_i.
inline __m128 SumEach4(__m256 a0, __m256 a1, __m256 a2, __m256 a3) {
  const __m256 h =
      _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
  return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

// logit = scale * dot(q, k), softcapped when the model asks for it.
inline float Logit(const AttentionParams& p, float dot) {
  const float logit = p.scale * dot;
  return p.softcap > 0.0f ? p.softcap * tanhf(logit / p.softcap) : logit;
}

// scores[t] = logit(q . k_t) for t in [first, pos].
template <bool kF16>
void Logits(const AttentionParams& p, const float* q, int64_t kv_head,
            int64_t first, float* scores) {
  using Kv = KvElems<kF16>;
  const int64_t hd = p.head_dim;
  const int64_t hd8 = hd / 8 * 8;
  int64_t t = first;
  for (; t + 4 <= p.pos + 1; t += 4) {
    for (int64_t ahead = t + kAhead; ahead < t + kAhead + 4 && ahead <= p.pos;
         ++ahead) {
      PrefetchRow<kF16>(p, p.k, ahead, kv_head);
    }
    const void* k[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) k[j] = KvRow<kF16>(p, p.k, t + j, kv_head);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t d = 0; d < hd8; d += 8) {
      const __m256 qd = _mm256_loadu_ps(q + d);
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        acc[j] = _mm256_fmadd_ps(qd, Kv::Load8(k[j], d), acc[j]);
      }
    }
    alignas(16) float dot[4];
    _mm_store_ps(dot, SumEach4(acc[0], acc[1], acc[2], acc[3]));
    for (int j = 0; j < 4; ++j) {
      for (int64_t d = hd8; d < hd; ++d) dot[j] += q[d] * Kv::Load1(k[j], d);
      scores[t + j] = Logit(p, dot[j]);
    }
  }
  for (; t <= p.pos; ++t) {
    const void* k = KvRow<kF16>(p, p.k, t, kv_head);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t d = 0; d < hd8; d += 8) {
      acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), Kv::Load8(k, d), acc);
    }
    float dot = HorizontalSum(acc);
    for (int64_t d = hd8; d < hd; ++d) dot += q[d] * Kv::Load1(k, d);
    scores[t] = Logit(p, dot);
  }
}

// out[d0, d0 + 8 kChunks) = sum over t in [first, pos] of
// scores[t] * v_t[d0, ...), accumulated in kChunks registers.
template <bool kF16, int kChunks>
void WeightedV(const AttentionParams& p, const float* scores, int64_t kv_head,
               int64_t first, int64_t d0, float* out) {
  using Kv = KvElems<kF16>;
  __m256 acc[kChunks];
#pragma GCC unroll 8
  for (int c = 0; c < kChunks; ++c) acc[c] = _mm256_setzero_ps();
  for (int64_t t = first; t <= p.pos; ++t) {
    if (d0 == 0 && t + kAhead <= p.pos) {
      PrefetchRow<kF16>(p, p.v, t + kAhead, kv_head);
    }
    const void* v = KvRow<kF16>(p, p.v, t, kv_head);
    const __m256 w = _mm256_set1_ps(scores[t]);
#pragma GCC unroll 8
    for (int c = 0; c < kChunks; ++c) {
      acc[c] = _mm256_fmadd_ps(w, Kv::Load8(v, d0 + 8 * c), acc[c]);
    }
  }
#pragma GCC unroll 8
  for (int c = 0; c < kChunks; ++c) _mm256_storeu_ps(out + d0 + 8 * c, acc[c]);
}

// One query head: logits over [first, pos], softmax, weighted sum of V;
// `scores` is its row of the scratch, indexed by position.
template <bool kF16>
void AttendHead(const AttentionParams& p, int64_t h, int64_t first,
                float* scores) {
  using Kv = KvElems<kF16>;
  const int64_t kv_head = h / (p.n_heads / p.n_kv_heads);
  const float* q = p.q + h * p.head_dim;
  float* out = p.out + h * p.head_dim;

  Logits<kF16>(p, q, kv_head, first, scores);
  SoftmaxAvx2(scores + first, p.pos - first + 1);

  const int64_t hd = p.head_dim;
  int64_t d = 0;
  for (; d + 64 <= hd; d += 64)
    WeightedV<kF16, 8>(p, scores, kv_head, first, d, out);
  for (; d + 8 <= hd; d += 8)
    WeightedV<kF16, 1>(p, scores, kv_head, first, d, out);
  for (; d < hd; ++d) {
    float sum = 0.0f;
    for (int64_t t = first; t <= p.pos; ++t) {
      sum += scores[t] * Kv::Load1(KvRow<kF16>(p, p.v, t, kv_head), d);
    }
    out[d] = sum;
  }
}

// kM query heads h0 .. h0 + kM - 1 that share one KV head.
template <int kM>
struct HeadGroup {
  int64_t kv_head;
  const float* q[kM];
  float* scores[kM];  // each head's scratch row, indexed by position
  float* out[kM];
};

// scores[j][t] = logit(q_j . k_t) for t in [first, pos]: two positions at
// a time, 2 kM independent chains.
template <bool kF16, int kM>
void GroupLogits(const AttentionParams& p, const HeadGroup<kM>& g,
                 int64_t first) {
  using Kv = KvElems<kF16>;
  const int64_t hd = p.head_dim;
  const int64_t hd8 = hd / 8 * 8;
  int64_t t = first;
  for (; t + 2 <= p.pos + 1; t += 2) {
    for (int64_t ahead = t + kAhead; ahead < t + kAhead + 2 && ahead <= p.pos;
         ++ahead) {
      PrefetchRow<kF16>(p, p.k, ahead, g.kv_head);
    }
    const void* k0 = KvRow<kF16>(p, p.k, t, g.kv_head);
    const void* k1 = KvRow<kF16>(p, p.k, t + 1, g.kv_head);
    __m256 acc[2 * kM];
#pragma GCC unroll 8
    for (int i = 0; i < 2 * kM; ++i) acc[i] = _mm256_setzero_ps();
    for (int64_t d = 0; d < hd8; d += 8) {
      const __m256 a = Kv::Load8(k0, d);
      const __m256 b = Kv::Load8(k1, d);
#pragma GCC unroll 4
      for (int j = 0; j < kM; ++j) {
        const __m256 qd = _mm256_loadu_ps(g.q[j] + d);
        acc[2 * j] = _mm256_fmadd_ps(qd, a, acc[2 * j]);
        acc[2 * j + 1] = _mm256_fmadd_ps(qd, b, acc[2 * j + 1]);
      }
    }
    alignas(16) float dot[2 * kM];
    int i = 0;
#pragma GCC unroll 2
    for (; i + 4 <= 2 * kM; i += 4) {
      _mm_store_ps(dot + i,
                   SumEach4(acc[i], acc[i + 1], acc[i + 2], acc[i + 3]));
    }
    if (i < 2 * kM) {  // kM = 3: the last two chains
      dot[i] = HorizontalSum(acc[i]);
      dot[i + 1] = HorizontalSum(acc[i + 1]);
    }
#pragma GCC unroll 4
    for (int j = 0; j < kM; ++j) {
      for (int64_t d = hd8; d < hd; ++d) {
        dot[2 * j] += g.q[j][d] * Kv::Load1(k0, d);
        dot[2 * j + 1] += g.q[j][d] * Kv::Load1(k1, d);
      }
      g.scores[j][t] = Logit(p, dot[2 * j]);
      g.scores[j][t + 1] = Logit(p, dot[2 * j + 1]);
    }
  }
  if (t <= p.pos) {
    const void* k = KvRow<kF16>(p, p.k, t, g.kv_head);
#pragma GCC unroll 4
    for (int j = 0; j < kM; ++j) {
      __m256 acc = _mm256_setzero_ps();
      for (int64_t d = 0; d < hd8; d += 8) {
        acc =
            _mm256_fmadd_ps(_mm256_loadu_ps(g.q[j] + d), Kv::Load8(k, d), acc);
      }
      float dot = HorizontalSum(acc);
      for (int64_t d = hd8; d < hd; ++d) dot += g.q[j][d] * Kv::Load1(k, d);
      g.scores[j][t] = Logit(p, dot);
    }
  }
}

// out_j[d0, d0 + 8 kChunks) = sum over t in [first, pos] of
// scores_j[t] * v_t[d0, ...) for every head j of the group.
template <bool kF16, int kM, int kChunks>
void GroupWeightedV(const AttentionParams& p, const HeadGroup<kM>& g,
                    int64_t first, int64_t d0) {
  using Kv = KvElems<kF16>;
  __m256 acc[kM][kChunks];
#pragma GCC unroll 4
  for (int j = 0; j < kM; ++j) {
#pragma GCC unroll 8
    for (int c = 0; c < kChunks; ++c) acc[j][c] = _mm256_setzero_ps();
  }
  for (int64_t t = first; t <= p.pos; ++t) {
    if (d0 == 0 && t + kAhead <= p.pos) {
      PrefetchRow<kF16>(p, p.v, t + kAhead, g.kv_head);
    }
    const void* v = KvRow<kF16>(p, p.v, t, g.kv_head);
    __m256 vc[kChunks];
#pragma GCC unroll 8
    for (int c = 0; c < kChunks; ++c) vc[c] = Kv::Load8(v, d0 + 8 * c);
#pragma GCC unroll 4
    for (int j = 0; j < kM; ++j) {
      const __m256 w = _mm256_set1_ps(g.scores[j][t]);
#pragma GCC unroll 8
      for (int c = 0; c < kChunks; ++c) {
        acc[j][c] = _mm256_fmadd_ps(w, vc[c], acc[j][c]);
      }
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < kM; ++j) {
#pragma GCC unroll 8
    for (int c = 0; c < kChunks; ++c) {
      _mm256_storeu_ps(g.out[j] + d0 + 8 * c, acc[j][c]);
    }
  }
}

// Heads h0 .. h0 + kM - 1 (sharing a KV head); `scores` is h0's scratch
// row, the next heads' rows follow at scores_stride.
template <bool kF16, int kM>
void AttendGroup(const AttentionParams& p, int64_t h0, int64_t first,
                 float* scores) {
  using Kv = KvElems<kF16>;
  HeadGroup<kM> g;
  g.kv_head = h0 / (p.n_heads / p.n_kv_heads);
  for (int j = 0; j < kM; ++j) {
    g.q[j] = p.q + (h0 + j) * p.head_dim;
    g.scores[j] = scores + j * p.scores_stride;
    g.out[j] = p.out + (h0 + j) * p.head_dim;
  }
  GroupLogits<kF16, kM>(p, g, first);
  for (int j = 0; j < kM; ++j) {
    SoftmaxAvx2(g.scores[j] + first, p.pos - first + 1);
  }

  // As many output registers as the 16 ymm registers allow beside the V
  // chunks and the kM weights: kM x kChunks accumulators.
  constexpr int kChunks = kM == 2 ? 4 : 2;
  const int64_t hd = p.head_dim;
  int64_t d = 0;
  for (; d + 8 * kChunks <= hd; d += 8 * kChunks) {
    GroupWeightedV<kF16, kM, kChunks>(p, g, first, d);
  }
  for (; d + 8 <= hd; d += 8) GroupWeightedV<kF16, kM, 1>(p, g, first, d);
  for (; d < hd; ++d) {
    for (int j = 0; j < kM; ++j) {
      float sum = 0.0f;
      for (int64_t t = first; t <= p.pos; ++t) {
        sum += g.scores[j][t] * Kv::Load1(KvRow<kF16>(p, p.v, t, g.kv_head), d);
      }
      g.out[j][d] = sum;
    }
  }
}

// Heads [head_begin, head_end), in runs of up to four that share a KV
// head; head h's scratch row is (h - head_begin) rows into p.scores.
template <bool kF16>
void AttendHeads(const AttentionParams& p, int64_t head_begin, int64_t head_end,
                 int64_t first) {
  const int64_t group = p.n_heads / p.n_kv_heads;
  int64_t h = head_begin;
  while (h < head_end) {
    // Ternaries, not std::min: see simd_avx2.h on templates in ISA files.
    const int64_t kv_end = (h / group + 1) * group;
    const int64_t group_end = kv_end < head_end ? kv_end : head_end;
    const int64_t m = group_end - h < 4 ? group_end - h : 4;
    float* scores = p.scores + (h - head_begin) * p.scores_stride;
    switch (m) {
      case 4:
        AttendGroup<kF16, 4>(p, h, first, scores);
        break;
      case 3:
        AttendGroup<kF16, 3>(p, h, first, scores);
        break;
      case 2:
        AttendGroup<kF16, 2>(p, h, first, scores);
        break;
      default:
        AttendHead<kF16>(p, h, first, scores);
        break;
    }
    h += m;
  }
}

}  // namespace

void AttentionAvx2(const AttentionParams& p, int64_t head_begin,
                   int64_t head_end) {
  // A window of n positions includes the query's own position.
  const int64_t first =
      p.window > 0 && p.pos - p.window + 1 > 0 ? p.pos - p.window + 1 : 0;
  if (p.kv_format == Format::kF16) {
    AttendHeads<true>(p, head_begin, head_end, first);
  } else {
    AttendHeads<false>(p, head_begin, head_end, first);
  }
}

}  // namespace lapbench::kernels::avx2
