// Summing decode-span energy and summarizing a case's monitor series.
#include "harness/case_monitor.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "reports/stats.h"

namespace lapbench::harness {
namespace {

// The median of `values`, or none when empty.
std::optional<double> MedianOrNone(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  return reports::Percentile(reports::SortedFinite(values), 0.5);
}

// Whether any sample saw the battery (false), else AC (true), else none.
std::optional<bool> PowerSource(const std::vector<MonitorSample>& samples) {
  std::optional<bool> on_ac;
  for (const MonitorSample& s : samples) {
    if (!s.on_ac) continue;
    if (!*s.on_ac) return false;
    on_ac = true;
  }
  return on_ac;
}

}  // namespace

void SpanEnergy::Begin() { energy_.ReadDeltaUj(); }

void SpanEnergy::End() {
  const probes::Reading<uint64_t> delta_uj = energy_.ReadDeltaUj();
  if (!delta_uj) {
    total_j_ = probes::MissingLike<double>(delta_uj);
    first_span_ = false;
    return;
  }
  const double span_j = static_cast<double>(*delta_uj) * 1e-6;
  if (first_span_) {
    total_j_ = span_j;
  } else if (total_j_) {
    total_j_ = *total_j_ + span_j;
  }
  first_span_ = false;
}

reports::CaseMonitor SummarizeCaseMonitor(
    const MonitorSeries& series, const probes::Reading<double>& decode_energy_j,
    int64_t decode_tokens) {
  reports::CaseMonitor m;
  m.n_samples = static_cast<int64_t>(series.samples.size());
  std::vector<double> clock_ghz, power_w;
  for (const MonitorSample& s : series.samples) {
    if (s.clock_hz) clock_ghz.push_back(*s.clock_hz / 1e9);
    if (s.package_power_w) power_w.push_back(*s.package_power_w);
    if (s.cpu_temp_mc) {
      const double c = static_cast<double>(*s.cpu_temp_mc) / 1000;
      m.cpu_temp_max_c = std::max(m.cpu_temp_max_c.value_or(c), c);
    }
  }
  m.clock_ghz = MedianOrNone(clock_ghz);
  m.package_power_w = MedianOrNone(power_w);
  m.on_ac = PowerSource(series.samples);
  m.unavailable = series.notes;
  if (decode_energy_j && decode_tokens > 0) {
    m.joules_per_token = *decode_energy_j / static_cast<double>(decode_tokens);
  } else {
    m.unavailable.push_back(fmt::format(
        "joules per token: not available: {}",
        decode_energy_j ? "no decode tokens" : decode_energy_j.reason()));
  }
  return m;
}

}  // namespace lapbench::harness
