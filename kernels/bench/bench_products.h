// Registration of the BM_MatVec and BM_MatMul benchmarks.
#pragma once

#include "kernels/bench/machine_reference.h"

namespace lapbench::kernels::bench {

// Registers BM_MatVec/<variant>/<format>/<shape>/n_threads:<n> and
// BM_MatMul/... for every variant this CPU runs, every weight format the
// variant covers, each shape, at 1 thread and at all threads. `reference`
// must outlive the benchmark run (its numbers feed the ratio counters).
void RegisterProductBenchmarks(const MachineReference& reference);

}  // namespace lapbench::kernels::bench
