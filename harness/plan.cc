// Expands a suite into cases and checks each against the machine, keeping
// the first reason a case cannot run; skipped cases are never attempted.
#include "harness/plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <variant>

#include "engine/model/kv_cache.h"
#include "harness/model_facts.h"
#include "harness/plan_estimate.h"
#include "kernels/ops.h"
#include "kernels/registry.h"

namespace lapbench::harness {
namespace {

bool IsFileModel(std::string_view model) {
  return model.size() > 5 && model.substr(model.size() - 5) == ".gguf";
}

// Facts of each (model, format) pair, or why they could not be had.
using FactsOrError = std::variant<ModelFacts, std::string>;

const FactsOrError& FactsFor(std::map<std::string, FactsOrError>& cache,
                             const Case& c) {
  std::string key = fmt::format("{}|{}", c.model, c.format);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  FactsOrError facts;
  try {
    facts = DescribeModel(c.model, c.format);
  } catch (const std::exception& e) {
    facts = fmt::format("cannot read model: {}", e.what());
  }
  return cache.emplace(key, std::move(facts)).first->second;
}

bool Covers(const kernels::Variant& v,
            const std::vector<kernels::Format>& formats,
            std::string& missing_format) {
  for (kernels::Format f : formats) {
    if (v.kernels->matvec[kernels::Slot(f)] == nullptr ||
        v.kernels->matmul[kernels::Slot(f)] == nullptr) {
      missing_format = kernels::Info(f).name;
      return false;
    }
  }
  return true;
}

std::string FeatureNames(const std::vector<probes::CpuFeature>& features) {
  std::vector<std::string_view> names;
  for (probes::CpuFeature f : features) {
    names.push_back(probes::CpuFeatureName(f));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// The variant `name` resolves to, or a skip reason in `reason`.
std::string ResolveVariant(const std::string& name, const Machine& machine,
                           const std::vector<kernels::Format>& formats,
                           std::string& reason) {
  std::string missing_format;
  if (name == kBestVariant) {
    for (const kernels::Variant& v : kernels::AllVariants()) {
      if (kernels::MissingFeatures(v, machine.cpu_features).empty() &&
          Covers(v, formats, missing_format)) {
        return std::string(v.name);
      }
    }
    reason = "no variant covers the model's weight formats";
    return name;
  }
  const kernels::Variant& v = kernels::FindVariant(name);
  std::vector<probes::CpuFeature> missing =
      kernels::MissingFeatures(v, machine.cpu_features);
  if (!missing.empty()) {
    reason = fmt::format("CPU lacks {} (variant {} needs {})",
                         FeatureNames(missing), name, FeatureNames(v.required));
  } else if (!Covers(v, formats, missing_format)) {
    reason = fmt::format("variant {} has no matvec/matmul for {}", name,
                         missing_format);
  }
  return name;
}

const MachinePlacement* FindPlacement(const Machine& machine,
                                      const std::string& name) {
  for (const MachinePlacement& p : machine.placements) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Resolves threads and CPUs of `out`, or returns a skip reason.
std::string PlaceCase(const Machine& machine, PlannedCase& out) {
  const MachinePlacement* placement =
      FindPlacement(machine, out.spec.placement);
  if (placement == nullptr || placement->cpus.empty()) {
    return placement ? placement->note
                     : fmt::format(
                           "placement {} is not described for this "
                           "machine",
                           out.spec.placement);
  }
  int n_cpus = static_cast<int>(placement->cpus.size());
  out.n_threads = out.spec.threads == kAllThreads ? n_cpus : out.spec.threads;
  if (out.n_threads > n_cpus) {
    return fmt::format("{} threads but placement {} has {} CPUs", out.n_threads,
                       placement->name, n_cpus);
  }
  out.cpus.assign(placement->cpus.begin(),
                  placement->cpus.begin() + out.n_threads);
  return {};
}

// Checks the context length and the memory fit; returns a skip reason.
std::string CheckMemory(const ModelFacts& facts, const Machine& machine,
                        PlannedCase& out) {
  int64_t n_ctx = out.spec.prompt_tokens + out.spec.gen_tokens;
  int64_t n_train = facts.config.n_ctx_train;
  if (n_train > 0 && n_ctx > n_train) {
    return fmt::format("context of {} tokens exceeds the model's trained {}",
                       n_ctx, n_train);
  }
  if (!machine.available_bytes) return {};
  engine::MemoryNeeds needs;
  needs.weights_bytes = facts.weights_bytes;
  needs.kv_bytes_per_token = engine::KvBytesPerToken(
      facts.config, *kernels::FormatFromName(out.spec.kv_type));
  needs.n_ctx_tokens = n_ctx;
  needs.scratch_bytes =
      EstimateScratchBytes(facts.config, out.n_threads, n_ctx);
  out.memory = engine::PlanMemory(needs, *machine.available_bytes);
  if (!out.memory->fits) {
    return fmt::format("does not fit in RAM: {}", out.memory->Message());
  }
  return {};
}

// Runs every check on one case; the first failure is the skip reason.
PlannedCase CheckCase(const Case& c, const FactsOrError& facts_or_error,
                      const Machine& machine) {
  PlannedCase out;
  out.spec = c;
  out.format = c.format;
  out.variant = c.variant;
  if (const auto* error = std::get_if<std::string>(&facts_or_error)) {
    out.skip_reason = *error;
    return out;
  }
  const ModelFacts& facts = std::get<ModelFacts>(facts_or_error);
  out.format = facts.format;
  out.weights_bytes = facts.weights_bytes;
  out.variant =
      ResolveVariant(c.variant, machine, facts.matrix_formats, out.skip_reason);
  if (out.skip_reason.empty()) out.skip_reason = PlaceCase(machine, out);
  if (out.skip_reason.empty()) {
    out.skip_reason = CheckMemory(facts, machine, out);
  }
  out.runnable = out.skip_reason.empty();
  return out;
}

// What makes two runnable cases the same measurement.
std::string SameRunKey(const PlannedCase& p) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", p.spec.model, p.format, p.variant,
                     fmt::join(p.cpus, ","), p.spec.kv_type,
                     p.spec.prompt_tokens, p.spec.gen_tokens);
}

void AddTotals(const Suite& suite, const std::set<std::string>& to_make,
               const std::map<std::string, FactsOrError>& facts, Plan& plan) {
  for (const std::string& key : to_make) {
    const auto& model = std::get<ModelFacts>(facts.at(key));
    plan.setup_s +=
        static_cast<double>(model.weights_bytes) / kAssumedMakeBytesPerS;
  }
  double min_s = 0;
  double max_s = 0;
  for (const PlannedCase& p : plan.cases) {
    min_s += p.estimate.min_s;
    max_s += p.estimate.max_s;
  }
  double budget_s = suite.policy.time_budget_s;
  if (budget_s > 0) max_s = std::max(min_s, std::min(max_s, budget_s));
  plan.total_min_s = plan.setup_s + min_s;
  plan.total_max_s = plan.setup_s + max_s;
  if (budget_s > 0 && min_s > budget_s) {
    plan.notes.push_back(fmt::format(
        "even at min_reps the cases take longer than the time budget of {}",
        FormatDuration(budget_s)));
  }
}

std::vector<std::string> EstimateNotes(const Machine& machine) {
  std::vector<std::string> notes;
  notes.push_back(fmt::format(
      "durations are estimates, not measurements: read bandwidth {:.1f} GB/s "
      "(1 thread) to {:.1f} GB/s (all), {}",
      machine.read_bytes_per_s_1t / 1e9, machine.read_bytes_per_s_all / 1e9,
      machine.bandwidth_source));
  notes.push_back(fmt::format(
      "kernel throughput assumed per thread: ref {:.1f}, avx2 {:.0f}, avx512 "
      "{:.0f}, onednn {:.0f} GFLOP/s; synthetic models written at {:.0f} MB/s",
      AssumedFlopsPerThread("ref") / 1e9, AssumedFlopsPerThread("avx2") / 1e9,
      AssumedFlopsPerThread("avx512") / 1e9,
      AssumedFlopsPerThread("onednn") / 1e9, kAssumedMakeBytesPerS / 1e6));
  if (!machine.available_bytes) {
    notes.push_back("available RAM unknown: memory fit not checked");
  }
  return notes;
}

}  // namespace

std::vector<Case> ExpandSweep(const SuiteSweep& s) {
  std::vector<Case> cases;
  const std::vector<std::string> file_formats = {std::string(kFileFormatMark)};
  for (const std::string& model : s.models) {
    const auto& formats = IsFileModel(model) ? file_formats : s.formats;
    for (const std::string& format : formats) {
      for (const std::string& variant : s.variants) {
        for (int threads : s.threads) {
          for (const std::string& placement : s.placements) {
            for (const std::string& kv : s.kv_types) {
              for (int64_t prompt : s.prompt_tokens) {
                for (int64_t gen : s.gen_tokens) {
                  int id = static_cast<int>(cases.size()) + 1;
                  cases.push_back({id, model, format, variant, threads,
                                   placement, kv, prompt, gen});
                }
              }
            }
          }
        }
      }
    }
  }
  return cases;
}

Plan PlanSuite(const Suite& suite, const Machine& machine) {
  Plan plan;
  plan.suite_name = suite.name;
  std::map<std::string, FactsOrError> facts;
  std::map<std::string, int> first_with_key;
  std::set<std::string> to_make;
  for (const Case& c : ExpandSweep(suite.sweep)) {
    const FactsOrError& f = FactsFor(facts, c);
    PlannedCase p = CheckCase(c, f, machine);
    if (p.runnable) {
      auto [it, fresh] = first_with_key.emplace(SameRunKey(p), c.id);
      if (!fresh) {
        p.runnable = false;
        p.skip_reason = fmt::format("same run as case {}", it->second);
      }
    }
    if (p.runnable) {
      const ModelFacts& model = std::get<ModelFacts>(f);
      p.estimate = EstimateCase(model, p.variant, p.n_threads, c.prompt_tokens,
                                c.gen_tokens, suite.policy, machine);
      if (model.synthetic)
        to_make.insert(fmt::format("{}|{}", c.model, c.format));
    }
    (p.runnable ? plan.n_runnable : plan.n_skipped)++;
    plan.cases.push_back(std::move(p));
  }
  plan.notes = EstimateNotes(machine);
  AddTotals(suite, to_make, facts, plan);
  if (suite.policy.accuracy) {
    const AccuracyEstimate accuracy =
        EstimateAccuracy(plan, suite.policy, machine);
    plan.accuracy_s = accuracy.make_s + accuracy.passes_s;
    plan.total_min_s += plan.accuracy_s;
    plan.total_max_s += plan.accuracy_s;
    plan.notes.insert(plan.notes.end(), accuracy.notes.begin(),
                      accuracy.notes.end());
  }
  return plan;
}

std::string FormatDuration(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 90 * 60) return fmt::format("{:.1f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

}  // namespace lapbench::harness
