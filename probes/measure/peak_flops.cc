// Peak FP32 multiply-add throughput per vector ISA, one or many threads.
#include <algorithm>
#include <string>
#include <vector>

#include "probes/measure.h"
#include "probes/measure/fma_loops.h"
#include "probes/measure/timing.h"

namespace lapbench::probes {
namespace {

using LoopFn = float (*)(uint64_t);

struct IsaInfo {
  std::string_view name;
  int lanes;  // FP32 lanes per instruction
  LoopFn loop;
  // Features the loop's instructions need; the first that is missing or
  // not enabled by the OS is the reason the ISA is unusable.
  std::vector<CpuFeature> needs;
};

const IsaInfo& Info(FlopsIsa isa) {
  static const IsaInfo kInfo[kFlopsIsaCount] = {
      {"scalar", 1, measure::FmaLoopScalar, {}},
      {"sse2", 4, measure::FmaLoopSse2, {}},
      {"avx2_fma",
       8,
       measure::FmaLoopAvx2,
       {CpuFeature::kAvx2, CpuFeature::kFma}},
      {"avx512f", 16, measure::FmaLoopAvx512, {CpuFeature::kAvx512F}},
  };
  return kInfo[static_cast<size_t>(isa)];
}

// Repetitions are short (a few ms, so that on a busy machine some of them
// run without preemption) and as many as the budget allows, up to a cap.
constexpr double kMaxFlopsRepS = 10e-3;
constexpr int kTargetFlopsReps = 5;
constexpr int kMaxFlopsReps = 50;

// Times `loop` for `n_iterations` on each of `n_threads` threads.
measure::RunTime TimeLoop(LoopFn loop, uint64_t n_iterations, int n_threads,
                          bool pin) {
  std::vector<float> results(static_cast<size_t>(n_threads) * 16);
  const measure::RunTime run = measure::RunTogether(n_threads, pin, [&](int i) {
    // One result per 64-byte line: no false sharing between threads.
    results[static_cast<size_t>(i) * 16] = loop(n_iterations);
  });
  double sum = 0;
  for (float r : results) sum += r;
  measure::Consume(sum);
  return run;
}

}  // namespace

std::string_view FlopsIsaName(FlopsIsa isa) { return Info(isa).name; }

const std::array<FlopsIsa, kFlopsIsaCount>& AllFlopsIsas() {
  static const std::array<FlopsIsa, kFlopsIsaCount> kAll = {
      FlopsIsa::kScalar, FlopsIsa::kSse2, FlopsIsa::kAvx2Fma,
      FlopsIsa::kAvx512F};
  return kAll;
}

std::string FlopsIsaUnusableReason(FlopsIsa isa, const CpuFeatures& cpu) {
  for (CpuFeature feature : Info(isa).needs) {
    const std::string name(CpuFeatureName(feature));
    if (!cpu.CpuHas(feature)) return "CPU lacks " + name;
    if (!cpu.OsEnabled(feature)) {
      return feature == CpuFeature::kAvx512F
                 ? "OS does not enable ZMM state (XCR0)"
                 : "OS does not enable YMM state (XCR0) for " + name;
    }
  }
  return "";
}

int FlopsIsaLanes(FlopsIsa isa) { return Info(isa).lanes; }

int FlopsIsaChains(FlopsIsa /*isa*/) { return measure::kFmaChains; }

uint64_t FlopsPerIteration(FlopsIsa isa) {
  // A fused multiply-add, or a multiply and an add, is 2 FLOPs per lane.
  return uint64_t{2} * static_cast<uint64_t>(FlopsIsaChains(isa)) *
         static_cast<uint64_t>(FlopsIsaLanes(isa));
}

FlopsResult MeasurePeakFlops(FlopsIsa isa, const CpuFeatures& cpu,
                             int n_threads, double budget_s, bool pin) {
  FlopsResult result{isa, Reading<double>(), n_threads, 0, 1};
  if (std::string reason = FlopsIsaUnusableReason(isa, cpu); !reason.empty()) {
    result.flops_per_s = Reading<double>::Missing(reason);
    return result;
  }
  const LoopFn loop = Info(isa).loop;

  // Size one repetition on the calling thread, warming the FP units (and
  // settling any wide-vector clock licence) on the way.
  const double target_s = std::clamp(budget_s / kTargetFlopsReps,
                                     measure::kCalibrationMinS, kMaxFlopsRepS);
  const uint64_t n_iterations = measure::CalibrateIterations(
      [&](uint64_t n) { return TimeLoop(loop, n, 1, pin).wall_s; }, target_s);

  const measure::BestTime best = measure::RepeatBest(
      budget_s, kMaxFlopsReps,
      [&] { return TimeLoop(loop, n_iterations, n_threads, pin); });
  const double flops = static_cast<double>(FlopsPerIteration(isa)) *
                       static_cast<double>(n_iterations) * n_threads;
  result.flops_per_s = flops / best.best_s;
  result.n_repetitions = best.n_repetitions;
  result.cpu_share = best.cpu_share;
  return result;
}

}  // namespace lapbench::probes
