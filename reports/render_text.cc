// The machine line, status line and number formats the renderers share.
#include "reports/render_text.h"

#include <fmt/format.h>

#include <initializer_list>
#include <string_view>

namespace lapbench::reports {

using nlohmann::json;

namespace {

// The value at `path` below `root`; nullptr when a step is missing, not an
// object, or the value is null.
const json* FindMachineField(const json& root,
                             std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node->is_null() ? nullptr : node;
}

std::string CpuText(const json& machine) {
  const json* brand = FindMachineField(machine, {"cpu", "brand"});
  if (brand == nullptr || !brand->is_string() ||
      brand->get<std::string>().empty()) {
    return "unknown CPU";
  }
  return brand->get<std::string>();
}

std::string CoresText(const json& machine) {
  const json* cores = FindMachineField(machine, {"cpu", "n_physical_cores"});
  const json* threads = FindMachineField(machine, {"cpu", "n_logical_cpus"});
  const bool has_cores = cores != nullptr && cores->is_number_integer();
  const bool has_threads = threads != nullptr && threads->is_number_integer();
  if (has_cores && has_threads) {
    return fmt::format("{} cores / {} threads", cores->get<int64_t>(),
                       threads->get<int64_t>());
  }
  if (has_cores) return fmt::format("{} cores", cores->get<int64_t>());
  if (has_threads) return fmt::format("{} threads", threads->get<int64_t>());
  return "cores unknown";
}

std::string RamText(const json& machine) {
  const json* total = FindMachineField(machine, {"memory", "total_bytes"});
  if (total == nullptr || !total->is_number()) return "RAM unknown";
  return fmt::format("{:.1f} GiB RAM", total->get<double>() / (1 << 30));
}

// The integrated GPU's name; its PCI ids when it has no name.
std::string IgpuName(const json& device) {
  const json* name = FindMachineField(device, {"name"});
  if (name != nullptr && name->is_string()) return name->get<std::string>();
  const json* vendor = FindMachineField(device, {"vendor_id"});
  const json* id = FindMachineField(device, {"device_id"});
  if (vendor != nullptr && id != nullptr && vendor->is_string() &&
      id->is_string()) {
    return vendor->get<std::string>() + ":" + id->get<std::string>();
  }
  return "unnamed";
}

std::string IgpuText(const json& machine) {
  const json* devices = FindMachineField(machine, {"gpu", "devices"});
  if (devices == nullptr || !devices->is_array()) return "iGPU unknown";
  for (const json& device : *devices) {
    const json* integrated = FindMachineField(device, {"integrated"});
    if (integrated != nullptr && integrated->is_boolean() &&
        integrated->get<bool>()) {
      return "iGPU " + IgpuName(device);
    }
  }
  return "no iGPU found";
}

// "3 measured, 1 skipped": the cases per status, statuses without a case
// left out.
std::string StatusCounts(const Report& report) {
  std::string out;
  for (const CaseStatus status :
       {CaseStatus::kMeasured, CaseStatus::kSkipped, CaseStatus::kFailed,
        CaseStatus::kAbandoned}) {
    size_t n = 0;
    for (const CaseResult& c : report.cases) n += c.status == status;
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", n, CaseStatusName(status));
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string MachineSummary(const json& machine) {
  return fmt::format("{}, {}, {}, {}", CpuText(machine), CoresText(machine),
                     RamText(machine), IgpuText(machine));
}

std::string SuiteName(const Report& report) {
  const json* name = FindMachineField(report.suite, {"name"});
  return name != nullptr && name->is_string() ? name->get<std::string>() : "";
}

std::string RunStatusText(const Report& report) {
  const std::string state =
      report.partial ? fmt::format("partial ({})", report.partial_reason.empty()
                                                       ? "reason unknown"
                                                       : report.partial_reason)
                     : "complete";
  return fmt::format("{}; cases: {}", state, StatusCounts(report));
}

std::string FormatFixed(double value, int decimals) {
  return fmt::format("{:.{}f}", value, decimals);
}

std::string MedianPlusMinus(const Metric& metric, int decimals) {
  const MetricSummary& s = metric.summary;
  if (s.n == 0) return "-";
  const double half_width = (s.ci_high - s.ci_low) / 2;
  return fmt::format("{} ± {}{}", FormatFixed(s.median, decimals),
                     FormatFixed(half_width, decimals),
                     s.ci_reached ? "" : "*");
}

std::string MedianText(const Metric& metric, int decimals, double scale) {
  if (metric.summary.n == 0) return "-";
  return FormatFixed(metric.summary.median / scale, decimals);
}

std::string CaseSpecLabel(const CaseSpec& spec) {
  std::string label = fmt::format("case {}", spec.id);
  const std::string threads =
      spec.threads > 0 ? fmt::format("t={}", spec.threads) : "";
  const char* separator = ", ";
  for (const std::string* part :
       {&spec.model, &spec.format, &spec.variant, &threads, &spec.placement}) {
    if (part->empty()) continue;
    label += separator + *part;
    separator = " ";
  }
  return label;
}

std::vector<const CaseResult*> MeasuredCases(const Report& report) {
  std::vector<const CaseResult*> out;
  for (const CaseResult& c : report.cases) {
    if (c.status == CaseStatus::kMeasured) out.push_back(&c);
  }
  return out;
}

bool AnyAccuracy(const Report& report) {
  for (const CaseResult& c : report.cases) {
    if (c.accuracy) return true;
  }
  return false;
}

bool AnyJoulesPerToken(const Report& report) {
  for (const CaseResult& c : report.cases) {
    if (c.monitor && c.monitor->joules_per_token) return true;
  }
  return false;
}

bool AnyThrottle(const Report& report) {
  for (const CaseResult& c : report.cases) {
    if (c.throttle) return true;
  }
  return false;
}

std::string DropText(const ThrottleAnalysis& analysis) {
  if (!analysis.drop_10pct_s) return "none";
  return fmt::format("{:.1f} s", *analysis.drop_10pct_s);
}

std::string TripText(const ThrottleAnalysis& analysis) {
  if (!analysis.temps_available) return "no temperatures";
  if (!analysis.trip_reached_s || !analysis.trip_reached_c) {
    return "not reached";
  }
  return fmt::format("reached {:.1f} C at {:.1f} s", *analysis.trip_reached_c,
                     *analysis.trip_reached_s);
}

}  // namespace lapbench::reports
