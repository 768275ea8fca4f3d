// Duration estimates for planned cases. Every figure here is an
// assumption or a probe's measurement; the plan prints which.
#include "harness/plan_estimate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "engine/memory_plan.h"
#include "harness/run_accuracy.h"

namespace lapbench::harness {
namespace {

// Read bandwidth with `n_threads`: one thread's rate times the threads,
// never more than what all threads together reach.
double BandwidthFor(const Machine& machine, int n_threads) {
  return std::min(machine.read_bytes_per_s_all,
                  machine.read_bytes_per_s_1t * n_threads);
}

// One accuracy pass of `n_tokens` through `model`, as a prompt.
double AccuracyPassS(const ModelFacts& model, const std::string& variant,
                     int64_t n_tokens, const Machine& machine) {
  const int n_threads = std::max<int>(
      1, static_cast<int>(machine.placements.front().cpus.size()));
  return EstimateCase(model, variant, n_threads, n_tokens, 0, MeasurePolicy{},
                      machine)
      .prefill_s;
}

// The formats of each preset's runnable cases, with the first variant.
struct ModelFormats {
  std::vector<std::string> formats;
  std::string variant;
};

std::vector<std::pair<std::string, ModelFormats>> FormatsByModel(
    const Plan& plan) {
  std::vector<std::pair<std::string, ModelFormats>> models;
  for (const PlannedCase& p : plan.cases) {
    if (!p.runnable || p.spec.format == kFileFormatMark) continue;
    auto it = std::find_if(models.begin(), models.end(), [&](const auto& m) {
      return m.first == p.spec.model;
    });
    if (it == models.end()) {
      models.push_back({p.spec.model, {{}, p.variant}});
      it = models.end() - 1;
    }
    std::vector<std::string>& formats = it->second.formats;
    if (std::find(formats.begin(), formats.end(), p.format) == formats.end()) {
      formats.push_back(p.format);
    }
  }
  return models;
}

}  // namespace

AccuracyEstimate EstimateAccuracy(const Plan& plan, const MeasurePolicy& policy,
                                  const Machine& machine) {
  AccuracyEstimate e;
  ReferenceRoom room;
  room.available_bytes = machine.available_bytes;
  room.n_threads = static_cast<int>(machine.placements.front().cpus.size());
  room.n_tokens = policy.accuracy_tokens;
  for (const auto& [model, m] : FormatsByModel(plan)) {
    std::string why;
    const std::string ref = ChooseReference(
        model, room, [](const std::string&) { return false; }, why);
    if (ref.empty()) {
      e.notes.push_back(fmt::format("accuracy of {}: {}", model, why));
      continue;
    }
    const ModelFacts ref_facts = DescribeModel(model, ref);
    e.passes_s +=
        AccuracyPassS(ref_facts, m.variant, policy.accuracy_tokens, machine);
    for (const std::string& format : m.formats) {
      if (format == ref) continue;
      e.passes_s += AccuracyPassS(DescribeModel(model, format), m.variant,
                                  policy.accuracy_tokens, machine);
    }
    const bool made_anyway =
        std::find(m.formats.begin(), m.formats.end(), ref) != m.formats.end();
    if (!made_anyway) {
      e.make_s +=
          static_cast<double>(ref_facts.weights_bytes) / kAssumedMakeBytesPerS;
    }
    e.notes.push_back(fmt::format(
        "accuracy of {} ({}) against its {} version over {} tokens{}", model,
        fmt::join(m.formats, ", "), ref, policy.accuracy_tokens,
        made_anyway
            ? ""
            : fmt::format(" (a {} file written once into the model "
                          "cache)",
                          engine::FormatSize(ref_facts.weights_bytes))));
  }
  return e;
}

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
