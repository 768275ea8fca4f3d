// RAPL energy counters (powercap zones) and power from two counter reads.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// One power limit of a zone: constraint_K_* files.
struct RaplConstraint {
  int index = 0;              // K in constraint_K_*
  Reading<std::string> name;  // long_term (PL1), short_term (PL2), peak_power
  Reading<int64_t> power_limit_uw;
  Reading<int64_t> time_window_us;
};

// One powercap zone such as intel-rapl:0 (package-0) or intel-rapl:0:1.
struct RaplZone {
  std::string path_name;      // "intel-rapl:0:1"; ids are hex, not stable
  std::string control_type;   // "intel-rapl", "intel-rapl-mmio"
  std::string parent;         // "intel-rapl:0" for a subzone; "" at the top
  Reading<std::string> name;  // package-0, core, uncore, dram, psys
  Reading<bool> enabled;
  // Cumulative µJ. Root-only on real machines since kernel 5.10, so a
  // permission-denied reason is the normal answer for a user.
  Reading<uint64_t> energy_uj;
  // The value at which energy_uj wraps back to 0.
  Reading<uint64_t> max_energy_range_uj;
  std::vector<RaplConstraint> constraints;
};

// Every powercap zone found.
struct RaplInfo {
  std::vector<RaplZone> zones;  // parents before their subzones
  std::string none_reason;      // why `zones` is empty; empty otherwise
};

// Reads /sys/class/powercap below `root`. Never throws.
RaplInfo ProbeRapl(const FsRoot& root);

// Reads a zone's energy_uj again, for sampling power over an interval.
Reading<uint64_t> ReadEnergyUj(const FsRoot& root, const RaplZone& zone);

// Energy used between two reads of a counter that wraps to 0 at
// `max_range_uj`: e2 - e1, or e2 + max_range_uj - e1 when it wrapped once.
// Missing when it wrapped and the range is unknown, or a read exceeds the
// range. Sample more often than the wrap time (minutes at full load), or
// a double wrap goes unseen.
Reading<uint64_t> EnergyDeltaUj(uint64_t e1_uj, uint64_t e2_uj,
                                const Reading<uint64_t>& max_range_uj);

// Average power in µW over `duration_ns` (from a monotonic clock).
// Missing when the duration is not positive.
Reading<uint64_t> AveragePowerUw(uint64_t delta_uj, int64_t duration_ns);

// The "rapl" section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const RaplInfo& info);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const RaplInfo& info);

}  // namespace lapbench::probes
