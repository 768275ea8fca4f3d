// RAM, swap and huge page settings from /proc and /sys, beside hwloc's view.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"
#include "probes/topology.h"

namespace lapbench::probes {

// What the memory probe found. Sizes from /proc/meminfo are in bytes
// (meminfo's "kB" is KiB).
struct MemoryInfo {
  Reading<uint64_t> total_bytes;      // MemTotal
  Reading<uint64_t> available_bytes;  // MemAvailable
  Reading<uint64_t> swap_total_bytes;
  Reading<uint64_t> swap_free_bytes;
  // "zram", "disk", "zram+disk" or "none", from /proc/swaps.
  Reading<std::string> swap_kind;
  // Selected choices of /sys/kernel/mm/transparent_hugepage/{enabled,defrag}
  // ("always", "madvise", "never", ...).
  Reading<std::string> thp_enabled;
  Reading<std::string> thp_defrag;
  Reading<uint64_t> hugepage_size_bytes;  // Hugepagesize
  Reading<int64_t> hugepages_total;       // HugePages_Total: a page count
  // Sum of hwloc's NUMA node memory (the topology probe's figure).
  Reading<uint64_t> hwloc_numa_bytes;
  // Which figure the rest of lapbench plans memory with, and why.
  std::string used_for_planning;
  Reading<uint64_t> planning_bytes;  // that figure
  std::vector<std::string> warnings;
};

// Reads `<root>/proc/meminfo` and `<root>/sys/kernel/mm/...`, and compares
// MemTotal with the NUMA memory in `topology`. Never throws: whatever cannot
// be read is a Reading with its reason.
MemoryInfo ProbeMemory(const FsRoot& root, const Topology& topology);

// The memory section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const MemoryInfo& memory);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const MemoryInfo& memory);

}  // namespace lapbench::probes
