// The BM_Attention benchmarks: one decode step's attention of one layer.
#include "kernels/bench/bench_attention.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/quantize.h"
#include "kernels/registry.h"

namespace lapbench::kernels::bench {
namespace {

// A layer's attention at a decode position: n_heads query heads over
// n_kv_heads cached ones, positions [0, pos].
struct AttentionShape {
  const char* name;
  int64_t n_heads, n_kv_heads, head_dim, pos;
};

// Gemma 4 12B's sliding layers (two query heads per KV head, 256-wide
// heads), Llama 3.2 1B's layers (four per KV head, 64 wide) and Gemma 3
// 1B's (four query heads on a single KV head, 256 wide), at 512 positions
// of context, as in the engine's 512-token prompt benchmark.
const std::vector<AttentionShape>& Shapes() {
  static const std::vector<AttentionShape> kShapes = {
      {"gemma4_12b_local_16x8x256_pos511", 16, 8, 256, 511},
      {"llama32_1b_32x8x64_pos511", 32, 8, 64, 511},
      {"gemma3_1b_4x1x256_pos511", 4, 1, 256, 511},
  };
  return kShapes;
}

// In decode every layer's cache has been pushed out of the caches by the
// weights streamed since that layer's last step. Iterations walk through
// this many bytes of distinct layer caches, far beyond any laptop's LLC,
// so each reads its K and V from memory as the engine does.
constexpr size_t kColdBytes = size_t{512} << 20;

struct AttentionCase {
  const Variant* variant;
  Format kv_format;
  AttentionShape shape;
  const MachineReference* reference;
};

void RunAttention(benchmark::State& state, const AttentionCase& c) {
  const AttentionShape& s = c.shape;
  const int64_t kv_dim = s.n_kv_heads * s.head_dim;
  const size_t row_bytes = RowBytes(c.kv_format, kv_dim, "kv cache row");
  const int64_t n_ctx = s.pos + 1;
  const size_t layer_bytes = 2 * row_bytes * static_cast<size_t>(n_ctx);
  const size_t n_layers = std::max<size_t>(1, kColdBytes / layer_bytes);

  // Every layer holds the same seeded values: the cache lines differ, the
  // arithmetic does not.
  std::mt19937 gen(23u);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> row(static_cast<size_t>(kv_dim));
  std::vector<uint8_t> layer(layer_bytes);
  for (int64_t t = 0; t < 2 * n_ctx; ++t) {
    for (float& x : row) x = normal(gen);
    QuantizeRow(c.kv_format, row.data(),
                layer.data() + static_cast<size_t>(t) * row_bytes, kv_dim);
  }
  // Huge-page memory, as the engine's KV cache: with 4 KiB pages a cache
  // row of Gemma 4 12B (4 KiB) would be a TLB miss per position.
  probes::BandwidthBuffer cache(layer_bytes * n_layers, 1);
  if (!cache.ok()) {
    state.SkipWithError(cache.error().c_str());
    return;
  }
  auto* cache_bytes = reinterpret_cast<uint8_t*>(cache.data());
  for (size_t l = 0; l < n_layers; ++l) {
    std::copy(layer.begin(), layer.end(), cache_bytes + l * layer_bytes);
  }
  std::vector<float> q(static_cast<size_t>(s.n_heads * s.head_dim));
  for (float& x : q) x = normal(gen);
  std::vector<float> out(q.size());
  std::vector<float> scores(static_cast<size_t>(s.n_heads * n_ctx));

  AttentionParams p;
  p.q = q.data();
  p.kv_format = c.kv_format;
  p.kv_row_bytes = row_bytes;
  p.out = out.data();
  p.scores = scores.data();
  p.scores_stride = n_ctx;
  p.n_heads = s.n_heads;
  p.n_kv_heads = s.n_kv_heads;
  p.head_dim = s.head_dim;
  p.pos = s.pos;
  p.scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
  const AttentionFn attention = c.variant->kernels->attention;
  size_t l = 0;
  for (auto _ : state) {
    const uint8_t* base = cache_bytes + l * layer_bytes;
    p.k = base;
    p.v = base + layer_bytes / 2;
    attention(p, 0, s.n_heads);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    l = (l + 1) % n_layers;
  }

  using benchmark::Counter;
  const double bytes = static_cast<double>(layer_bytes) *
                       static_cast<double>(state.iterations());
  state.counters["kv_bytes_per_s"] = Counter(bytes, Counter::kIsRate);
  const double bw = c.reference->ReadBytesPerS(1);
  if (bw > 0) {
    state.counters["bw_fraction"] = Counter(bytes / bw, Counter::kIsRate);
  }
}

}  // namespace

void RegisterAttentionBenchmarks(const MachineReference& reference) {
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  for (const AttentionShape& shape : Shapes()) {
    for (const Variant& v : AllVariants()) {
      if (!MissingFeatures(v, cpu).empty() || v.kernels->attention == nullptr) {
        continue;
      }
      for (const Format f : {Format::kF16, Format::kF32}) {
        const AttentionCase c{&v, f, shape, &reference};
        const std::string name =
            fmt::format("BM_Attention/{}/{}/{}/n_threads:1", v.name,
                        Info(f).name, shape.name);
        benchmark::RegisterBenchmark(
            name.c_str(), [c](benchmark::State& s) { RunAttention(s, c); })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace lapbench::kernels::bench
