// The CSV form of a report: one record per case, RFC 4180.
#include <fmt/format.h>

#include <optional>
#include <vector>

#include "reports/render.h"

namespace lapbench::reports {
namespace {

// A field quoted when it holds a comma, a quote or a line break, with its
// quotes doubled (RFC 4180, 2.6 and 2.7).
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (const char c : text) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

// The shortest text that reads back as the same double.
std::string CsvNumber(double value) { return fmt::format("{}", value); }

std::string CsvNumber(const std::optional<double>& value) {
  return value ? CsvNumber(*value) : "";
}

// "0-3,8": the CPUs as a Linux cpulist, runs of consecutive numbers joined.
std::string CpuList(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j > i ? fmt::format("{}-{}", cpus[i], cpus[j])
                 : std::to_string(cpus[i]);
    i = j + 1;
  }
  return out;
}

std::vector<std::string> CsvHeader() {
  std::vector<std::string> header = {
      "id",     "model",   "model_path",    "model_sha256",
      "format", "variant", "threads",       "placement",
      "cpus",   "kv_type", "prompt_tokens", "gen_tokens",
      "status", "reason",  "load_s",        "warmup_runs"};
  for (const MetricField& field : AllMetricFields()) {
    for (const char* part : {"median", "ci_low", "ci_high", "cv", "n"}) {
      header.push_back(fmt::format("{}_{}", field.name, part));
    }
  }
  header.insert(
      header.end(),
      {"accuracy_reference_format", "accuracy_n_positions", "accuracy_mean_kl",
       "accuracy_max_kl", "accuracy_top1_agreement", "accuracy_note",
       "monitor_n_samples", "monitor_clock_ghz", "monitor_cpu_temp_max_c",
       "monitor_package_power_w", "monitor_joules_per_token", "monitor_on_ac",
       "throttle_burst_tokens_per_s", "throttle_sustained_tokens_per_s",
       "throttle_ratio", "throttle_drop_10pct_s", "throttle_trip_reached_s"});
  return header;
}

void AppendSpec(const CaseResult& c, std::vector<std::string>& row) {
  const CaseSpec& s = c.spec;
  row.insert(
      row.end(),
      {std::to_string(s.id), s.model, s.model_path, s.model_sha256, s.format,
       s.variant, std::to_string(s.threads), s.placement, CpuList(s.cpus),
       s.kv_type, std::to_string(s.prompt_tokens), std::to_string(s.gen_tokens),
       std::string(CaseStatusName(c.status)), c.reason, CsvNumber(c.load_s),
       std::to_string(c.warmup_runs)});
}

// Median, ci_low, ci_high, cv and n; all but n empty without samples.
void AppendMetrics(const CaseMetrics& metrics, std::vector<std::string>& row) {
  for (const MetricField& field : AllMetricFields()) {
    const MetricSummary& s = (metrics.*field.member).summary;
    if (s.n == 0) {
      row.insert(row.end(), {"", "", "", "", "0"});
      continue;
    }
    row.insert(row.end(),
               {CsvNumber(s.median), CsvNumber(s.ci_low), CsvNumber(s.ci_high),
                CsvNumber(s.cv), std::to_string(s.n)});
  }
}

void AppendAccuracy(const CaseResult& c, std::vector<std::string>& row) {
  if (!c.accuracy) {
    row.insert(row.end(), {"", "", "", "", "", c.accuracy_note});
    return;
  }
  const CaseAccuracy& a = *c.accuracy;
  row.insert(row.end(), {a.reference_format, std::to_string(a.n_positions),
                         CsvNumber(a.mean_kl), CsvNumber(a.max_kl),
                         CsvNumber(a.top1_agreement), c.accuracy_note});
}

void AppendMonitor(const CaseResult& c, std::vector<std::string>& row) {
  if (!c.monitor) {
    row.insert(row.end(), 6, "");
    return;
  }
  const CaseMonitor& m = *c.monitor;
  const std::string on_ac = m.on_ac ? (*m.on_ac ? "true" : "false") : "";
  row.insert(row.end(),
             {std::to_string(m.n_samples), CsvNumber(m.clock_ghz),
              CsvNumber(m.cpu_temp_max_c), CsvNumber(m.package_power_w),
              CsvNumber(m.joules_per_token), on_ac});
}

void AppendThrottle(const CaseResult& c, std::vector<std::string>& row) {
  if (!c.throttle) {
    row.insert(row.end(), 5, "");
    return;
  }
  const ThrottleAnalysis& a = c.throttle->analysis;
  row.insert(row.end(),
             {CsvNumber(a.burst_tokens_per_s),
              CsvNumber(a.sustained_tokens_per_s), CsvNumber(a.ratio),
              CsvNumber(a.drop_10pct_s), CsvNumber(a.trip_reached_s)});
}

}  // namespace

std::string RenderCsv(const Report& report) {
  std::string out = CsvRecord(CsvHeader());
  for (const CaseResult& c : report.cases) {
    std::vector<std::string> row;
    AppendSpec(c, row);
    AppendMetrics(c.metrics, row);
    AppendAccuracy(c, row);
    AppendMonitor(c, row);
    AppendThrottle(c, row);
    out += CsvRecord(row);
  }
  return out;
}

}  // namespace lapbench::reports
