// Environment checks before a run: governor, power, turbo, load, memory and
// thermal headroom.
#include "harness/environment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "engine/memory_plan.h"

namespace lapbench::harness {
namespace {

// The CPU numbers of a related_cpus list such as "0 1 2 3".
std::vector<int> ParseCpus(const std::string& text) {
  std::vector<int> cpus;
  std::istringstream in(text);
  int cpu = 0;
  while (in >> cpu) cpus.push_back(cpu);
  return cpus;
}

// "0-3,8,10-11" for the sorted, distinct `cpus`.
std::string CpuRanges(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? std::to_string(cpus[i])
                  : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

void NotChecked(EnvironmentReport& report, const char* check,
                const std::string& reason) {
  report.not_checked.push_back(
      fmt::format("not checked: {}: {}", check, reason));
}

// One warning per governor other than performance, naming its CPUs.
void CheckGovernor(const probes::CpufreqInfo& cpufreq,
                   EnvironmentReport& report) {
  if (cpufreq.policies.empty()) {
    NotChecked(report, "governor", cpufreq.policies_reason);
    return;
  }
  std::map<std::string, std::vector<int>> cpus_by_governor;
  std::string unreadable;
  for (const probes::CpufreqPolicy& p : cpufreq.policies) {
    if (!p.governor) {
      unreadable = p.name + ": " + p.governor.reason();
      continue;
    }
    if (*p.governor == "performance") continue;
    std::vector<int>& cpus = cpus_by_governor[*p.governor];
    for (int cpu : ParseCpus(p.cpus.value_or(""))) cpus.push_back(cpu);
  }
  if (!unreadable.empty()) NotChecked(report, "governor", unreadable);
  for (const auto& [governor, cpus] : cpus_by_governor) {
    report.warnings.push_back(
        {"governor",
         fmt::format("cpufreq governor '{}' on CPUs {} (expected "
                     "'performance'): the clock may rise late or stay low, "
                     "so timings vary",
                     governor, CpuRanges(cpus))});
  }
}

// "BAT0 at 87%, Discharging" for the first battery, or "".
std::string BatteryState(const probes::PowerSupplyInfo& power) {
  if (power.batteries.empty()) return "";
  const probes::Battery& b = power.batteries.front();
  std::string state = b.name;
  if (b.capacity_pct) state += fmt::format(" at {}%", *b.capacity_pct);
  if (b.status) state += ", " + *b.status;
  return state;
}

void CheckPower(const probes::PowerSupplyInfo& power,
                EnvironmentReport& report) {
  if (!power.on_ac) {
    NotChecked(
        report, "power source",
        power.none_reason.empty() ? power.on_ac.reason() : power.none_reason);
    return;
  }
  if (*power.on_ac) return;
  const std::string state = BatteryState(power);
  report.warnings.push_back(
      {"battery", fmt::format("on battery{} (expected AC power): firmware "
                              "often lowers power limits on battery, so "
                              "tokens/s may be lower than plugged in",
                              state.empty() ? "" : " (" + state + ")")});
}

// The file `source` (resolved below `root`) as it is named on a live system.
std::string LivePath(const std::string& source, const probes::FsRoot& root) {
  const std::filesystem::path relative =
      std::filesystem::path(source).lexically_relative(root.root());
  if (relative.empty() || *relative.begin() == "..") return source;
  return "/" + relative.string();
}

void CheckTurbo(const probes::CpufreqInfo& cpufreq, const probes::FsRoot& root,
                EnvironmentReport& report) {
  if (!cpufreq.boost_enabled) {
    NotChecked(report, "turbo", cpufreq.boost_enabled.reason());
    return;
  }
  if (*cpufreq.boost_enabled) return;
  report.warnings.push_back(
      {"turbo_off",
       fmt::format("turbo/boost disabled by {} (expected enabled): the CPU "
                   "stays at its base clock, below what users of this "
                   "laptop get",
                   LivePath(cpufreq.boost_source, root))});
}

void CheckLoad(int n_cpus, const probes::FsRoot& root,
               const EnvironmentOptions& options, EnvironmentReport& report) {
  const probes::Reading<LoadAverage> load = ReadLoadAverage(root);
  if (!load) return NotChecked(report, "background load", load.reason());
  if (n_cpus <= 0) {
    return NotChecked(report, "background load",
                      "the number of logical CPUs is unknown");
  }
  const double others = std::max(0.0, load->load_1m - options.own_load);
  const double limit =
      std::max(kBackgroundLoadMin, kBackgroundLoadPerCpu * n_cpus);
  if (others < limit) return;
  report.warnings.push_back(
      {"background_load",
       fmt::format("background load {:.2f} over the last minute on {} "
                   "logical CPUs (expected below {:.2f}): other processes "
                   "compete with the benchmark's threads",
                   others, n_cpus, limit)});
}

void CheckMemory(const probes::MemoryInfo& memory, EnvironmentReport& report) {
  if (!memory.available_bytes) {
    return NotChecked(report, "free memory", memory.available_bytes.reason());
  }
  uint64_t limit = kLowMemoryBytes;
  if (memory.total_bytes) {
    limit = std::max(
        limit, static_cast<uint64_t>(kLowMemoryFraction *
                                     static_cast<double>(*memory.total_bytes)));
  }
  if (*memory.available_bytes >= limit) return;
  const std::string total =
      memory.total_bytes ? " of " + engine::FormatSize(*memory.total_bytes)
                         : "";
  report.warnings.push_back(
      {"low_memory",
       fmt::format("only {} of RAM available{} (expected at least {}): the "
                   "model's pages may be evicted and read again mid-run",
                   engine::FormatSize(*memory.available_bytes), total,
                   engine::FormatSize(limit))});
}

double Celsius(int64_t mc) { return static_cast<double>(mc) / 1000; }

void CheckThermal(const probes::ThermalHeadroom& headroom,
                  EnvironmentReport& report) {
  if (headroom.verdict == probes::HeadroomVerdict::kUnknown) {
    return NotChecked(report, "thermal headroom", headroom.reason);
  }
  if (headroom.verdict != probes::HeadroomVerdict::kLittle) return;
  report.warnings.push_back(
      {"thermal_headroom",
       fmt::format("thermal headroom {:.1f} C: {} at {:.1f} C, {} {:.1f} C "
                   "from {} (expected headroom 'some' or 'plenty'): the CPU "
                   "may slow down soon after the run starts",
                   Celsius(*headroom.headroom_mc), headroom.cpu_sensor,
                   Celsius(*headroom.cpu_temp_mc), headroom.limit_kind,
                   Celsius(*headroom.limit_mc), headroom.limit_source)});
}

}  // namespace

probes::Reading<LoadAverage> ReadLoadAverage(const probes::FsRoot& root) {
  const std::filesystem::path path = root.Resolve("/proc/loadavg");
  const probes::Reading<std::string> text = root.ReadText(path);
  if (!text) return probes::MissingLike<LoadAverage>(text);
  LoadAverage load;
  long long runnable = 0;
  long long n_tasks = 0;
  if (std::sscanf(text->c_str(), "%lf %lf %lf %lld/%lld", &load.load_1m,
                  &load.load_5m, &load.load_15m, &runnable, &n_tasks) != 5) {
    return probes::Reading<LoadAverage>::Missing(
        fmt::format("{}: '{}' (expected \"1m 5m 15m runnable/tasks pid\")",
                    path.string(), *text));
  }
  load.runnable = runnable;
  load.n_tasks = n_tasks;
  return load;
}

EnvironmentReport CheckEnvironment(const probes::HardwareProfile& profile,
                                   const probes::FsRoot& root,
                                   const EnvironmentOptions& options) {
  EnvironmentReport report;
  CheckGovernor(profile.cpufreq, report);
  CheckPower(profile.power_supply, report);
  CheckTurbo(profile.cpufreq, root, report);
  CheckLoad(profile.topology.n_pus, root, options, report);
  CheckMemory(profile.memory, report);
  CheckThermal(profile.thermal.headroom, report);
  return report;
}

nlohmann::json ToJson(const EnvironmentReport& report) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const EnvironmentWarning& w : report.warnings) {
    warnings.push_back({{"code", w.code}, {"message", w.message}});
  }
  return {{"warnings", warnings}, {"not_checked", report.not_checked}};
}

}  // namespace lapbench::harness
