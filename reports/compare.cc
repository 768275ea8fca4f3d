// Pairing the cases of two files and a verdict per metric of each pair.
#include "reports/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

// The report metrics compared by default, the speed a user feels first.
constexpr const char* kDefaultReportMetrics[] = {
    "decode_tokens_per_s", "prefill_tokens_per_s", "ttft_ms",
    "decode_latency_p99_ms"};

// Which way is better, from the name's unit; nullopt when it cannot say.
std::optional<Direction> DirectionFromName(std::string_view name) {
  for (std::string_view rate : {"_per_s", "_per_second", "_fraction"}) {
    if (name.ends_with(rate)) return Direction::kHigherIsBetter;
  }
  if (name == "real_time" || name == "cpu_time" || name.ends_with("_ms") ||
      name.ends_with("_bytes")) {
    return Direction::kLowerIsBetter;
  }
  return std::nullopt;
}

bool IsTimeMetric(BenchKind kind, const std::string& name) {
  return kind == BenchKind::kGoogleBenchmark &&
         (name == "real_time" || name == "cpu_time");
}

// The metric names the two files have, in a stable order.
std::vector<std::string> KnownMetricNames(const BenchFile& base,
                                          const BenchFile& new_file) {
  std::vector<std::string> names;
  if (base.kind == BenchKind::kLapbenchReport) {
    for (const MetricField& m : AllMetricFields()) names.push_back(m.name);
    return names;
  }
  std::set<std::string> seen;
  for (const BenchFile* file : {&base, &new_file}) {
    for (const BenchCase& c : file->cases) {
      for (const auto& [name, samples] : c.samples) seen.insert(name);
    }
  }
  return {seen.begin(), seen.end()};
}

// One --metrics entry: "name", "name:higher" or "name:lower".
CompareMetric ParseMetric(const std::string& text,
                          const std::vector<std::string>& known) {
  const size_t colon = text.rfind(':');
  CompareMetric metric{text.substr(0, colon), Direction::kHigherIsBetter};
  if (std::find(known.begin(), known.end(), metric.name) == known.end()) {
    throw CompareInputError(
        fmt::format("--metrics: '{}' (expected one of the files' metrics: {})",
                    metric.name, fmt::join(known, ", ")));
  }
  const std::string way = colon == std::string::npos ? "" : text.substr(colon);
  if (way == ":higher" || way == ":lower") {
    metric.direction = way == ":higher" ? Direction::kHigherIsBetter
                                        : Direction::kLowerIsBetter;
  } else if (!way.empty()) {
    throw CompareInputError(fmt::format(
        "--metrics: '{}' (expected NAME, NAME:higher or NAME:lower)", text));
  } else if (const auto d = DirectionFromName(metric.name)) {
    metric.direction = *d;
  } else {
    throw CompareInputError(fmt::format(
        "--metrics: '{}' (expected {}:higher or {}:lower: which way is "
        "better is not known for this counter)",
        text, metric.name, metric.name));
  }
  return metric;
}

// A metric's samples in `c`, each multiplied by `scale`.
std::vector<double> SamplesOf(const BenchCase& c, const std::string& name,
                              double scale) {
  const auto it = c.samples.find(name);
  if (it == c.samples.end()) return {};
  std::vector<double> samples = it->second;
  for (double& s : samples) s *= scale;
  return samples;
}

// The row of one metric of a pair; nullopt when neither side has samples.
// `new_scale` converts the new case's values to the base case's unit.
std::optional<MetricRow> CompareMetricOfPair(const BenchCase& b,
                                             const BenchCase& n,
                                             const CompareMetric& metric,
                                             double new_scale,
                                             const RegressionRule& rule) {
  const std::vector<double> sb = SamplesOf(b, metric.name, 1);
  const std::vector<double> sn = SamplesOf(n, metric.name, new_scale);
  if (sb.empty() && sn.empty()) return std::nullopt;
  MetricRow row;
  row.case_name = b.name;
  row.metric = metric;
  row.n_base = static_cast<int64_t>(sb.size());
  row.n_new = static_cast<int64_t>(sn.size());
  if (sb.empty() || sn.empty()) {
    row.reason =
        fmt::format("too few samples: none in {}", sb.empty() ? "base" : "new");
    return row;
  }
  try {
    row.comparison = CompareSamples(sb, sn, metric.direction, rule);
  } catch (const StatsError& e) {
    throw CompareInputError(
        fmt::format("case '{}', metric {}: {}", b.name, metric.name, e.what()));
  }
  row.verdict = row.comparison->verdict;
  row.reason = row.comparison->reason;
  return row;
}

std::string MeasuredOrWhy(const BenchCase& c) {
  return c.not_measured.empty() ? "measured" : c.not_measured;
}

// Compares every metric of one pair into `result`.
void ComparePair(const BenchCase& b, const BenchCase& n,
                 std::span<const CompareMetric> metrics, BenchKind kind,
                 CompareResult& result) {
  if (!b.not_measured.empty() || !n.not_measured.empty()) {
    result.not_measured.push_back(
        {b.name,
         fmt::format("base: {}; new: {}", MeasuredOrWhy(b), MeasuredOrWhy(n))});
    return;
  }
  for (const CompareMetric& m : metrics) {
    const bool time = IsTimeMetric(kind, m.name);
    const double new_scale = time ? n.time_unit_s / b.time_unit_s : 1;
    std::optional<MetricRow> row =
        CompareMetricOfPair(b, n, m, new_scale, result.rule);
    if (!row) continue;
    if (time) row->unit = b.time_unit;
    result.rows.push_back(std::move(*row));
  }
}

}  // namespace

std::vector<CompareMetric> DefaultCompareMetrics(BenchKind kind) {
  if (kind == BenchKind::kGoogleBenchmark) {
    return {{"real_time", Direction::kLowerIsBetter}};
  }
  std::vector<CompareMetric> metrics;
  for (const char* name : kDefaultReportMetrics) {
    metrics.push_back({name, *DirectionFromName(name)});
  }
  return metrics;
}

std::vector<CompareMetric> ParseCompareMetrics(
    std::span<const std::string> names, const BenchFile& base,
    const BenchFile& new_file) {
  const std::vector<std::string> known = KnownMetricNames(base, new_file);
  std::vector<CompareMetric> metrics;
  for (const std::string& name : names) {
    metrics.push_back(ParseMetric(name, known));
  }
  return metrics;
}

void CheckSameKind(const BenchFile& base, const BenchFile& new_file) {
  if (base.kind == new_file.kind) return;
  auto phrase = [](BenchKind kind) {
    return fmt::format("{}{}", kind == BenchKind::kLapbenchReport ? "a " : "",
                       BenchKindName(kind));
  };
  throw CompareInputError(fmt::format(
      "'{}' is {} but '{}' is {} (expected two files of one kind)", base.path,
      phrase(base.kind), new_file.path, phrase(new_file.kind)));
}

int64_t CompareResult::Count(Verdict verdict) const {
  return std::count_if(rows.begin(), rows.end(), [&](const MetricRow& r) {
    return r.verdict == verdict;
  });
}

CompareResult CompareBenchFiles(const BenchFile& base,
                                const BenchFile& new_file,
                                std::span<const CompareMetric> metrics,
                                const RegressionRule& rule) {
  CheckSameKind(base, new_file);
  CompareResult result;
  result.kind = base.kind;
  result.base_path = base.path;
  result.new_path = new_file.path;
  result.n_base_cases = base.cases.size();
  result.n_new_cases = new_file.cases.size();
  result.rule = rule;
  std::map<std::string, const BenchCase*> new_by_name;
  for (const BenchCase& c : new_file.cases) new_by_name[c.name] = &c;

  // Base order; each base case finds its partner or is listed alone.
  std::set<std::string> paired;
  for (const BenchCase& b : base.cases) {
    const auto it = new_by_name.find(b.name);
    if (it == new_by_name.end()) {
      result.only_in_base.push_back(b.name);
      continue;
    }
    paired.insert(b.name);
    ComparePair(b, *it->second, metrics, base.kind, result);
  }
  result.n_paired = paired.size();
  for (const BenchCase& c : new_file.cases) {
    if (!paired.contains(c.name)) result.only_in_new.push_back(c.name);
  }
  return result;
}

}  // namespace lapbench::reports
