// How long a case should take: a rough model from weight bytes, memory
// bandwidth and an assumed kernel throughput per variant.
#pragma once

#include <string>
#include <string_view>

#include "harness/model_facts.h"
#include "harness/plan.h"

namespace lapbench::harness {

// Effective FLOP/s one thread of `variant` is assumed to reach in quantized
// matrix products (a guess from typical laptop cores, not a measurement).
double AssumedFlopsPerThread(std::string_view variant);

// Synthetic model files are assumed to be written at this rate (seeded
// generation and quantization on every core).
inline constexpr double kAssumedMakeBytesPerS = 150e6;

// The estimate of one runnable case: a prompt costs 2 FLOPs per parameter
// per token plus one pass over the weights; each generated token costs the
// larger of a pass over the weights at the bandwidth for `n_threads` and
// its FLOPs. Runs are warm-up plus min_reps (or max_reps); a sustained
// policy decodes for its span instead.
CaseEstimate EstimateCase(const ModelFacts& model, std::string_view variant,
                          int n_threads, int64_t prompt_tokens,
                          int64_t gen_tokens, const MeasurePolicy& policy,
                          const Machine& machine);

}  // namespace lapbench::harness
