// The BM_MatVec and BM_MatMul benchmarks at real model shapes.
#include "kernels/bench/bench_products.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <time.h>

#include <chrono>
#include <map>
#include <memory>

#include "kernels/bench/bench_data.h"
#include "kernels/bench/row_pool.h"
#include "kernels/registry.h"

namespace lapbench::kernels::bench {
namespace {

// Decode (one token) shapes. The last is Gemma 3 12B's tied output
// projection: 262144 x 3840 weights are 566 MB in Q4_0 and up to 4 GB in
// F32, beyond any laptop's last-level cache (and this VM's 260 MiB L3),
// so it measures a kernel against DRAM bandwidth.
const std::vector<ProductShape>& MatVecShapes() {
  static const std::vector<ProductShape> kShapes = {
      {"llama32_1b_attn_q_2048x2048", 2048, 2048},
      {"gemma3_12b_ffn_up_3840x15360", 15360, 3840},
      {"gemma3_12b_ffn_down_15360x3840", 3840, 15360},
      {"gemma3_12b_output_3840x262144", 262144, 3840},
  };
  return kShapes;
}

// Prefill shapes: the projections above on a chunk of kPrefillTokens.
const std::vector<ProductShape>& MatMulShapes() {
  static const std::vector<ProductShape> kShapes = {
      MatVecShapes()[0], MatVecShapes()[1], MatVecShapes()[2]};
  return kShapes;
}

// Tokens per matmul: a prompt chunk that makes the products compute-bound
// for every variant with 4x4 or larger register tiles, while a single
// iteration of ref at the FFN shapes still takes only seconds.
constexpr int64_t kPrefillTokens = 32;

RowPool& Pool(int n_threads) {
  static std::map<int, std::unique_ptr<RowPool>> pools;
  auto& pool = pools[n_threads];
  if (!pool) pool = std::make_unique<RowPool>(n_threads);
  return *pool;
}

struct ProductCase {
  const Variant* variant;
  Format format;
  ProductShape shape;
  int64_t n_tokens;  // 0: matvec
  int n_threads;
  const MachineReference* reference;
};

// Wall and whole-process CPU time, for the share of the CPUs a benchmark
// really got: on a busy machine every rate is low, and this says by how
// much (the probes report the same for their measurements).
struct CpuClock {
  double wall_s = 0;
  double cpu_s = 0;

  static CpuClock Now() {
    timespec cpu{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    const auto wall = std::chrono::steady_clock::now().time_since_epoch();
    return {std::chrono::duration<double>(wall).count(),
            static_cast<double>(cpu.tv_sec) + 1e-9 * cpu.tv_nsec};
  }
  // CPU seconds since `start` per wall second per thread (1: all ran).
  double ShareSince(const CpuClock& start, int n_threads) const {
    const double wall = wall_s - start.wall_s;
    return wall > 0 ? (cpu_s - start.cpu_s) / (wall * n_threads) : 0.0;
  }
};

void SetCounters(benchmark::State& state, const ProductCase& c,
                 uint64_t weight_bytes) {
  using benchmark::Counter;
  const auto iterations = static_cast<double>(state.iterations());
  const double bytes = static_cast<double>(weight_bytes) * iterations;
  const double flops = 2.0 * static_cast<double>(c.shape.rows) *
                       static_cast<double>(c.shape.cols) *
                       static_cast<double>(std::max<int64_t>(c.n_tokens, 1)) *
                       iterations;
  state.counters["weight_bytes_per_s"] = Counter(bytes, Counter::kIsRate);
  state.counters["flop_per_s"] = Counter(flops, Counter::kIsRate);
  state.counters["n_threads"] = Counter(c.n_threads);
  // A rate divided by a constant is the rate of the divided total.
  const double bw = c.reference->ReadBytesPerS(c.n_threads);
  const double peak = c.reference->PeakFlops(c.n_threads);
  if (c.n_tokens == 0 && bw > 0) {
    state.counters["bw_fraction"] = Counter(bytes / bw, Counter::kIsRate);
  }
  if (c.n_tokens > 0 && peak > 0) {
    state.counters["peak_fraction"] = Counter(flops / peak, Counter::kIsRate);
  }
}

void RunProduct(benchmark::State& state, const ProductCase& c) {
  RowPool& pool = Pool(c.n_threads);
  const BenchWeights& weights =
      SharedWeights(c.format, c.shape, pool.n_threads());
  if (!weights.ok()) {
    state.SkipWithError(weights.error().c_str());
    return;
  }
  const int64_t tokens = std::max<int64_t>(c.n_tokens, 1);
  const BenchActivations x = MakeActivations(c.format, c.shape.cols, tokens);
  std::vector<float> y(static_cast<size_t>(c.shape.rows * tokens));
  const WeightView& w = weights.view();
  const KernelSet& k = *c.variant->kernels;
  const RowPool::RowFn fn =
      c.n_tokens == 0
          ? RowPool::RowFn([&](int64_t begin, int64_t end) {
              k.matvec[Slot(c.format)](w, x.bytes.data(), y.data(), begin, end);
            })
          : RowPool::RowFn([&](int64_t begin, int64_t end) {
              k.matmul[Slot(c.format)](w, x.bytes.data(), x.x_row_bytes, tokens,
                                       y.data(), c.shape.rows, begin, end);
            });
  const CpuClock start = CpuClock::Now();
  for (auto _ : state) {
    pool.Run(c.shape.rows, fn);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, c, weights.size_bytes());
  state.counters["cpu_share"] = CpuClock::Now().ShareSince(start, c.n_threads);
}

void Register(const ProductCase& c) {
  const std::string name = fmt::format(
      "{}/{}/{}/{}{}/n_threads:{}", c.n_tokens == 0 ? "BM_MatVec" : "BM_MatMul",
      c.variant->name, Info(c.format).name, c.shape.name,
      c.n_tokens == 0 ? "" : fmt::format("_t{}", c.n_tokens), c.n_threads);
  benchmark::RegisterBenchmark(name.c_str(),
                               [c](benchmark::State& s) { RunProduct(s, c); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

// The variants this CPU runs that cover `format` for the op.
std::vector<const Variant*> Runnable(Format format, bool matmul,
                                     const probes::CpuFeatures& cpu) {
  std::vector<const Variant*> runnable;
  for (const Variant& v : AllVariants()) {
    const bool covered = matmul ? v.kernels->matmul[Slot(format)] != nullptr
                                : v.kernels->matvec[Slot(format)] != nullptr;
    if (MissingFeatures(v, cpu).empty() && covered) {
      runnable.push_back(&v);
    }
  }
  return runnable;
}

}  // namespace

void RegisterProductBenchmarks(const MachineReference& reference) {
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  std::vector<int> thread_counts = {1};
  if (reference.n_threads_all > 1) {
    thread_counts.push_back(reference.n_threads_all);
  }
  // Shape, then format outermost, so consecutive benchmarks share weights.
  for (const int64_t n_tokens : {int64_t{0}, kPrefillTokens}) {
    const auto& shapes = n_tokens == 0 ? MatVecShapes() : MatMulShapes();
    for (const ProductShape& shape : shapes) {
      for (const FormatInfo& info : AllFormats()) {
        if (!info.is_weight_format) continue;
        for (const Variant* v : Runnable(info.format, n_tokens > 0, cpu)) {
          for (int n : thread_counts) {
            Register({v, info.format, shape, n_tokens, n, &reference});
          }
        }
      }
    }
  }
}

}  // namespace lapbench::kernels::bench
