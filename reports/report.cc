// The report data model's JSON form and its validating reader.
#include "reports/report.h"

#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>

#include "reports/stats.h"

#ifndef LAPBENCH_GIT_COMMIT
#define LAPBENCH_GIT_COMMIT ""
#endif
#ifndef LAPBENCH_COMPILER
#define LAPBENCH_COMPILER ""
#endif
#ifndef LAPBENCH_CXX_FLAGS
#define LAPBENCH_CXX_FLAGS ""
#endif
#ifndef LAPBENCH_BUILD_TYPE
#define LAPBENCH_BUILD_TYPE ""
#endif

namespace lapbench::reports {

using nlohmann::json;

namespace {

constexpr double kCiLevel = 0.95;

// The metrics of a case in JSON order, with their names.
constexpr MetricField kMetricFields[] = {
    {"prefill_tokens_per_s", &CaseMetrics::prefill_tokens_per_s},
    {"ttft_ms", &CaseMetrics::ttft_ms},
    {"decode_tokens_per_s", &CaseMetrics::decode_tokens_per_s},
    {"decode_latency_p50_ms", &CaseMetrics::decode_latency_p50_ms},
    {"decode_latency_p90_ms", &CaseMetrics::decode_latency_p90_ms},
    {"decode_latency_p99_ms", &CaseMetrics::decode_latency_p99_ms},
    {"decode_latency_max_ms", &CaseMetrics::decode_latency_max_ms},
    {"peak_rss_bytes", &CaseMetrics::peak_rss_bytes},
};

constexpr std::pair<CaseStatus, std::string_view> kStatusNames[] = {
    {CaseStatus::kMeasured, "measured"},
    {CaseStatus::kSkipped, "skipped"},
    {CaseStatus::kFailed, "failed"},
    {CaseStatus::kAbandoned, "abandoned"},
};

json OptionalNumber(const std::optional<double>& value) {
  return value ? json(*value) : json();
}

}  // namespace

Metric MakeMetric(std::vector<double> samples) {
  Metric metric;
  metric.samples = std::move(samples);
  if (metric.samples.empty()) return metric;
  const Summary s = Summarize(metric.samples);
  const MedianInterval ci = MedianConfidenceInterval(metric.samples, kCiLevel);
  MetricSummary& m = metric.summary;
  m.n = s.n;
  m.median = s.median;
  m.ci_low = ci.lower;
  m.ci_high = ci.upper;
  m.ci_level = ci.level;
  m.ci_coverage = ci.coverage;
  m.ci_reached = ci.status == IntervalStatus::kReached;
  m.cv = s.cv;
  return metric;
}

std::span<const MetricField> AllMetricFields() { return kMetricFields; }

std::string_view CaseStatusName(CaseStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

BuildInfo ThisBuild() {
  return {LAPBENCH_GIT_COMMIT, LAPBENCH_COMPILER, LAPBENCH_CXX_FLAGS,
          LAPBENCH_BUILD_TYPE};
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json ToJson(const Metric& metric) {
  const MetricSummary& s = metric.summary;
  return {{"samples", metric.samples},
          {"summary",
           {{"n", s.n},
            {"median", s.median},
            {"ci_low", s.ci_low},
            {"ci_high", s.ci_high},
            {"ci_level", s.ci_level},
            {"ci_coverage", s.ci_coverage},
            {"ci_reached", s.ci_reached},
            {"cv", OptionalNumber(s.cv)}}}};
}

json ToJson(const CaseSpec& spec) {
  return {{"id", spec.id},
          {"model", spec.model},
          {"model_path", spec.model_path},
          {"model_sha256", spec.model_sha256},
          {"format", spec.format},
          {"variant", spec.variant},
          {"threads", spec.threads},
          {"placement", spec.placement},
          {"cpus", spec.cpus},
          {"kv_type", spec.kv_type},
          {"prompt_tokens", spec.prompt_tokens},
          {"gen_tokens", spec.gen_tokens}};
}

json ToJson(const CaseAccuracy& accuracy) {
  return {{"reference_format", accuracy.reference_format},
          {"n_positions", accuracy.n_positions},
          {"mean_kl", accuracy.mean_kl},
          {"max_kl", accuracy.max_kl},
          {"top1_agreement", accuracy.top1_agreement}};
}

json ToJson(const CaseMonitor& monitor) {
  return {{"n_samples", monitor.n_samples},
          {"clock_ghz", OptionalNumber(monitor.clock_ghz)},
          {"cpu_temp_max_c", OptionalNumber(monitor.cpu_temp_max_c)},
          {"package_power_w", OptionalNumber(monitor.package_power_w)},
          {"joules_per_token", OptionalNumber(monitor.joules_per_token)},
          {"on_ac", monitor.on_ac ? json(*monitor.on_ac) : json()},
          {"unavailable", monitor.unavailable}};
}

json ToJson(const ThrottleAnalysis& a) {
  return {{"n_samples", a.n_samples},
          {"n_burst_samples", a.n_burst_samples},
          {"n_sustained_samples", a.n_sustained_samples},
          {"burst_tokens_per_s", a.burst_tokens_per_s},
          {"sustained_tokens_per_s", a.sustained_tokens_per_s},
          {"ratio", a.ratio},
          {"drop_10pct_s", OptionalNumber(a.drop_10pct_s)},
          {"trip_reached_s", OptionalNumber(a.trip_reached_s)},
          {"trip_reached_c", OptionalNumber(a.trip_reached_c)},
          {"temps_available", a.temps_available},
          {"max_temp_c", OptionalNumber(a.max_temp_c)},
          {"burst_clock_ghz", OptionalNumber(a.burst_clock_ghz)},
          {"sustained_clock_ghz", OptionalNumber(a.sustained_clock_ghz)},
          {"burst_power_w", OptionalNumber(a.burst_power_w)},
          {"sustained_power_w", OptionalNumber(a.sustained_power_w)}};
}

json ToJson(const CaseThrottle& throttle) {
  json series = json::array();
  for (const ThrottleSample& s : throttle.series) {
    series.push_back({{"t_s", s.t_s},
                      {"tokens_per_s", s.tokens_per_s},
                      {"clock_ghz", OptionalNumber(s.clock_ghz)},
                      {"cpu_temp_c", OptionalNumber(s.cpu_temp_c)},
                      {"trip_c", OptionalNumber(s.trip_c)},
                      {"power_w", OptionalNumber(s.power_w)}});
  }
  return {{"duration_s", throttle.duration_s},
          {"interval_s", throttle.interval_s},
          {"analysis", ToJson(throttle.analysis)},
          {"series", series}};
}

json ToJson(const CaseResult& result) {
  json metrics = json::object();
  for (const auto& [name, member] : kMetricFields) {
    metrics[name] = ToJson(result.metrics.*member);
  }
  return {{"spec", ToJson(result.spec)},
          {"status", CaseStatusName(result.status)},
          {"reason", result.reason},
          {"load_s", result.load_s},
          {"warmup_runs", result.warmup_runs},
          {"decode_step_ms", result.decode_step_ms},
          {"metrics", metrics},
          {"accuracy", result.accuracy ? ToJson(*result.accuracy) : json()},
          {"accuracy_note", result.accuracy_note},
          {"monitor", result.monitor ? ToJson(*result.monitor) : json()},
          {"throttle", result.throttle ? ToJson(*result.throttle) : json()}};
}

json ToJson(const Report& report) {
  json cases = json::array();
  for (const CaseResult& c : report.cases) cases.push_back(ToJson(c));
  const BuildInfo& b = report.build;
  return {{"schema", kReportSchema},
          {"machine", report.machine},
          {"build",
           {{"git_commit", b.git_commit},
            {"compiler", b.compiler},
            {"flags", b.flags},
            {"build_type", b.build_type}}},
          {"suite", report.suite},
          {"seed", report.seed},
          {"started_utc", report.started_utc},
          {"finished_utc", report.finished_utc},
          {"partial", report.partial},
          {"partial_reason", report.partial_reason},
          {"environment_warnings", report.environment_warnings},
          {"environment_not_checked", report.environment_not_checked},
          {"cases", cases}};
}

}  // namespace lapbench::reports
