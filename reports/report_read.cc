// Reads a report's JSON back, checking the schema and every field's
// presence and type; errors name the field's path.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "reports/report.h"
#include "reports/stats.h"

namespace lapbench::reports {

using nlohmann::json;

namespace {

// One JSON object being read, with its path for messages.
class Fields {
 public:
  Fields(const json& object, std::string path)
      : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) Bad(path_, object_, "an object");
  }

  std::string String(const char* key) const {
    const json& v = Get(key, "a string");
    if (!v.is_string()) Bad(Path(key), v, "a string");
    return v.get<std::string>();
  }
  int64_t Int(const char* key) const {
    const json& v = Get(key, "an integer");
    if (!v.is_number_integer()) Bad(Path(key), v, "an integer");
    return v.get<int64_t>();
  }
  uint64_t Unsigned(const char* key) const {
    const json& v = Get(key, "a non-negative integer");
    if (!v.is_number_unsigned()) Bad(Path(key), v, "a non-negative integer");
    return v.get<uint64_t>();
  }
  double Number(const char* key) const {
    const json& v = Get(key, "a number");
    if (!v.is_number()) Bad(Path(key), v, "a number");
    return v.get<double>();
  }
  std::optional<bool> BoolOrNull(const char* key) const {
    const json& v = Get(key, "true, false or null");
    if (v.is_null()) return std::nullopt;
    if (!v.is_boolean()) Bad(Path(key), v, "true, false or null");
    return v.get<bool>();
  }
  // The object at `key`, or nullptr when it is null.
  const json* ObjectOrNull(const char* key) const {
    const json& v = Get(key, "an object or null");
    if (v.is_null()) return nullptr;
    if (!v.is_object()) Bad(Path(key), v, "an object or null");
    return &v;
  }
  std::optional<double> NumberOrNull(const char* key) const {
    const json& v = Get(key, "a number or null");
    if (v.is_null()) return std::nullopt;
    if (!v.is_number()) Bad(Path(key), v, "a number or null");
    return v.get<double>();
  }
  bool Bool(const char* key) const {
    const json& v = Get(key, "true or false");
    if (!v.is_boolean()) Bad(Path(key), v, "true or false");
    return v.get<bool>();
  }
  const json& Object(const char* key) const {
    const json& v = Get(key, "an object");
    if (!v.is_object()) Bad(Path(key), v, "an object");
    return v;
  }
  const json& Array(const char* key) const {
    const json& v = Get(key, "an array");
    if (!v.is_array()) Bad(Path(key), v, "an array");
    return v;
  }

  // Every element of array `key`, each checked with `is` (described as
  // `expected`) and converted to T.
  template <typename T, typename Is>
  std::vector<T> List(const char* key, Is is, const char* expected) const {
    const json& array = Array(key);
    std::vector<T> out;
    for (size_t i = 0; i < array.size(); ++i) {
      if (!is(array[i])) {
        Bad(fmt::format("{}[{}]", Path(key), i), array[i], expected);
      }
      out.push_back(array[i].get<T>());
    }
    return out;
  }

  std::string Path(const char* key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  [[noreturn]] static void Bad(const std::string& path, const json& value,
                               const char* expected) {
    throw ReportError(fmt::format("bad report field {}: '{}' (expected {})",
                                  path, value.dump(), expected));
  }

 private:
  const json& Get(const char* key, const char* expected) const {
    const auto it = object_.find(key);
    if (it == object_.end()) {
      throw ReportError(fmt::format("missing report field: '{}' (expected {})",
                                    Path(key), expected));
    }
    return *it;
  }

  const json& object_;
  std::string path_;
};

bool IsNumber(const json& v) { return v.is_number(); }
bool IsInteger(const json& v) { return v.is_number_integer(); }
bool IsString(const json& v) { return v.is_string(); }

Metric ReadMetric(const json& json_metric, const std::string& path) {
  const Fields f(json_metric, path);
  Metric metric;
  metric.samples = f.List<double>("samples", IsNumber, "a number");
  const Fields s(f.Object("summary"), f.Path("summary"));
  MetricSummary& m = metric.summary;
  m.n = s.Int("n");
  m.median = s.Number("median");
  m.ci_low = s.Number("ci_low");
  m.ci_high = s.Number("ci_high");
  m.ci_level = s.Number("ci_level");
  m.ci_coverage = s.Number("ci_coverage");
  m.ci_reached = s.Bool("ci_reached");
  m.cv = s.NumberOrNull("cv");
  return metric;
}

CaseSpec ReadSpec(const Fields& f) {
  CaseSpec spec;
  spec.id = static_cast<int>(f.Int("id"));
  spec.model = f.String("model");
  spec.model_path = f.String("model_path");
  spec.model_sha256 = f.String("model_sha256");
  spec.format = f.String("format");
  spec.variant = f.String("variant");
  spec.threads = static_cast<int>(f.Int("threads"));
  spec.placement = f.String("placement");
  spec.cpus = f.List<int>("cpus", IsInteger, "an integer");
  spec.kv_type = f.String("kv_type");
  spec.prompt_tokens = f.Int("prompt_tokens");
  spec.gen_tokens = f.Int("gen_tokens");
  return spec;
}

CaseStatus ReadStatus(const Fields& f) {
  const std::string name = f.String("status");
  for (CaseStatus s : {CaseStatus::kMeasured, CaseStatus::kSkipped,
                       CaseStatus::kFailed, CaseStatus::kAbandoned}) {
    if (CaseStatusName(s) == name) return s;
  }
  Fields::Bad(f.Path("status"), name, "measured, skipped, failed or abandoned");
}

// The per-repetition step latencies: an array of arrays of numbers.
std::vector<std::vector<double>> ReadSteps(const Fields& f) {
  const json& runs = f.Array("decode_step_ms");
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string path = fmt::format("{}[{}]", f.Path("decode_step_ms"), i);
    if (!runs[i].is_array()) Fields::Bad(path, runs[i], "an array");
    out.emplace_back();
    for (size_t j = 0; j < runs[i].size(); ++j) {
      if (!runs[i][j].is_number()) {
        Fields::Bad(fmt::format("{}[{}]", path, j), runs[i][j], "a number");
      }
      out.back().push_back(runs[i][j].get<double>());
    }
  }
  return out;
}

CaseAccuracy ReadAccuracy(const Fields& f) {
  CaseAccuracy a;
  a.reference_format = f.String("reference_format");
  a.n_positions = f.Int("n_positions");
  a.mean_kl = f.Number("mean_kl");
  a.max_kl = f.Number("max_kl");
  a.top1_agreement = f.Number("top1_agreement");
  return a;
}

CaseMonitor ReadMonitor(const Fields& f) {
  CaseMonitor m;
  m.n_samples = f.Int("n_samples");
  m.clock_ghz = f.NumberOrNull("clock_ghz");
  m.cpu_temp_max_c = f.NumberOrNull("cpu_temp_max_c");
  m.package_power_w = f.NumberOrNull("package_power_w");
  m.joules_per_token = f.NumberOrNull("joules_per_token");
  m.on_ac = f.BoolOrNull("on_ac");
  m.unavailable = f.List<std::string>("unavailable", IsString, "a string");
  return m;
}

// The series is what was measured; the analysis is derived from it, so it
// is recomputed rather than trusted (it must still be present).
CaseThrottle ReadThrottle(const Fields& f) {
  CaseThrottle t;
  t.duration_s = f.Number("duration_s");
  t.interval_s = f.Number("interval_s");
  f.Object("analysis");
  const json& series = f.Array("series");
  for (size_t i = 0; i < series.size(); ++i) {
    const Fields s(series[i], fmt::format("{}[{}]", f.Path("series"), i));
    t.series.push_back({s.Number("t_s"), s.Number("tokens_per_s"),
                        s.NumberOrNull("clock_ghz"),
                        s.NumberOrNull("cpu_temp_c"), s.NumberOrNull("trip_c"),
                        s.NumberOrNull("power_w")});
  }
  if (t.series.size() >= kMinThrottleSamples) {
    try {
      t.analysis = AnalyzeThrottle(t.series);
    } catch (const StatsError& e) {
      throw ReportError(
          fmt::format("bad report field {}: {}", f.Path("series"), e.what()));
    }
  } else {
    t.analysis.n_samples = t.series.size();
  }
  return t;
}

BuildInfo ReadBuild(const Fields& f) {
  return {f.String("git_commit"), f.String("compiler"), f.String("flags"),
          f.String("build_type")};
}

}  // namespace

CaseResult CaseResultFromJson(const json& json_case, const std::string& path) {
  const Fields f(json_case, path);
  CaseResult result;
  result.spec = ReadSpec(Fields(f.Object("spec"), f.Path("spec")));
  result.status = ReadStatus(f);
  result.reason = f.String("reason");
  result.load_s = f.Number("load_s");
  result.warmup_runs = static_cast<int>(f.Int("warmup_runs"));
  result.decode_step_ms = ReadSteps(f);
  const json& all = f.Object("metrics");
  const Fields metrics(all, f.Path("metrics"));
  for (const MetricField& m : AllMetricFields()) {
    metrics.Object(m.name);
    result.metrics.*m.member = ReadMetric(all.at(m.name), metrics.Path(m.name));
  }
  if (const json* a = f.ObjectOrNull("accuracy")) {
    result.accuracy = ReadAccuracy(Fields(*a, f.Path("accuracy")));
  }
  result.accuracy_note = f.String("accuracy_note");
  if (const json* m = f.ObjectOrNull("monitor")) {
    result.monitor = ReadMonitor(Fields(*m, f.Path("monitor")));
  }
  if (const json* t = f.ObjectOrNull("throttle")) {
    result.throttle = ReadThrottle(Fields(*t, f.Path("throttle")));
  }
  return result;
}

Report ReportFromJson(const json& json_report) {
  const Fields f(json_report, "");
  const std::string schema = f.String("schema");
  if (schema != kReportSchema) {
    throw ReportError(fmt::format("unknown report schema: '{}' (expected '{}')",
                                  schema, kReportSchema));
  }
  Report report;
  report.machine = f.Object("machine");
  report.build = ReadBuild(Fields(f.Object("build"), "build"));
  report.suite = f.Object("suite");
  report.seed = f.Unsigned("seed");
  report.started_utc = f.String("started_utc");
  report.finished_utc = f.String("finished_utc");
  report.partial = f.Bool("partial");
  report.partial_reason = f.String("partial_reason");
  report.environment_warnings =
      f.List<std::string>("environment_warnings", IsString, "a string");
  report.environment_not_checked =
      f.List<std::string>("environment_not_checked", IsString, "a string");
  const json& cases = f.Array("cases");
  for (size_t i = 0; i < cases.size(); ++i) {
    report.cases.push_back(
        CaseResultFromJson(cases[i], fmt::format("cases[{}]", i)));
  }
  return report;
}

Report ParseReport(std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ReportError(fmt::format("report is not JSON: {}", e.what()));
  }
  return ReportFromJson(parsed);
}

Report LoadReport(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw ReportError(
        fmt::format("cannot read report: '{}' (expected a "
                    "readable report.json)",
                    path));
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return ParseReport(text.str());
  } catch (const ReportError& e) {
    throw ReportError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace lapbench::reports
