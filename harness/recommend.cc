// Gathers a report's configurations of one model, scores them by the
// objective and orders them, a more precise format moving ahead of a
// faster one when the difference is noise.
#include "harness/recommend.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace lapbench::harness {
namespace {

using reports::CaseResult;
using reports::CaseSpec;
using reports::MetricSummary;

constexpr Objective kObjectives[] = {Objective::kDecode, Objective::kTtft,
                                     Objective::kEnergy, Objective::kBalanced};

bool CaseIsOfModel(const CaseSpec& spec, const std::string& model) {
  if (spec.model == model || spec.model_path == model) return true;
  const auto name = std::filesystem::path(model).filename();
  return model.ends_with(".gguf") &&
         std::filesystem::path(spec.model).filename() == name;
}

// What makes two cases the same configuration.
std::string RankConfigKey(const CaseSpec& s) {
  const std::string file =
      s.model_sha256.empty() ? s.model + "|" + s.format : s.model_sha256;
  return fmt::format("{}|{}|{}|{}|{}", file, s.variant, s.threads, s.placement,
                     s.kv_type);
}

bool IsSustainedCase(const CaseResult& c) {
  return c.throttle &&
         c.throttle->analysis.n_samples >= reports::kMinThrottleSamples;
}

// The rate over the sustained part of the series (its last third) with the
// interval of its median.
MetricSummary SustainedSummary(const reports::CaseThrottle& t) {
  const size_t n = t.analysis.n_sustained_samples;
  std::vector<double> samples;
  for (size_t i = t.series.size() - n; i < t.series.size(); ++i) {
    samples.push_back(t.series[i].tokens_per_s);
  }
  return reports::MakeMetric(samples).summary;
}

std::optional<MetricSummary> SummaryIfMeasured(const reports::Metric& m) {
  if (m.summary.n == 0) return std::nullopt;
  return m.summary;
}

RankedConfig ConfigFromCase(const CaseResult& c) {
  RankedConfig r;
  r.spec = c.spec;
  r.decode = SummaryIfMeasured(c.metrics.decode_tokens_per_s);
  r.ttft_ms = SummaryIfMeasured(c.metrics.ttft_ms);
  if (c.monitor) r.joules_per_token = c.monitor->joules_per_token;
  return r;
}

// The measured cases of a model by configuration (RankConfigKey): the first
// ordinary and the first sustained-decode case of each, keys in report
// order.
struct CasesByConfig {
  std::map<std::string, const CaseResult*> ordinary, sustained;
  std::vector<std::string> order;
};

CasesByConfig SortCasesByConfig(const reports::Report& report,
                                const std::string& model,
                                std::vector<std::string>& notes) {
  CasesByConfig by;
  for (const CaseResult& c : report.cases) {
    if (c.status != reports::CaseStatus::kMeasured ||
        !CaseIsOfModel(c.spec, model)) {
      continue;
    }
    const std::string key = RankConfigKey(c.spec);
    if (!by.ordinary.contains(key) && !by.sustained.contains(key)) {
      by.order.push_back(key);
    }
    auto& slot = IsSustainedCase(c) ? by.sustained : by.ordinary;
    auto [it, fresh] = slot.emplace(key, &c);
    if (!fresh) {
      notes.push_back(fmt::format(
          "case {} measured the same configuration as case {}; not used",
          c.spec.id, it->second->spec.id));
    }
  }
  return by;
}

// The configurations of the model: figures from the ordinary case of each
// (the sustained-decode case when there is none), decode from the
// sustained case when there is one.
std::vector<RankedConfig> GatherConfigs(const reports::Report& report,
                                        const RecommendOptions& options,
                                        uint64_t available_bytes,
                                        std::vector<std::string>& notes) {
  CasesByConfig by = SortCasesByConfig(report, options.model, notes);
  std::vector<RankedConfig> configs;
  for (const std::string& key : by.order) {
    const CaseResult* base =
        by.ordinary.contains(key) ? by.ordinary[key] : by.sustained[key];
    RankedConfig r = ConfigFromCase(*base);
    if (auto it = by.sustained.find(key); it != by.sustained.end()) {
      r.decode = SustainedSummary(*it->second->throttle);
      r.sustained_case_id = it->second->spec.id;
      r.burst_tokens_per_s = it->second->throttle->analysis.burst_tokens_per_s;
    }
    r.memory = SizeConfig(*base, options.context_tokens, options.margin,
                          available_bytes);
    configs.push_back(std::move(r));
  }
  return configs;
}

std::string RankedConfigName(const RankedConfig& r) {
  const CaseSpec& s = r.spec;
  return fmt::format("{} {}, {} thread{} ({}), kv {} (case {})", s.format,
                     s.variant, s.threads, s.threads == 1 ? "" : "s",
                     s.placement, s.kv_type, s.id);
}

std::string RankNumber(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  if (v >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

// "12.3 tok/s [11.9, 12.6]": the median, its unit, its interval.
std::string RankWithCi(const MetricSummary& s, std::string_view unit) {
  return fmt::format("{} {} [{}, {}]", RankNumber(s.median), unit,
                     RankNumber(s.ci_low), RankNumber(s.ci_high));
}

std::string DecodeText(const RankedConfig& r) {
  std::string text = "decode " + RankWithCi(*r.decode, "tok/s");
  if (r.sustained_case_id > 0) {
    text += fmt::format(
        ", sustained after throttling (case {}, burst {} tok/s)",
        r.sustained_case_id, RankNumber(r.burst_tokens_per_s.value_or(0)));
  }
  return text;
}

std::string FigureText(const RankedConfig& r, Objective o) {
  switch (o) {
    case Objective::kDecode:
      return DecodeText(r);
    case Objective::kTtft:
      return "TTFT " + RankWithCi(*r.ttft_ms, "ms");
    case Objective::kEnergy:
      return fmt::format("{} J/token", RankNumber(*r.joules_per_token));
    case Objective::kBalanced:
      return fmt::format(
          "balance {:.3f} [{:.3f}, {:.3f}]: {}, TTFT {} ms{}", r.score,
          r.score_low, r.score_high, DecodeText(r),
          RankNumber(r.ttft_ms->median),
          r.joules_per_token
              ? fmt::format(", {} J/token", RankNumber(*r.joules_per_token))
              : "");
  }
  return "";
}

// The figure `o` needs that `r` lacks, or empty.
std::string MissingFigure(const RankedConfig& r, Objective o) {
  const bool needs_decode =
      o == Objective::kDecode || o == Objective::kBalanced;
  const bool needs_ttft = o == Objective::kTtft || o == Objective::kBalanced;
  if (needs_decode && !r.decode) return "no decode rate measured";
  if (needs_ttft && !r.ttft_ms) return "no TTFT measured";
  if (o == Objective::kEnergy && !r.joules_per_token) {
    return "no energy figure (monitor.joules_per_token)";
  }
  return {};
}

// The best of each figure over `pool`, for the balanced score.
struct BestFigures {
  double decode = 0;
  double ttft_ms = 0;
  std::optional<double> joules_per_token;  // only when every config has one
};

BestFigures FindBestFigures(const std::vector<RankedConfig>& pool) {
  BestFigures b;
  bool all_energy = true;
  for (const RankedConfig& r : pool) {
    b.decode = std::max(b.decode, r.decode->median);
    b.ttft_ms = b.ttft_ms == 0 ? r.ttft_ms->median
                               : std::min(b.ttft_ms, r.ttft_ms->median);
    all_energy = all_energy && r.joules_per_token.has_value();
    if (all_energy) {
      b.joules_per_token =
          std::min(b.joules_per_token.value_or(*r.joules_per_token),
                   *r.joules_per_token);
    }
  }
  if (!all_energy) b.joules_per_token.reset();
  return b;
}

// Balanced: the geometric mean of decode / best decode and best TTFT /
// TTFT (and best J/token / J/token when every configuration has one), so
// 1 is the best on every figure; the interval takes each figure's.
void ScoreBalanced(RankedConfig& r, const BestFigures& b) {
  auto mean = [&b](double decode, double ttft, double jpt_part) {
    double product = (decode / b.decode) * (b.ttft_ms / ttft) * jpt_part;
    return std::pow(product, b.joules_per_token ? 1.0 / 3 : 0.5);
  };
  const double jpt =
      b.joules_per_token ? *b.joules_per_token / *r.joules_per_token : 1;
  r.score = mean(r.decode->median, r.ttft_ms->median, jpt);
  r.score_low = mean(r.decode->ci_low, r.ttft_ms->ci_high, jpt);
  r.score_high = mean(r.decode->ci_high, r.ttft_ms->ci_low, jpt);
}

void ScoreConfig(RankedConfig& r, Objective o, const BestFigures& b) {
  switch (o) {
    case Objective::kDecode:
      r.score = r.decode->median;
      r.score_low = r.decode->ci_low;
      r.score_high = r.decode->ci_high;
      break;
    case Objective::kTtft:  // lower is better: negated
      r.score = -r.ttft_ms->median;
      r.score_low = -r.ttft_ms->ci_high;
      r.score_high = -r.ttft_ms->ci_low;
      break;
    case Objective::kEnergy:
      r.score = r.score_low = r.score_high = -*r.joules_per_token;
      break;
    case Objective::kBalanced:
      ScoreBalanced(r, b);
      break;
  }
}

// Why `a` and `b` cannot be told apart, or empty when they can: their
// intervals overlap. (Two intervals that do not overlap are told apart
// even when one is wide: a wide interval says its own median is unsure,
// not that every figure near it is the same.)
std::string InsideNoise(const RankedConfig& a, const RankedConfig& b) {
  if (a.score_low <= b.score_high && b.score_low <= a.score_high) {
    return "their intervals overlap";
  }
  return {};
}

// Takes the next configuration from `pool` (sorted best first): the most
// precise of those inside the noise of the best, and says why.
RankedConfig TakeNextRanked(std::vector<RankedConfig>& pool, Objective o,
                            bool first) {
  size_t pick = 0;
  for (size_t i = 1; i < pool.size(); ++i) {
    if (!InsideNoise(pool[i], pool[0]).empty() &&
        PrecisionRank(pool[i].spec.format) <
            PrecisionRank(pool[pick].spec.format)) {
      pick = i;
    }
  }
  RankedConfig r = std::move(pool[pick]);
  pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(pick));
  r.reason = FigureText(r, o);
  if (pick != 0) {
    r.reason += fmt::format(
        "; preferred to {} ({}): {}, so the difference is noise, and {} is "
        "the more precise format",
        RankedConfigName(pool[0]), FigureText(pool[0], o),
        InsideNoise(r, pool[0]), r.spec.format);
  } else if (first) {
    r.reason += "; the best measured";
  }
  return r;
}

// Says why a runner-up is behind the winner: a clear difference, or one
// inside the noise where the winner is no less precise.
void AddWinnerComparison(RankedConfig& r, const RankedConfig& winner) {
  if (!r.reason.ends_with("precise format")) {
    r.reason += InsideNoise(r, winner).empty()
                    ? "; behind the winner beyond the noise"
                    : "; inside the winner's noise, in a format no more "
                      "precise";
  }
}

std::vector<RankedConfig> OrderByObjective(std::vector<RankedConfig> pool,
                                           Objective o) {
  std::stable_sort(pool.begin(), pool.end(),
                   [](const RankedConfig& a, const RankedConfig& b) {
                     return a.score > b.score;
                   });
  std::vector<RankedConfig> out;
  while (!pool.empty()) out.push_back(TakeNextRanked(pool, o, out.empty()));
  for (size_t i = 1; i < out.size(); ++i) AddWinnerComparison(out[i], out[0]);
  return out;
}

uint64_t AvailableBytes(const reports::Report& report,
                        const RecommendOptions& options, std::string& source) {
  if (options.available_bytes) {
    source = "as given";
    return *options.available_bytes;
  }
  for (const char* key : {"planning_bytes", "available_bytes"}) {
    const auto& memory = report.machine.value("memory", nlohmann::json());
    if (memory.is_object() && memory.contains(key) &&
        memory[key].is_number_unsigned()) {
      source = fmt::format("the report's machine.memory.{}", key);
      return memory[key].get<uint64_t>();
    }
  }
  throw RecommendError(
      "the report's machine profile has no memory.planning_bytes (expected "
      "an integer); give the RAM to plan against with --available-gib");
}

// Why the report has no energy figure: what the monitor said about power,
// else the probe profile's RAPL section.
std::string NoEnergyReason(const reports::Report& report) {
  for (const CaseResult& c : report.cases) {
    if (!c.monitor) continue;
    for (const std::string& u : c.monitor->unavailable) {
      if (u.find("power") != std::string::npos ||
          u.find("RAPL") != std::string::npos) {
        return u;
      }
    }
  }
  const nlohmann::json rapl = report.machine.value("rapl", nlohmann::json());
  if (rapl.is_object() &&
      rapl.value("none_reason", nlohmann::json()).is_string()) {
    return "probe: " + rapl["none_reason"].get<std::string>();
  }
  return "no case recorded what the monitor saw";
}

// Refuses the energy objective when no case has an energy figure.
void CheckEnergyFigures(const reports::Report& report) {
  for (const CaseResult& c : report.cases) {
    if (c.monitor && c.monitor->joules_per_token) return;
  }
  throw RecommendError(fmt::format(
      "--objective energy: no case of the report has joules per token (the "
      "machine has no readable RAPL energy counter: {}); choose decode, ttft "
      "or balanced",
      NoEnergyReason(report)));
}

std::string RankedModelList(const reports::Report& report) {
  std::vector<std::string> models;
  for (const CaseResult& c : report.cases) {
    if (std::find(models.begin(), models.end(), c.spec.model) == models.end())
      models.push_back(c.spec.model);
  }
  return fmt::format("{}", fmt::join(models, ", "));
}

// Splits `configs` into those fitting with the objective's figures
// (returned) and the rest (into rec.excluded, with their reasons).
std::vector<RankedConfig> AdmitConfigs(std::vector<RankedConfig> configs,
                                       Objective o, Recommendation& rec) {
  std::vector<RankedConfig> pool;
  for (RankedConfig& r : configs) {
    std::string missing = MissingFigure(r, o);
    if (!r.memory.fits) {
      r.reason =
          r.memory.sized ? "does not fit: " + r.memory.note : r.memory.note;
    } else if (!missing.empty()) {
      r.reason = missing;
    }
    (r.reason.empty() ? pool : rec.excluded).push_back(std::move(r));
  }
  return pool;
}

// The excluded configuration needing the least memory, for suggestions.
const RankedConfig* LightestExcluded(
    const std::vector<RankedConfig>& excluded) {
  const RankedConfig* lightest = nullptr;
  for (const RankedConfig& r : excluded) {
    if (r.memory.fits) continue;
    if (!lightest || (r.memory.sized &&
                      (!lightest->memory.sized ||
                       r.memory.need_bytes < lightest->memory.need_bytes))) {
      lightest = &r;
    }
  }
  return lightest;
}

}  // namespace

std::string_view ObjectiveName(Objective objective) {
  switch (objective) {
    case Objective::kDecode:
      return "decode";
    case Objective::kTtft:
      return "ttft";
    case Objective::kEnergy:
      return "energy";
    case Objective::kBalanced:
      return "balanced";
  }
  return "";
}

std::optional<Objective> ParseObjective(std::string_view name) {
  for (Objective o : kObjectives) {
    if (ObjectiveName(o) == name) return o;
  }
  return std::nullopt;
}

Recommendation Recommend(const reports::Report& report,
                         const RecommendOptions& options) {
  Recommendation rec;
  rec.available_bytes = AvailableBytes(report, options, rec.available_source);
  if (options.objective == Objective::kEnergy) CheckEnergyFigures(report);
  std::vector<RankedConfig> configs =
      GatherConfigs(report, options, rec.available_bytes, rec.notes);
  if (configs.empty()) {
    throw RecommendError(fmt::format(
        "no measured case of model '{}' in the report (expected one of: {})",
        options.model, RankedModelList(report)));
  }
  std::vector<RankedConfig> pool =
      AdmitConfigs(std::move(configs), options.objective, rec);
  const BestFigures best =
      options.objective == Objective::kBalanced && !pool.empty()
          ? FindBestFigures(pool)
          : BestFigures{};
  for (RankedConfig& r : pool) ScoreConfig(r, options.objective, best);
  rec.ranked = OrderByObjective(std::move(pool), options.objective);
  if (rec.ranked.empty()) {
    if (const RankedConfig* lightest = LightestExcluded(rec.excluded)) {
      rec.suggestion = SuggestSmaller(lightest->spec, options.context_tokens,
                                      options.margin, rec.available_bytes);
    }
  }
  return rec;
}

}  // namespace lapbench::harness
