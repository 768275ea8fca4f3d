// Duration estimates for planned cases. Every figure here is an
// assumption or a probe's measurement; the plan prints which.
#include "harness/plan_estimate.h"

#include <algorithm>

namespace lapbench::harness {
namespace {

// Read bandwidth with `n_threads`: one thread's rate times the threads,
// never more than what all threads together reach.
double BandwidthFor(const Machine& machine, int n_threads) {
  return std::min(machine.read_bytes_per_s_all,
                  machine.read_bytes_per_s_1t * n_threads);
}

}  // namespace

double AssumedFlopsPerThread(std::string_view variant) {
  // ref is portable scalar code; the SIMD variants reach a fraction of a
  // core's FMA peak once activations are quantized and weights unpacked.
  if (variant == "ref") return 1.5e9;
  if (variant == "avx2") return 20e9;
  if (variant == "avx512") return 35e9;
  if (variant == "onednn") return 30e9;
  return 10e9;
}

CaseEstimate EstimateCase(const ModelFacts& model, std::string_view variant,
                          int n_threads, int64_t prompt_tokens,
                          int64_t gen_tokens, const MeasurePolicy& policy,
                          const Machine& machine) {
  double flops_per_s = AssumedFlopsPerThread(variant) * n_threads;
  double flops_per_token = 2.0 * static_cast<double>(model.n_params);
  double pass_s = static_cast<double>(model.weights_bytes) /
                  BandwidthFor(machine, n_threads);
  double token_compute_s = flops_per_token / flops_per_s;

  CaseEstimate e;
  e.prefill_s = pass_s + static_cast<double>(prompt_tokens) * token_compute_s;
  double per_token_s = std::max(pass_s, token_compute_s);
  e.decode_s = static_cast<double>(gen_tokens) * per_token_s;

  double run_s = e.prefill_s + e.decode_s;
  if (policy.sustained_decode_s > 0) {
    e.min_s =
        policy.warmup_runs * run_s + e.prefill_s + policy.sustained_decode_s;
    e.max_s = e.min_s;
    return e;
  }
  e.min_s = (policy.warmup_runs + policy.min_reps) * run_s;
  e.max_s = (policy.warmup_runs + policy.max_reps) * run_s;
  return e;
}

}  // namespace lapbench::harness
