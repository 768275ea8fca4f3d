// The whole hardware profile: every probe's findings in one value.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/cpu.h"
#include "probes/cpufreq.h"
#include "probes/gpu.h"
#include "probes/headroom.h"
#include "probes/measure.h"
#include "probes/memory.h"
#include "probes/platform.h"
#include "probes/power_supply.h"
#include "probes/rapl.h"
#include "probes/topology.h"

namespace lapbench::probes {

// The version of the JSON `lapbench probe --json` prints.
inline constexpr const char* kProbeSchema = "lapbench.probe/1";

// Where the probes read from, and whether to measure.
struct ProbeOptions {
  std::filesystem::path fs_root = "/";  // a fixture tree instead of "/"
  std::optional<std::filesystem::path> topology_xml;  // hwloc XML
  std::optional<std::filesystem::path> cpuid_dump;    // libcpuid/AIDA64 dump
  bool measure = true;
  double measure_budget_s = 3.0;
};

// True when any input is recorded rather than this machine's, in which case
// measuring this machine would mix two machines in one profile.
bool UsesRecordedInputs(const ProbeOptions& options);

// Everything the probes found about one machine.
struct HardwareProfile {
  std::string timestamp_utc;  // ISO 8601, when the probe ran
  ProbeOptions options;
  CpuInfo cpu;
  Topology topology;
  MemoryInfo memory;
  GpuInfo gpu;
  ThermalInfo thermal;
  CpufreqInfo cpufreq;
  PlatformInfo platform;
  PowerSupplyInfo power_supply;
  RaplInfo rapl;
  Reading<Measurements> measured;
  double probe_duration_s = 0;  // wall time of the whole probe
};

// Runs every probe. Throws ProbeError only for an explicitly given input
// file that is unusable; anything else missing is a Reading with a reason.
HardwareProfile ProbeMachine(const ProbeOptions& options);

// The profile as `lapbench probe --json` prints it (docs/probe-json.md).
nlohmann::json ToJson(const HardwareProfile& profile);

// The readable summary `lapbench probe` prints.
std::string Summarize(const HardwareProfile& profile);

}  // namespace lapbench::probes
