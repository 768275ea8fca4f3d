// The CPU probe: identity, core kinds, caches, clocks and usable features.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/cpu_features.h"
#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// One cache level: the size of one instance and how many there are.
struct CacheLevel {
  Reading<int64_t> size_bytes;
  Reading<int> instances;
};

// The logical CPUs of one purpose. On hybrid CPUs these are the sets to
// pin threads to; grouped by purpose, never by runs of CPU numbers.
struct CoreKind {
  // "performance", "efficiency", "low-power efficiency" or "general".
  std::string purpose;
  int n_cores = 0;
  int n_logical = 0;
  std::vector<int> logical_cpu_ids;  // OS numbers (dump order for a dump)
  CacheLevel l1d, l2, l3;            // as these cores see them
};

// Everything the CPU probe reports. Readings carry the reason when absent.
struct CpuInfo {
  Reading<std::string> vendor;
  Reading<std::string> brand;     // without padding spaces
  Reading<std::string> codename;  // only where libcpuid 0.6.2 knows the CPU
  Reading<int> family, model, stepping;  // display family and model
  Reading<int> n_physical_cores;
  Reading<int> n_logical_cpus;
  // The largest instance of each level on any core kind, and the number of
  // instances in the package.
  CacheLevel l1d, l2, l3;
  Reading<int> base_mhz, max_mhz;
  std::string base_mhz_source, max_mhz_source;  // where each clock came from

  // Decoded from the raw CPUID leaves 1, 7.0 and 7.1 of every logical CPU
  // (a feature counts when all have it), never from libcpuid's flags.
  CpuFeatures features;
  // Features whose CPUID bits the input does not hold, with the reason.
  std::vector<CpuFeature> features_unknown;
  std::string features_unknown_reason;
  Reading<uint64_t> xcr0;  // the OS's enabled state components
  std::string xcr0_source;

  std::vector<CoreKind> core_kinds;
  // "agrees" or the number of disagreements with the OS's view (each one
  // also a warning); missing when there was nothing to compare with.
  Reading<std::string> os_cross_check;

  std::string source;         // "live" or the dump's path
  std::string source_format;  // "live", "aida64", "libcpuid-multi", ...
  std::vector<std::string> warnings;
};

// Probes the CPU. With `cpuid_dump`, decodes that file instead of the
// machine (throws ProbeError if it is unusable); the OS cross-check then
// runs only when `root` is not the live root. Otherwise reads CPUID on every
// logical CPU this process may run on, and /proc/cpuinfo below `root`.
CpuInfo ProbeCpu(const FsRoot& root,
                 const std::optional<std::filesystem::path>& cpuid_dump);

// Every field; missing ones as null beside "<key>_reason".
nlohmann::json ToJson(const CpuInfo& cpu);

// A few readable lines for `lapbench probe`.
std::string Summarize(const CpuInfo& cpu);

}  // namespace lapbench::probes
