// Registration of the BM_Attention benchmarks.
#pragma once

#include "kernels/bench/machine_reference.h"

namespace lapbench::kernels::bench {

// Registers BM_Attention/<variant>/<kv format>/<shape>/n_threads:1 for
// every variant this CPU runs that has an attention kernel, with F16 and
// F32 caches: one layer's decode-step attention over a cache read from
// memory, reported as KV bytes per second and as a fraction of the
// one-thread read bandwidth in `reference`, which must outlive the run.
void RegisterAttentionBenchmarks(const MachineReference& reference);

}  // namespace lapbench::kernels::bench
