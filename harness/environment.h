// Warnings about the machine's state that make a run's timings suspect,
// checked once before the run starts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/profile.h"
#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::harness {

// One reason to distrust the timings.
struct EnvironmentWarning {
  // Stable identifier: governor, battery, turbo_off, background_load,
  // low_memory or thermal_headroom.
  std::string code;
  std::string message;  // one readable line naming the values it saw
};

// What the checks found. A check that could not look (no cpufreq driver in
// a VM, no sensors) is never a warning: it lands in `not_checked` instead.
struct EnvironmentReport {
  std::vector<EnvironmentWarning> warnings;
  // "not checked: <check>: <reason>", one per check that could not run.
  std::vector<std::string> not_checked;
};

// /proc/loadavg: load averages and the scheduler's task counts.
struct LoadAverage {
  double load_1m = 0;
  double load_5m = 0;
  double load_15m = 0;
  int64_t runnable = 0;  // runnable tasks now, the reader included
  int64_t n_tasks = 0;   // all tasks
};

// Reads `<root>/proc/loadavg`; missing with a reason naming the file when
// it cannot be read or parsed.
probes::Reading<LoadAverage> ReadLoadAverage(const probes::FsRoot& root);

// What the caller knows that the machine does not say.
struct EnvironmentOptions {
  // Load this process itself put in the last minute's average, in busy
  // threads (a probe that just measured bandwidth on every CPU adds up to
  // their number): it is subtracted, as it is not a competitor.
  double own_load = 0;
};

// Fewer bytes available than this (or than kLowMemoryFraction of RAM,
// whichever is more) warns of low memory.
inline constexpr uint64_t kLowMemoryBytes = uint64_t{2} << 30;
inline constexpr double kLowMemoryFraction = 0.10;
// Load from other processes at or above max(kBackgroundLoadMin,
// kBackgroundLoadPerCpu x logical CPUs) warns of background load.
inline constexpr double kBackgroundLoadMin = 0.5;
inline constexpr double kBackgroundLoadPerCpu = 0.1;

// Checks the governor, power source, turbo, background load, free memory
// and thermal headroom of `profile` (its topology gives the logical CPU
// count), reading the load average below `root`.
EnvironmentReport CheckEnvironment(const probes::HardwareProfile& profile,
                                   const probes::FsRoot& root,
                                   const EnvironmentOptions& options = {});

// {"warnings": [{"code", "message"}...], "not_checked": [...]}.
nlohmann::json ToJson(const EnvironmentReport& report);

}  // namespace lapbench::harness
