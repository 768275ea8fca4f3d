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
// all of them instead of once per head. Positions are walked in small
// blocks (see kBlock), so the weighted sums of V are carried from block to
// block in `out`.
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

// Positions are taken in blocks of kBlock, every head of the call over one
// block before the next block. The call's heads are a contiguous slice of
// each cache row, so the cache is read a few rows at a time, whole slices,
// instead of once per KV head in a few lines every kv_row_bytes; while a
// block is computed the next block's slices are prefetched into L2. With
// a head-by-head walk prefetching each head's lines 64 positions ahead,
// attention read its cold cache at 7.5 GB/s on a Zen 4 core (one layer of
// Gemma 4 12B at 512 positions, F16); in blocks of 8 positions it reads
// 13.7 GB/s, and Llama 3.2 1B's 4.7 rose to 6.4 (BM_Attention in
// lapbench-kernels). Blocks of 4, 16 and 32 were slower. Gemma 3 1B's
// layers (four query heads on one KV head) lost: 10.8 -> 9.2 GB/s, the
// eight-position blocks reloading and storing the V sums of four heads
// sixteen times each, where one walk over all positions did it once.
constexpr int64_t kBlock = 8;

// The range of positions [t0, t1] of one block.
struct Block {
  int64_t t0, t1;
};

// Prefetches bytes [begin, end) of rows [t0, t1] of `cache` into L2.
// Always inlined: GCC deems a function that only prefetches free of
// effects and deletes calls to it.
[[gnu::always_inline]] inline void PrefetchRows(const AttentionParams& p,
                                                const void* cache, Block b,
                                                size_t begin, size_t end) {
  constexpr uintptr_t kLineBytes = 64;
  for (int64_t t = b.t0; t <= b.t1; ++t) {
    const auto row = reinterpret_cast<uintptr_t>(cache) +
                     static_cast<uintptr_t>(t) * p.kv_row_bytes;
    for (uintptr_t line = (row + begin) & ~(kLineBytes - 1); line < row + end;
         line += kLineBytes) {
      _mm_prefetch(reinterpret_cast<const char*>(line), _MM_HINT_T1);
    }
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

// kM query heads that share one KV head; kM = 1 is a lone head.
template <int kM>
struct HeadGroup {
  int64_t kv_head;
  const float* q[kM];
  float* scores[kM];  // each head's scratch row, indexed by position
  float* out[kM];
};

// The group of heads h0 .. h0 + kM - 1; head h's scratch row is
// (h - head_begin) rows into p.scores.
template <int kM>
HeadGroup<kM> MakeGroup(const AttentionParams& p, int64_t h0,
                        int64_t head_begin) {
  HeadGroup<kM> g;
  g.kv_head = h0 / (p.n_heads / p.n_kv_heads);
  for (int j = 0; j < kM; ++j) {
    g.q[j] = p.q + (h0 + j) * p.head_dim;
    g.scores[j] = p.scores + (h0 + j - head_begin) * p.scores_stride;
    g.out[j] = p.out + (h0 + j) * p.head_dim;
  }
  return g;
}

// scores[j][t] = logit(q_j . k_t) for t in the block: two positions at a
// time, 2 kM independent chains.
template <bool kF16, int kM>
void GroupLogits(const AttentionParams& p, const HeadGroup<kM>& g, Block b) {
  using Kv = KvElems<kF16>;
  const int64_t hd = p.head_dim;
  const int64_t hd8 = hd / 8 * 8;
  int64_t t = b.t0;
  for (; t + 2 <= b.t1 + 1; t += 2) {
    const void* k0 = KvRow<kF16>(p, p.k, t, g.kv_head);
    const void* k1 = KvRow<kF16>(p, p.k, t + 1, g.kv_head);
    __m256 acc[2 * kM];
#pragma GCC unroll 8
    for (int i = 0; i < 2 * kM; ++i) acc[i] = _mm256_setzero_ps();
    for (int64_t d = 0; d < hd8; d += 8) {
      const __m256 a = Kv::Load8(k0, d);
      const __m256 c = Kv::Load8(k1, d);
#pragma GCC unroll 4
      for (int j = 0; j < kM; ++j) {
        const __m256 qd = _mm256_loadu_ps(g.q[j] + d);
        acc[2 * j] = _mm256_fmadd_ps(qd, a, acc[2 * j]);
        acc[2 * j + 1] = _mm256_fmadd_ps(qd, c, acc[2 * j + 1]);
      }
    }
    alignas(16) float dot[2 * kM];
    int i = 0;
#pragma GCC unroll 2
    for (; i + 4 <= 2 * kM; i += 4) {
      _mm_store_ps(dot + i,
                   SumEach4(acc[i], acc[i + 1], acc[i + 2], acc[i + 3]));
    }
#pragma GCC unroll 2
    for (; i < 2 * kM; ++i) dot[i] = HorizontalSum(acc[i]);
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
  if (t <= b.t1) {
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

// out_j[d0, d0 + 8 kChunks) += sum over t in the block of
// scores_j[t] * v_t[d0, ...) for every head j of the group, the sums kept
// in registers over the block; `first` starts them from zero.
template <bool kF16, int kM, int kChunks>
void GroupWeightedV(const AttentionParams& p, const HeadGroup<kM>& g, Block b,
                    int64_t d0, bool first) {
  using Kv = KvElems<kF16>;
  __m256 acc[kM][kChunks];
#pragma GCC unroll 4
  for (int j = 0; j < kM; ++j) {
#pragma GCC unroll 8
    for (int c = 0; c < kChunks; ++c) {
      acc[j][c] =
          first ? _mm256_setzero_ps() : _mm256_loadu_ps(g.out[j] + d0 + 8 * c);
    }
  }
  for (int64_t t = b.t0; t <= b.t1; ++t) {
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

// The weighted sum of V over one block for every output dimension of the
// group's heads.
template <bool kF16, int kM>
void GroupBlockV(const AttentionParams& p, const HeadGroup<kM>& g, Block b,
                 bool first) {
  using Kv = KvElems<kF16>;
  // As many output registers as the 16 ymm registers allow beside the V
  // chunks and the kM weights: kM x kChunks accumulators.
  constexpr int kChunks = kM == 1 ? 8 : kM == 2 ? 4 : 2;
  const int64_t hd = p.head_dim;
  int64_t d = 0;
  for (; d + 8 * kChunks <= hd; d += 8 * kChunks) {
    GroupWeightedV<kF16, kM, kChunks>(p, g, b, d, first);
  }
  for (; d + 8 <= hd; d += 8) GroupWeightedV<kF16, kM, 1>(p, g, b, d, first);
  for (; d < hd; ++d) {
    for (int j = 0; j < kM; ++j) {
      float sum = first ? 0.0f : g.out[j][d];
      for (int64_t t = b.t0; t <= b.t1; ++t) {
        sum += g.scores[j][t] * Kv::Load1(KvRow<kF16>(p, p.v, t, g.kv_head), d);
      }
      g.out[j][d] = sum;
    }
  }
}

// Calls fn(group) for heads [head_begin, head_end) in groups of up to four
// that share a KV head, each as a HeadGroup of its size.
template <class Fn>
void ForEachGroup(const AttentionParams& p, int64_t head_begin,
                  int64_t head_end, Fn&& fn) {
  const int64_t group = p.n_heads / p.n_kv_heads;
  int64_t h = head_begin;
  while (h < head_end) {
    // Ternaries, not std::min: see simd_avx2.h on templates in ISA files.
    const int64_t kv_end = (h / group + 1) * group;
    const int64_t group_end = kv_end < head_end ? kv_end : head_end;
    const int64_t m = group_end - h < 4 ? group_end - h : 4;
    switch (m) {
      case 4:
        fn(MakeGroup<4>(p, h, head_begin));
        break;
      case 3:
        fn(MakeGroup<3>(p, h, head_begin));
        break;
      case 2:
        fn(MakeGroup<2>(p, h, head_begin));
        break;
      default:
        fn(MakeGroup<1>(p, h, head_begin));
        break;
    }
    h += m;
  }
}

// Heads [head_begin, head_end) over positions [first, pos]: logits block by
// block, softmax per head, then the weighted sums of V block by block.
template <bool kF16>
void AttendHeads(const AttentionParams& p, int64_t head_begin, int64_t head_end,
                 int64_t first) {
  constexpr size_t kElemBytes = kF16 ? 2 : 4;
  const int64_t group = p.n_heads / p.n_kv_heads;
  // The call's slice of a cache row: its KV heads, contiguous.
  const size_t slice_begin =
      static_cast<size_t>(head_begin / group * p.head_dim) * kElemBytes;
  const size_t slice_end =
      static_cast<size_t>(((head_end - 1) / group + 1) * p.head_dim) *
      kElemBytes;
  const auto block_at = [&](int64_t t0) {
    const int64_t t1 = t0 + kBlock - 1;
    return Block{t0, t1 < p.pos ? t1 : p.pos};
  };
  const auto each_block = [&](const void* cache, auto&& body) {
    PrefetchRows(p, cache, block_at(first), slice_begin, slice_end);
    for (int64_t t0 = first; t0 <= p.pos; t0 += kBlock) {
      if (t0 + kBlock <= p.pos) {
        PrefetchRows(p, cache, block_at(t0 + kBlock), slice_begin, slice_end);
      }
      body(block_at(t0));
    }
  };

  each_block(p.k, [&](Block b) {
    ForEachGroup(p, head_begin, head_end,
                 [&](const auto& g) { GroupLogits<kF16>(p, g, b); });
  });
  for (int64_t h = head_begin; h < head_end; ++h) {
    SoftmaxAvx2(p.scores + (h - head_begin) * p.scores_stride + first,
                p.pos - first + 1);
  }
  each_block(p.v, [&](Block b) {
    ForEachGroup(p, head_begin, head_end, [&](const auto& g) {
      GroupBlockV<kF16>(p, g, b, b.t0 == first);
    });
  });
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
