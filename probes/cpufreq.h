// CPU frequency scaling: cpufreq policies, the turbo switch, pstate drivers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// One /sys/devices/system/cpu/cpufreq/policyN directory: a group of CPUs
// that share one frequency. All frequencies are kHz, as sysfs gives them.
struct CpufreqPolicy {
  std::string name;               // "policy0"; the number is not stable
  Reading<std::string> cpus;      // related_cpus, "0" or "0 1"
  Reading<std::string> driver;    // scaling_driver: intel_pstate, acpi-cpufreq
  Reading<std::string> governor;  // scaling_governor
  // energy_performance_preference; only intel_pstate with HWP and
  // amd-pstate in active mode provide it.
  Reading<std::string> epp;
  Reading<int64_t> cur_khz;          // scaling_cur_freq
  Reading<int64_t> min_khz;          // scaling_min_freq (the policy's limit)
  Reading<int64_t> max_khz;          // scaling_max_freq (the policy's limit)
  Reading<int64_t> cpuinfo_min_khz;  // hardware limits
  Reading<int64_t> cpuinfo_max_khz;
  // base_frequency: the non-turbo clock (intel_pstate with HWP only).
  Reading<int64_t> base_khz;
  // scaling_available_frequencies, for table drivers such as acpi-cpufreq;
  // empty when the driver has no table.
  std::vector<int64_t> available_khz;
};

// Everything cpufreq says about the machine.
struct CpufreqInfo {
  // In natural order (policy2 before policy10).
  std::vector<CpufreqPolicy> policies;
  // Why `policies` is empty (no driver loaded, as in most VMs); empty
  // otherwise.
  std::string policies_reason;
  // Whether the CPU may clock above base. From cpufreq/boost when that
  // exists, else the inverse of intel_pstate/no_turbo.
  Reading<bool> boost_enabled;
  std::string boost_source;                  // the file boost_enabled came from
  Reading<std::string> intel_pstate_status;  // active, passive or off
  Reading<std::string> amd_pstate_status;    // active, passive, guided, disable
};

// Reads cpufreq below `root`. Never throws: what cannot be read is a
// Reading with a reason.
CpufreqInfo ProbeCpufreq(const FsRoot& root);

// The "cpufreq" section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const CpufreqInfo& info);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const CpufreqInfo& info);

}  // namespace lapbench::probes
