// The report of a `lapbench run`: what ran, on what, and every sample it
// measured, with its JSON form ("lapbench.report/1", docs/report-json.md)
// and a validating reader.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reports/throttle.h"

namespace lapbench::reports {

// The schema string of the JSON this code writes and reads.
inline constexpr std::string_view kReportSchema = "lapbench.report/1";

// A report that cannot be read: bad JSON, an unknown schema, a missing or
// mistyped field. The message names the field's path: "cases[2].spec.threads:
// missing (expected an integer)".
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The summary of one metric's samples.
struct MetricSummary {
  int64_t n = 0;
  double median = 0;
  // The distribution-free interval of the median; when too few samples
  // reach the level asked for, it is [min, max] and ci_reached is false.
  double ci_low = 0;
  double ci_high = 0;
  double ci_level = 0;     // asked for, e.g. 0.95
  double ci_coverage = 0;  // exact coverage of [ci_low, ci_high]
  bool ci_reached = false;
  std::optional<double> cv;  // stddev / |mean|; nullopt when the mean is 0
};

// One metric of a case: a sample per measured repetition.
struct Metric {
  std::vector<double> samples;
  MetricSummary summary;  // n = 0 and zeros when there is no sample
};

// `samples` with its summary (95% interval). Throws StatsError when a
// sample is not finite.
Metric MakeMetric(std::vector<double> samples);

// What a case runs, resolved on the machine that ran it.
struct CaseSpec {
  int id = 0;                // the case's number in the suite's expansion
  std::string model;         // preset name or .gguf path
  std::string model_path;    // the file loaded; empty when never made
  std::string model_sha256;  // 64 hex digits; empty when unknown
  std::string format;        // weight file format, e.g. "q4_0"
  std::string variant;       // kernel variant, resolved
  int threads = 0;           // worker threads, resolved
  std::string placement;
  std::vector<int> cpus;  // what the workers are pinned to
  std::string kv_type;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
};

enum class CaseStatus { kMeasured, kSkipped, kFailed, kAbandoned };

// "measured", "skipped", "failed", "abandoned".
std::string_view CaseStatusName(CaseStatus status);

// The metrics of a case, one sample per measured repetition.
struct CaseMetrics {
  Metric prefill_tokens_per_s;
  Metric ttft_ms;  // prefill plus the first decode step
  Metric decode_tokens_per_s;
  Metric decode_latency_p50_ms;  // per-token decode latency percentiles
  Metric decode_latency_p90_ms;
  Metric decode_latency_p99_ms;
  Metric decode_latency_max_ms;
  Metric peak_rss_bytes;
};

// How far the case's logits are from those of the same model in a
// reference format, over a fixed token sequence (see docs/engine.md,
// Accuracy).
struct CaseAccuracy {
  std::string reference_format;  // "f32" or "f16"
  int64_t n_positions = 0;
  double mean_kl = 0;  // KL(P_ref || P_case) in nats, over positions
  double max_kl = 0;
  double top1_agreement = 0;  // share of positions with the same argmax
};

// What the monitors saw during the case's measured runs. A figure the
// machine cannot give is nullopt, and `unavailable` says why.
struct CaseMonitor {
  int64_t n_samples = 0;
  std::optional<double> clock_ghz;         // median effective clock
  std::optional<double> cpu_temp_max_c;    // hottest CPU sensor reading
  std::optional<double> package_power_w;   // median RAPL package power
  std::optional<double> joules_per_token;  // package energy / decode tokens
  std::optional<bool> on_ac;               // false: on battery
  std::vector<std::string> unavailable;    // "package power: no RAPL ..."
};

// A sustained-decode case: throughput per interval and its analysis.
struct CaseThrottle {
  double duration_s = 0;
  double interval_s = 0;
  std::vector<ThrottleSample> series;
  ThrottleAnalysis analysis;  // of `series`; recomputed when read back
};

// A metric's JSON name and where CaseMetrics holds it.
struct MetricField {
  const char* name;  // "decode_tokens_per_s"
  Metric CaseMetrics::*member;
};

// Every metric of a case, in JSON order.
std::span<const MetricField> AllMetricFields();

// One case's outcome.
struct CaseResult {
  CaseSpec spec;
  CaseStatus status = CaseStatus::kSkipped;
  // Skip reason, error message or why it was abandoned; empty if measured.
  std::string reason;
  double load_s = 0;  // making/opening the model, binding its weights
  int warmup_runs = 0;
  // Per measured repetition, every decode step's latency in ms.
  std::vector<std::vector<double>> decode_step_ms;
  CaseMetrics metrics;
  // Accuracy of the case's format; nullopt with `accuracy_note` saying why
  // (not asked for, the reference itself, the reference did not fit...).
  std::optional<CaseAccuracy> accuracy;
  std::string accuracy_note;
  std::optional<CaseMonitor> monitor;    // nullopt: not sampled
  std::optional<CaseThrottle> throttle;  // only for sustained-decode cases
};

// How the binary was built.
struct BuildInfo {
  std::string git_commit;  // empty when unknown
  std::string compiler;    // "GNU 13.2.0"
  std::string flags;
  std::string build_type;
};

// The build this code was compiled in (from compile definitions).
BuildInfo ThisBuild();

// A whole run.
struct Report {
  nlohmann::json machine;  // `lapbench probe --json` output, as is
  BuildInfo build;
  // The suite as expanded: name, description, path, sweep and policy, as
  // the harness writes them.
  nlohmann::json suite;
  uint64_t seed = 0;         // of the prompt token ids
  std::string started_utc;   // ISO 8601, "2026-12-04T09:12:00Z"
  std::string finished_utc;  // empty while running
  bool partial = false;
  std::string partial_reason;  // empty unless partial
  // "<code>: <message>" per warning of the environment check.
  std::vector<std::string> environment_warnings;
  // "not checked: <check>: <reason>" per check that could not run.
  std::vector<std::string> environment_not_checked;
  std::vector<CaseResult> cases;
};

nlohmann::json ToJson(const Metric& metric);
nlohmann::json ToJson(const CaseSpec& spec);
nlohmann::json ToJson(const CaseAccuracy& accuracy);
nlohmann::json ToJson(const CaseMonitor& monitor);
nlohmann::json ToJson(const ThrottleAnalysis& analysis);
nlohmann::json ToJson(const CaseThrottle& throttle);
nlohmann::json ToJson(const CaseResult& result);
nlohmann::json ToJson(const Report& report);

// Reads a report's JSON. Throws ReportError naming the first bad field.
Report ReportFromJson(const nlohmann::json& json);
// Reads one case (a line of cases.jsonl); `path` prefixes field names.
CaseResult CaseResultFromJson(const nlohmann::json& json,
                              const std::string& path = "case");

// Parses and reads report text. Throws ReportError for bad JSON too.
Report ParseReport(std::string_view text);
// Reads the report file at `path`. Throws ReportError naming the path.
Report LoadReport(const std::string& path);

// The current time as ISO 8601 UTC with seconds, "2026-12-04T09:12:00Z".
std::string UtcNow();

}  // namespace lapbench::reports
