// Whether a measured configuration fits in RAM at a longer context, from
// its measured peak RSS and the engine's memory plan, and what smaller
// model or format would fit when none does.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/memory_plan.h"
#include "engine/model/kv_cache.h"
#include "engine/synth/presets.h"
#include "engine/synth/tensor_types.h"
#include "harness/model_facts.h"
#include "harness/recommend.h"

namespace lapbench::harness {
namespace {

bool NamesGguf(std::string_view model) {
  return model.size() > 5 && model.substr(model.size() - 5) == ".gguf";
}

// The model's facts, or nullopt (with `why`) when its file is not readable
// here, as for a report from another machine.
std::optional<ModelFacts> FitFacts(const reports::CaseSpec& spec,
                                   std::string& why) {
  std::vector<std::string> tries = {spec.model};
  if (NamesGguf(spec.model) && !spec.model_path.empty()) {
    tries.insert(tries.begin(), spec.model_path);
  }
  for (const std::string& model : tries) {
    try {
      return DescribeModel(model, spec.format);
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  return std::nullopt;
}

uint64_t WithFitMargin(uint64_t bytes, double margin) {
  const double scaled = std::ceil(static_cast<double>(bytes) * (1 + margin));
  if (scaled >= static_cast<double>(std::numeric_limits<uint64_t>::max())) {
    return std::numeric_limits<uint64_t>::max();
  }
  return static_cast<uint64_t>(scaled);
}

// The largest peak RSS sample; 0 when there is none.
uint64_t CasePeakRss(const reports::CaseResult& result) {
  const auto& samples = result.metrics.peak_rss_bytes.samples;
  double peak = 0;
  for (double s : samples) peak = std::max(peak, s);
  return static_cast<uint64_t>(peak);
}

engine::MemoryNeeds PlanNeeds(const ModelFacts& facts, kernels::Format kv,
                              int n_threads, int64_t context_tokens) {
  engine::MemoryNeeds needs;
  needs.weights_bytes = facts.weights_bytes;
  needs.kv_bytes_per_token = engine::KvBytesPerToken(facts.config, kv);
  needs.n_ctx_tokens = context_tokens;
  needs.scratch_bytes = EstimateScratchBytes(
      facts.config, std::max(n_threads, 1), context_tokens);
  return needs;
}

// The KV cache format `kv_type` names when the cache can store it.
std::optional<kernels::Format> KvFormat(const std::string& kv_type) {
  const std::optional<kernels::Format> f = kernels::FormatFromName(kv_type);
  if (f != kernels::Format::kF16 && f != kernels::Format::kF32) {
    return std::nullopt;
  }
  return f;
}

// Without the model's shape, only the measured peak RSS is known: enough
// for a context no longer than the measured one. False (with m.note)
// otherwise.
bool SizeWithoutShape(const reports::CaseSpec& spec, uint64_t peak,
                      int64_t context_tokens, const std::string& why,
                      ConfigMemory& m) {
  const int64_t measured_ctx = spec.prompt_tokens + spec.gen_tokens;
  if (context_tokens > measured_ctx || peak == 0) {
    m.note = fmt::format(
        "cannot size a context of {} tokens: {} (the case measured {} tokens)",
        context_tokens, why, measured_ctx);
    return false;
  }
  m.measured_bytes = peak;
  return true;
}

// Fills the measured and planned figures of `m`; false (with m.note) when
// they cannot be had.
bool SizeFromFacts(const reports::CaseResult& result, int64_t context_tokens,
                   uint64_t available_bytes, ConfigMemory& m) {
  const reports::CaseSpec& spec = result.spec;
  const int64_t measured_ctx = spec.prompt_tokens + spec.gen_tokens;
  const uint64_t peak = CasePeakRss(result);
  std::string why;
  const std::optional<ModelFacts> facts = FitFacts(spec, why);
  const std::optional<kernels::Format> kv = KvFormat(spec.kv_type);
  if (!facts || !kv) {
    return SizeWithoutShape(
        spec, peak, context_tokens,
        facts ? fmt::format("unknown KV cache type '{}'", spec.kv_type)
              : "model not readable here: " + why,
        m);
  }
  const int64_t trained = facts->config.n_ctx_train;
  if (trained > 0 && context_tokens > trained) {
    m.note = fmt::format("context of {} tokens exceeds the model's trained {}",
                         context_tokens, trained);
    return false;
  }
  const engine::MemoryNeeds needs =
      PlanNeeds(*facts, *kv, spec.threads, context_tokens);
  m.planned_bytes = engine::PlanMemory(needs, available_bytes).needed_bytes;
  if (peak > 0) {
    const int64_t extra = std::max<int64_t>(0, context_tokens - measured_ctx);
    m.measured_bytes =
        peak + needs.kv_bytes_per_token * static_cast<uint64_t>(extra);
  }
  return true;
}

std::string FitNote(const ConfigMemory& m, const reports::CaseSpec& spec,
                    int64_t context_tokens, double margin,
                    uint64_t available_bytes) {
  const int64_t measured_ctx = spec.prompt_tokens + spec.gen_tokens;
  std::string parts;
  if (m.measured_bytes > 0) {
    parts = fmt::format("peak RSS at {} tokens plus the KV cache beyond: {}",
                        measured_ctx, engine::FormatSize(m.measured_bytes));
  }
  if (m.planned_bytes > 0) {
    parts += fmt::format("{}engine plan: {}", parts.empty() ? "" : "; ",
                         engine::FormatSize(m.planned_bytes));
  }
  return fmt::format(
      "needs {} for {} tokens ({}), {} with the {:.0f}% margin; {} available",
      engine::FormatSize(m.need_bytes), context_tokens, parts,
      engine::FormatSize(m.with_margin_bytes), margin * 100,
      engine::FormatSize(available_bytes));
}

// RAM a need may take so that need x (1 + margin) fits.
uint64_t FitBudget(uint64_t available_bytes, double margin) {
  return static_cast<uint64_t>(
      std::floor(static_cast<double>(available_bytes) / (1 + margin)));
}

std::string FitPlanText(const std::string& model, const std::string& format,
                        const engine::MemoryPlan& plan, double margin) {
  return fmt::format(
      "{} in {} would fit: the engine plans {} (weights {}, KV cache {}, "
      "scratch {}), {} with the {:.0f}% margin",
      model, format, engine::FormatSize(plan.needed_bytes),
      engine::FormatSize(plan.weights_bytes),
      engine::FormatSize(plan.kv_cache_bytes),
      engine::FormatSize(plan.scratch_bytes),
      engine::FormatSize(WithFitMargin(plan.needed_bytes, margin)),
      margin * 100);
}

// The most precise format of preset `name` lighter than `below_bytes`
// that fits `budget` with the KV type, threads and context of `needs`.
std::optional<std::string> FittingFormat(const std::string& name,
                                         uint64_t below_bytes,
                                         engine::MemoryNeeds needs,
                                         uint64_t budget, double margin) {
  std::vector<engine::WeightOption> options;
  for (const engine::FileFormat& f : engine::AllFileFormats()) {
    const ModelFacts facts = DescribeModel(name, std::string(f.name));
    if (facts.weights_bytes < below_bytes) {
      options.push_back({std::string(f.name), facts.weights_bytes});
    }
  }
  auto chosen = engine::LargestFittingWeights(options, needs, budget);
  if (!chosen) return std::nullopt;
  needs.weights_bytes = chosen->weights_bytes;
  return FitPlanText(name, chosen->format, engine::PlanMemory(needs, budget),
                     margin);
}

// Presets with fewer parameters than `n_params`, largest first; the tiny
// test models only when `tiny` is set.
std::vector<const engine::ModelPreset*> SmallerPresets(int64_t n_params,
                                                       bool tiny) {
  std::vector<const engine::ModelPreset*> out;
  for (const engine::ModelPreset& p : engine::AllPresets()) {
    const bool is_tiny = p.name.starts_with("tiny-");
    if (is_tiny == tiny && engine::ParameterCount(p) < n_params) {
      out.push_back(&p);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return engine::ParameterCount(*a) > engine::ParameterCount(*b);
  });
  return out;
}

// Preset `name` in its most precise format that fits `budget`, as text.
std::optional<std::string> PresetThatFits(const std::string& name,
                                          kernels::Format kv, int n_threads,
                                          int64_t context_tokens,
                                          uint64_t budget, double margin) {
  // Any format gives the shape; FittingFormat tries them all.
  const ModelFacts shape = DescribeModel(name, "q4_0");
  return FittingFormat(name, std::numeric_limits<uint64_t>::max(),
                       PlanNeeds(shape, kv, n_threads, context_tokens), budget,
                       margin);
}

// What a plan says of the longest context that fits.
std::string LongestContextText(const engine::MemoryPlan& plan) {
  if (!plan.max_ctx_tokens) return "any context fits";
  if (*plan.max_ctx_tokens == 0) return "not even its weights and scratch fit";
  return fmt::format("at most {} tokens of context fit", *plan.max_ctx_tokens);
}

}  // namespace

int PrecisionRank(std::string_view format) {
  const auto formats = engine::AllFileFormats();
  for (size_t i = 0; i < formats.size(); ++i) {
    if (formats[i].name == format) return static_cast<int>(i);
  }
  return static_cast<int>(formats.size());
}

ConfigMemory SizeConfig(const reports::CaseResult& result,
                        int64_t context_tokens, double margin,
                        uint64_t available_bytes) {
  ConfigMemory m;
  if (!SizeFromFacts(result, context_tokens, available_bytes, m)) return m;
  m.sized = true;
  m.need_bytes = std::max(m.planned_bytes, m.measured_bytes);
  m.with_margin_bytes = WithFitMargin(m.need_bytes, margin);
  m.fits = m.with_margin_bytes <= available_bytes;
  m.note = FitNote(m, result.spec, context_tokens, margin, available_bytes);
  return m;
}

std::string SuggestSmaller(const reports::CaseSpec& spec,
                           int64_t context_tokens, double margin,
                           uint64_t available_bytes) {
  std::string why;
  const std::optional<ModelFacts> facts = FitFacts(spec, why);
  const auto kv = KvFormat(spec.kv_type);
  if (!facts || !kv) {
    return "no smaller model can be suggested: the model's shape is not "
           "known here (" +
           (facts ? "KV cache type '" + spec.kv_type + "'" : why) + ")";
  }
  const uint64_t budget = FitBudget(available_bytes, margin);
  const engine::MemoryNeeds needs =
      PlanNeeds(*facts, *kv, spec.threads, context_tokens);
  if (facts->synthetic) {
    if (auto s = FittingFormat(spec.model, facts->weights_bytes, needs, budget,
                               margin)) {
      return *s;
    }
  }
  const bool tiny = spec.model.starts_with("tiny-");
  for (const engine::ModelPreset* p : SmallerPresets(facts->n_params, tiny)) {
    if (auto s = PresetThatFits(std::string(p->name), *kv, spec.threads,
                                context_tokens, budget, margin)) {
      return *s;
    }
  }
  return fmt::format(
      "no smaller format or preset fits a context of {} tokens in {} (with "
      "the {:.0f}% margin); with {} in {}, {}",
      context_tokens, engine::FormatSize(available_bytes), margin * 100,
      spec.model, spec.format,
      LongestContextText(engine::PlanMemory(needs, budget)));
}

}  // namespace lapbench::harness
