// Machine topology from hwloc: packages, cores, PUs, caches, NUMA, core kinds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/reading.h"

namespace lapbench::probes {

// A set of logical CPUs named by their OS index (what sched_setaffinity and
// /sys/devices/system/cpu/cpuN use), sorted ascending, no duplicates.
struct CpuSet {
  std::vector<int> pus;

  // Linux cpulist form, "0-3,8"; empty string for an empty set.
  std::string ToList() const;
  int size() const { return static_cast<int>(pus.size()); }
  bool operator==(const CpuSet&) const = default;
};

// One group of identical caches: same level, type, size and sharing. A
// hybrid CPU has several groups per level (P-core L2s beside E-cluster L2s).
struct CacheInfo {
  int level = 0;
  std::string type;  // "data", "instruction" or "unified"
  uint64_t size_bytes = 0;
  int n_instances = 0;
  int pus_per_instance = 0;    // logical CPUs sharing one instance
  int cores_per_instance = 0;  // physical cores sharing one instance
  CpuSet cpuset;               // all PUs served by this group
};

// The PUs of one hwloc CPU kind and what lapbench calls it.
struct CoreKindSet {
  // "performance", "efficiency", "low-power efficiency" or "unknown".
  std::string kind;
  // hwloc's efficiency rank: 0 is the least performant, most power-efficient
  // kind; -1 when hwloc could not rank the kinds.
  int efficiency_rank = -1;
  // hwloc's CoreType info (IntelCore, IntelAtom, IntelLowPower,
  // AMDPerformance, AMDEfficiency or hwloc 2.x's "AMDEfficieny").
  Reading<std::string> hwloc_core_type;
  Reading<int> max_freq_mhz;
  Reading<int> base_freq_mhz;
  CpuSet cpuset;
  int n_cores = 0;
  int n_pus = 0;
};

// A PCI object of class 0x03xx (VGA, XGA, 3D or other display controller).
struct PciDisplayDevice {
  std::string bus_id;  // "0000:00:02.0"
  uint16_t vendor_id = 0;
  uint16_t device_id = 0;
  uint32_t class_id = 0;  // 0x0300 VGA, 0x0302 3D, 0x0380 other display
  std::string name;       // hwloc's name for it; empty when it has none
};

// Everything the topology probe found. The three CpuSets at the end are the
// thread placements the harness pins to.
struct Topology {
  std::string source;  // "live" or the XML file's path
  int n_packages = 0;
  int n_cores = 0;
  int n_pus = 0;
  bool smt = false;  // some core has more than one PU
  int n_numa_nodes = 0;
  // Sorted by level, then type, then first PU.
  std::vector<CacheInfo> caches;
  // hwloc CPU kinds, least performant first; empty on non-hybrid machines.
  std::vector<CoreKindSet> core_kinds;
  bool hybrid = false;  // more than one core kind
  CpuSet all_pus;
  CpuSet one_pu_per_core;  // the first PU of each core
  CpuSet performance_pus;  // the performance kind's PUs; all PUs if not hybrid
  // Bytes of local memory per NUMA node, in node order.
  std::vector<uint64_t> numa_memory_bytes;
  Reading<uint64_t> total_numa_memory_bytes;
  std::vector<PciDisplayDevice> pci_display_devices;
  std::vector<std::string> warnings;
};

// Loads the topology of this machine (when `topology_xml` is nullopt) or of
// an hwloc 2.x XML file, with PCI devices. Throws ProbeError when the file
// is missing, unreadable or not a topology hwloc accepts.
Topology ProbeTopology(
    const std::optional<std::filesystem::path>& topology_xml);

// Names each kind in `kinds` (ordered least performant first) from its
// CoreType when there is one, else from its rank among the kinds. Returns a
// warning, or an empty string when every kind got a name.
std::string NameCoreKinds(std::vector<CoreKindSet>& kinds);

// The topology section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const Topology& topology);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const Topology& topology);

}  // namespace lapbench::probes
