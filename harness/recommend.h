// Ranking the measured configurations of a report for the laptop it ran
// on: what fits in RAM with the context asked for, ordered by an
// objective, the higher-precision format preferred when the difference is
// inside the measurement noise.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"
#include "reports/report_inputs.h"

namespace lapbench::harness {

// What "best" means.
enum class Objective {
  kDecode,    // the highest decode tokens/s (sustained when measured)
  kTtft,      // the lowest time to first token
  kEnergy,    // the lowest joules per decoded token
  kBalanced,  // decode and TTFT (and energy) relative to the best of each
};

// "decode", "ttft", "energy", "balanced".
std::string_view ObjectiveName(Objective objective);
std::optional<Objective> ParseObjective(std::string_view name);

// A recommendation that cannot be made: no case of the model, no RAM
// figure, no energy figure for the energy objective. The message says
// what is missing and what to do.
class RecommendError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The context a recommendation is sized for when none is asked.
inline constexpr int64_t kDefaultContextTokens = 4096;
// Default share added to a configuration's memory need before comparing it
// with the RAM available: other programs, the page cache, and the error of
// a need extrapolated from a shorter measured context.
inline constexpr double kDefaultMemoryMargin = 0.10;

struct RecommendOptions {
  std::string model;  // preset name or .gguf path, as the report names it
  int64_t context_tokens = kDefaultContextTokens;
  Objective objective = Objective::kDecode;
  double margin = kDefaultMemoryMargin;  // need x (1 + margin) must fit
  // RAM to plan against; nullopt: the report's memory.planning_bytes.
  std::optional<uint64_t> available_bytes;
};

// What one configuration needs in RAM for the context asked for.
struct ConfigMemory {
  bool sized = false;  // false: the need could not be worked out (`note`)
  // The engine's plan (engine::PlanMemory) from the model's shape: weights,
  // KV cache for the context, scratch; 0 when the model cannot be read.
  uint64_t planned_bytes = 0;
  // The case's measured peak RSS plus the KV cache of the context beyond
  // the measured one; 0 when the case recorded no peak RSS.
  uint64_t measured_bytes = 0;
  uint64_t need_bytes = 0;         // the larger of the two
  uint64_t with_margin_bytes = 0;  // need_bytes x (1 + margin), rounded up
  bool fits = false;               // with_margin_bytes <= available
  std::string note;                // the figures, one line
};

// A measured configuration with the figures ranking uses. Its identity is
// the model file, variant, threads, placement and KV cache type.
struct RankedConfig {
  reports::CaseSpec spec;  // of the case the figures come from
  // Decode rate: the sustained (post-throttle) rate when a sustained-
  // decode case of the same configuration exists, else the case's own.
  std::optional<reports::MetricSummary> decode;
  int sustained_case_id = 0;  // 0: not sustained
  std::optional<double> burst_tokens_per_s;
  std::optional<reports::MetricSummary> ttft_ms;
  std::optional<double> joules_per_token;
  ConfigMemory memory;
  // The objective's score (higher is better) and the interval the noise
  // of its figures allows.
  double score = 0;
  double score_low = 0;
  double score_high = 0;
  std::string reason;  // why it holds its place, or why it was excluded
};

struct Recommendation {
  uint64_t available_bytes = 0;
  std::string available_source;      // where that figure came from
  std::vector<RankedConfig> ranked;  // the configurations that fit, best first
  std::vector<RankedConfig> excluded;  // the rest, each with its reason
  std::vector<std::string> notes;      // cases not used, assumptions
  // When nothing fits: a smaller format or preset that would, with figures.
  std::string suggestion;
};

// Ranks the measured configurations of `options.model` in `report`.
// Throws RecommendError when the report holds no measured case of the
// model, no RAM figure is known, or the objective needs energy figures
// and no case has one.
Recommendation Recommend(const reports::Report& report,
                         const RecommendOptions& options);

// Reports of one machine as one to rank (a suite's run and a throttle
// run, say): the first report's machine, suite and dates, and every
// report's cases in order, renumbered from 1; `origins` gets "cases 3-5
// are b.json cases 1-3" per report. Throws RecommendError when a report's
// machine (reports::IdentifyMachine's key) differs from the first's.
// Precondition: `sources` is not empty.
reports::Report MergeRunReports(
    const std::vector<reports::SourcedReport>& sources,
    std::vector<std::string>& origins);

// The memory a measured case's configuration needs at `context_tokens`
// (see ConfigMemory), against `available_bytes` with `margin`.
ConfigMemory SizeConfig(const reports::CaseResult& result,
                        int64_t context_tokens, double margin,
                        uint64_t available_bytes);

// What would fit when the configuration of `spec` does not: the most
// precise smaller format of the same model, else the largest smaller
// preset (the tiny test models only for a tiny model) in its most
// precise fitting format, else the longest context that fits; each with
// the engine plan's figures.
std::string SuggestSmaller(const reports::CaseSpec& spec,
                           int64_t context_tokens, double margin,
                           uint64_t available_bytes);

// A format's place from the most precise: f32 0, f16 1, bf16 2, q8_0 3,
// q6_k 4, q4_k_m 5, q4_0 6; an unknown format ranks after them all.
int PrecisionRank(std::string_view format);

}  // namespace lapbench::harness
