// The machine's measured limits that the benchmark ratios divide by.
#pragma once

#include <optional>
#include <string>

#include "probes/measure.h"

namespace lapbench::kernels::bench {

// Read bandwidth and peak FP32 FLOP/s at 1 thread and at all threads,
// measured by the probes layer in the same process as the benchmarks.
struct MachineReference {
  int n_threads_all = 1;
  double read_bytes_per_s_1 = 0;  // 0 when the measurement failed
  double read_bytes_per_s_all = 0;
  double peak_flops_1 = 0;
  double peak_flops_all = 0;
  std::string peak_isa;  // the widest FMA ISA this CPU can run
  probes::Measurements measured;

  // The references for a pool of `n_threads` (1 or n_threads_all).
  double ReadBytesPerS(int n_threads) const {
    return n_threads == 1 ? read_bytes_per_s_1 : read_bytes_per_s_all;
  }
  double PeakFlops(int n_threads) const {
    return n_threads == 1 ? peak_flops_1 : peak_flops_all;
  }
};

// Probes the machine (without its own measurements), then measures
// bandwidth with a buffer of max(8 x LLC, 256 MiB) and peak FLOP/s within
// about budget_s. Prints a summary to stderr.
MachineReference MeasureReference(double budget_s);

// Adds the references to Google Benchmark's JSON "context" as lapbench_*
// keys (numbers as decimal strings, the measured section as JSON text).
void AddReferenceContext(const MachineReference& reference);

}  // namespace lapbench::kernels::bench
