// How long a case should take: a rough model from weight bytes, memory
// bandwidth and an assumed kernel throughput per variant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// What measuring accuracy (policy.accuracy) adds to a plan.
struct AccuracyEstimate {
  double make_s = 0;    // writing the reference files
  double passes_s = 0;  // the fixed sequence through references and formats
  // One per model: its reference and the file it writes, or why none.
  std::vector<std::string> notes;
};

// For each preset with runnable cases in `plan` (in plan order): the
// reference harness/run_accuracy.h would choose on `machine`'s RAM, its
// file written once (at kAssumedMakeBytesPerS, unless the suite runs that
// format anyway), and one pass of policy.accuracy_tokens through it and
// through each of the model's formats, each costed as a prompt on every
// CPU with its first case's variant. Disk space is not known here.
AccuracyEstimate EstimateAccuracy(const Plan& plan, const MeasurePolicy& policy,
                                  const Machine& machine);

}  // namespace lapbench::harness
