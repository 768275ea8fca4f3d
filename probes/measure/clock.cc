// The effective core clock from chains of dependent integer instructions.
#include <algorithm>

#include "probes/measure.h"
#include "probes/measure/timing.h"

namespace lapbench::probes {
namespace {

// Instructions per block of the asm chains below.
constexpr uint64_t kChainBlock = 100;
// Cycles each chained instruction costs: its latency, since each needs the
// previous one's result. A register-register add is 1 cycle on every x86
// core; an immediate add is avoided because Golden Cove and later fold
// small immediates at rename and retire such chains faster than 1/cycle.
constexpr double kAddLatencyCycles = 1;
// 64-bit imul r, r: 3 cycles since Nehalem on Intel and on every Zen.
constexpr double kMultiplyLatencyCycles = 3;
// Many short repetitions beat the noise of a shared machine better than a
// few long ones: a 2 ms run often fits in one scheduler time slice, so the
// best of them is likely to have run without being preempted.
constexpr double kClockRepS = 2e-3;
constexpr int kMaxClockReps = 200;

// n_blocks x 100 dependent adds; `step` is opaque to the compiler, which
// therefore cannot fold the chain into one multiply.
uint64_t AddChain(uint64_t n_blocks) {
  uint64_t x = 0;
  const uint64_t step = 1;
  for (uint64_t i = 0; i < n_blocks; ++i) {
    __asm__ volatile(".rept 100\n\taddq %1, %0\n\t.endr" : "+r"(x) : "r"(step));
  }
  return x;
}

// n_blocks x 100 dependent multiplies by one: x never changes, but each
// multiply still waits for the previous.
uint64_t MultiplyChain(uint64_t n_blocks) {
  uint64_t x = 7;
  const uint64_t factor = 1;
  for (uint64_t i = 0; i < n_blocks; ++i) {
    __asm__ volatile(".rept 100\n\timulq %1, %0\n\t.endr"
                     : "+r"(x)
                     : "r"(factor));
  }
  return x;
}

// Times `chain` for `n_blocks` on the calling thread.
measure::RunTime TimeChain(uint64_t (*chain)(uint64_t), uint64_t n_blocks) {
  const double cpu_start_s = measure::ThreadCpuSeconds();
  const measure::Clock::time_point start = measure::Clock::now();
  const uint64_t result = chain(n_blocks);
  measure::RunTime run{measure::SecondsSince(start), 1};
  if (run.wall_s > 0) {
    run.cpu_share = (measure::ThreadCpuSeconds() - cpu_start_s) / run.wall_s;
  }
  measure::Consume(static_cast<double>(result));
  return run;
}

// Cycles per second of a chain whose instructions take `latency_cycles`.
Reading<double> ChainHz(uint64_t (*chain)(uint64_t), double latency_cycles,
                        double budget_s, double* cpu_share) {
  const uint64_t n_blocks = measure::CalibrateIterations(
      [&](uint64_t n) { return TimeChain(chain, n).wall_s; }, kClockRepS);
  const measure::BestTime best = measure::RepeatBest(
      budget_s, kMaxClockReps, [&] { return TimeChain(chain, n_blocks); });
  if (cpu_share != nullptr) *cpu_share = best.cpu_share;
  const double cycles =
      static_cast<double>(n_blocks * kChainBlock) * latency_cycles;
  return cycles / best.best_s;
}

}  // namespace

Reading<double> MeasureClockHz(double budget_s, double* cpu_share) {
  return ChainHz(AddChain, kAddLatencyCycles, budget_s, cpu_share);
}

Reading<double> MeasureClockHzByMultiply(double budget_s, double* cpu_share) {
  return ChainHz(MultiplyChain, kMultiplyLatencyCycles, budget_s, cpu_share);
}

}  // namespace lapbench::probes
