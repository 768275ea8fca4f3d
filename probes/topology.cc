// Loads an hwloc topology (live or XML) and reduces it to a Topology.
#include "probes/topology.h"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <tuple>
#include <utility>

#include "probes/probe_error.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace lapbench::probes {
namespace {

#if defined(__SANITIZE_ADDRESS__)
// Debian 12's hwloc 2.9 PCI plugin leaks about 1 KB per live load (valgrind
// shows the same on lstopo itself) and is unloaded before LeakSanitizer can
// name it; this keeps that upstream leak out of the sanitizer build's report.
class UpstreamLeakScope {
 public:
  UpstreamLeakScope() { __lsan_disable(); }
  ~UpstreamLeakScope() { __lsan_enable(); }
};
#else
class UpstreamLeakScope {};
#endif

// Owns an hwloc topology handle; destroys it on scope exit.
class HwlocTopology {
 public:
  HwlocTopology() {
    if (hwloc_topology_init(&topology_) != 0) {
      throw ProbeError(fmt::format("hwloc_topology_init failed: '{}'",
                                   std::strerror(errno)));
    }
  }
  ~HwlocTopology() { hwloc_topology_destroy(topology_); }
  HwlocTopology(const HwlocTopology&) = delete;
  HwlocTopology& operator=(const HwlocTopology&) = delete;

  hwloc_topology_t get() const { return topology_; }

 private:
  hwloc_topology_t topology_ = nullptr;
};

// Owns an hwloc bitmap; frees it on scope exit.
class HwlocBitmap {
 public:
  HwlocBitmap() : bitmap_(hwloc_bitmap_alloc()) {}
  ~HwlocBitmap() { hwloc_bitmap_free(bitmap_); }
  HwlocBitmap(const HwlocBitmap&) = delete;
  HwlocBitmap& operator=(const HwlocBitmap&) = delete;

  hwloc_bitmap_t get() const { return bitmap_; }

 private:
  hwloc_bitmap_t bitmap_;
};

// Throws unless `path` can be opened, so a typo gets a clear message rather
// than hwloc's bare "Invalid argument".
void CheckReadable(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (in) return;
  int error = errno;
  throw ProbeError(
      fmt::format("cannot read topology XML: '{}' ({})", path.string(),
                  error == ENOENT ? "no such file" : std::strerror(error)));
}

// Configures `topology` to read `xml` (or this machine) with the PCI
// display devices kept, then loads it.
void Load(const HwlocTopology& topology,
          const std::optional<std::filesystem::path>& xml) {
  hwloc_topology_t t = topology.get();
  // IMPORTANT keeps GPUs, NICs and disks, and the bridges leading to them.
  hwloc_topology_set_io_types_filter(t, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
  // hwloc drops instruction caches by default; the cache list shows them.
  hwloc_topology_set_icache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL);
  if (xml) {
    CheckReadable(*xml);
    if (hwloc_topology_set_xml(t, xml->c_str()) != 0) {
      throw ProbeError(fmt::format(
          "hwloc rejected topology XML: '{}' ({}; expected hwloc 2.x XML)",
          xml->string(), std::strerror(errno)));
    }
  }
  [[maybe_unused]] UpstreamLeakScope upstream_leak;
  if (hwloc_topology_load(t) != 0) {
    throw ProbeError(
        fmt::format("hwloc could not load the topology: '{}' ({}; expected {})",
                    xml ? xml->string() : "live", std::strerror(errno),
                    xml ? "a complete hwloc 2.x XML file" : "a readable /sys"));
  }
}

CpuSet ToCpuSet(hwloc_const_bitmap_t bitmap) {
  CpuSet set;
  for (int i = hwloc_bitmap_first(bitmap); i >= 0;
       i = hwloc_bitmap_next(bitmap, i)) {
    set.pus.push_back(i);
  }
  return set;
}

int CountInside(hwloc_topology_t t, hwloc_const_bitmap_t set,
                hwloc_obj_type_t type) {
  return hwloc_get_nbobjs_inside_cpuset_by_type(t, set, type);
}

// Fills the object counts, SMT flag and the all / one-per-core PU sets.
void ReadCounts(hwloc_topology_t t, Topology& out) {
  out.n_packages = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
  out.n_cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
  out.n_pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
  out.n_numa_nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
  out.all_pus = ToCpuSet(hwloc_topology_get_topology_cpuset(t));

  if (out.n_cores == 0) {
    // Some hypervisors hide cores; each PU then stands for one.
    out.warnings.push_back(
        "hwloc found no Core objects: each PU is counted as one core");
    out.n_cores = out.n_pus;
    out.one_pu_per_core = out.all_pus;
    return;
  }
  for (int i = 0; i < out.n_cores; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, i);
    hwloc_obj_t pu =
        hwloc_get_obj_inside_cpuset_by_type(t, core->cpuset, HWLOC_OBJ_PU, 0);
    if (pu == nullptr) continue;
    out.one_pu_per_core.pus.push_back(static_cast<int>(pu->os_index));
    if (hwloc_bitmap_weight(core->cpuset) > 1) out.smt = true;
  }
  std::sort(out.one_pu_per_core.pus.begin(), out.one_pu_per_core.pus.end());
}

std::string CacheTypeName(hwloc_obj_cache_type_t type) {
  switch (type) {
    case HWLOC_OBJ_CACHE_DATA:
      return "data";
    case HWLOC_OBJ_CACHE_INSTRUCTION:
      return "instruction";
    case HWLOC_OBJ_CACHE_UNIFIED:
      return "unified";
  }
  return "unified";
}

// Groups every cache object by (level, type, size, sharing), so that a
// hybrid CPU's 1.25 MB P-core L2s and 2 MB E-cluster L2s stay apart.
void ReadCaches(hwloc_topology_t t, Topology& out) {
  using Key = std::tuple<int, std::string, uint64_t, int, int>;
  std::map<Key, CacheInfo> groups;
  for (int depth = 0; depth < hwloc_topology_get_depth(t); ++depth) {
    hwloc_obj_type_t type = hwloc_get_depth_type(t, depth);
    if (!hwloc_obj_type_is_cache(type)) continue;
    for (hwloc_obj_t obj = hwloc_get_next_obj_by_depth(t, depth, nullptr);
         obj != nullptr; obj = hwloc_get_next_obj_by_depth(t, depth, obj)) {
      const auto& cache = obj->attr->cache;
      int pus = hwloc_bitmap_weight(obj->cpuset);
      int cores = CountInside(t, obj->cpuset, HWLOC_OBJ_CORE);
      Key key{static_cast<int>(cache.depth), CacheTypeName(cache.type),
              cache.size, pus, cores};
      CacheInfo& group = groups[key];
      group.level = std::get<0>(key);
      group.type = std::get<1>(key);
      group.size_bytes = cache.size;
      group.pus_per_instance = pus;
      group.cores_per_instance = cores;
      ++group.n_instances;
      CpuSet pu_set = ToCpuSet(obj->cpuset);
      group.cpuset.pus.insert(group.cpuset.pus.end(), pu_set.pus.begin(),
                              pu_set.pus.end());
    }
  }
  for (auto& [key, group] : groups) {
    std::sort(group.cpuset.pus.begin(), group.cpuset.pus.end());
    out.caches.push_back(std::move(group));
  }
  std::stable_sort(out.caches.begin(), out.caches.end(),
                   [](const CacheInfo& a, const CacheInfo& b) {
                     return std::tie(a.level, a.type, a.cpuset.pus) <
                            std::tie(b.level, b.type, b.cpuset.pus);
                   });
}

// An info attribute parsed as a positive integer (hwloc's frequencies).
Reading<int> IntInfo(const hwloc_info_s* infos, unsigned n_infos,
                     const char* name) {
  for (unsigned i = 0; i < n_infos; ++i) {
    if (std::strcmp(infos[i].name, name) != 0) continue;
    char* end = nullptr;
    long value = std::strtol(infos[i].value, &end, 10);
    if (end == infos[i].value || *end != '\0' || value <= 0) {
      return Reading<int>::Missing(
          fmt::format("hwloc CPU kind info {}: '{}' (expected a positive "
                      "integer)",
                      name, infos[i].value));
    }
    return static_cast<int>(value);
  }
  return Reading<int>::Missing(
      fmt::format("hwloc reports no {} for this CPU kind", name));
}

Reading<std::string> StringInfo(const hwloc_info_s* infos, unsigned n_infos,
                                const char* name) {
  for (unsigned i = 0; i < n_infos; ++i) {
    if (std::strcmp(infos[i].name, name) == 0)
      return std::string(infos[i].value);
  }
  return Reading<std::string>::Missing(
      fmt::format("hwloc reports no {} for this CPU kind", name));
}

// Reads hwloc's CPU kinds. The efficiency ranks are used as they are, with
// no check of the discovery support flag: XML files written without
// support flags report cpukind_efficiency = 0 although their kinds are
// ranked.
void ReadCoreKinds(hwloc_topology_t t, Topology& out) {
  int n_kinds = hwloc_cpukinds_get_nr(t, 0);
  HwlocBitmap cpuset;
  for (int i = 0; i < n_kinds; ++i) {
    int efficiency = -1;
    unsigned n_infos = 0;
    hwloc_info_s* infos = nullptr;
    if (hwloc_cpukinds_get_info(t, static_cast<unsigned>(i), cpuset.get(),
                                &efficiency, &n_infos, &infos, 0) != 0) {
      out.warnings.push_back(fmt::format("hwloc CPU kind {} unreadable: '{}'",
                                         i, std::strerror(errno)));
      continue;
    }
    CoreKindSet kind;
    kind.efficiency_rank = efficiency;
    kind.hwloc_core_type = StringInfo(infos, n_infos, "CoreType");
    kind.max_freq_mhz = IntInfo(infos, n_infos, "FrequencyMaxMHz");
    kind.base_freq_mhz = IntInfo(infos, n_infos, "FrequencyBaseMHz");
    kind.cpuset = ToCpuSet(cpuset.get());
    kind.n_pus = kind.cpuset.size();
    kind.n_cores = CountInside(t, cpuset.get(), HWLOC_OBJ_CORE);
    out.core_kinds.push_back(std::move(kind));
  }
  out.hybrid = out.core_kinds.size() > 1;
  if (!out.hybrid) {
    // A single kind (hwloc makes one on some VMs) says nothing about cores.
    out.core_kinds.clear();
    return;
  }
  std::string warning = NameCoreKinds(out.core_kinds);
  if (!warning.empty()) out.warnings.push_back(std::move(warning));
}

// The performance kinds' PUs, or every PU when there is no such kind.
void PickPerformancePus(Topology& out) {
  for (const CoreKindSet& kind : out.core_kinds) {
    if (kind.kind != "performance") continue;
    out.performance_pus.pus.insert(out.performance_pus.pus.end(),
                                   kind.cpuset.pus.begin(),
                                   kind.cpuset.pus.end());
  }
  std::sort(out.performance_pus.pus.begin(), out.performance_pus.pus.end());
  if (!out.performance_pus.pus.empty()) return;
  if (out.hybrid) {
    out.warnings.push_back(
        "no CPU kind could be named performance: performance_pus holds all "
        "PUs");
  }
  out.performance_pus = out.all_pus;
}

void ReadNumaMemory(hwloc_topology_t t, Topology& out) {
  uint64_t total_bytes = 0;
  int unknown_node = -1;
  for (int i = 0; i < out.n_numa_nodes; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, i);
    uint64_t bytes = node->attr->numanode.local_memory;
    out.numa_memory_bytes.push_back(bytes);
    total_bytes += bytes;
    if (bytes == 0 && unknown_node < 0) unknown_node = i;
  }
  if (out.n_numa_nodes == 0) {
    out.total_numa_memory_bytes =
        Reading<uint64_t>::Missing("hwloc found no NUMA node");
  } else if (unknown_node >= 0) {
    out.total_numa_memory_bytes = Reading<uint64_t>::Missing(fmt::format(
        "hwloc reports no memory size for NUMA node L#{} (the topology "
        "source records none)",
        unknown_node));
  } else {
    out.total_numa_memory_bytes = total_bytes;
  }
}

std::string PciName(hwloc_obj_t obj) {
  if (obj->name != nullptr) return obj->name;
  const char* vendor = hwloc_obj_get_info_by_name(obj, "PCIVendor");
  const char* device = hwloc_obj_get_info_by_name(obj, "PCIDevice");
  if (vendor != nullptr && device != nullptr) {
    return fmt::format("{} {}", vendor, device);
  }
  return device != nullptr ? device : "";
}

// Lists PCI display controllers (class 0x03xx) in hwloc's PCI order.
void ReadPciDisplays(hwloc_topology_t t, Topology& out) {
  constexpr unsigned kDisplayBaseClass = 0x03;
  for (hwloc_obj_t obj = hwloc_get_next_pcidev(t, nullptr); obj != nullptr;
       obj = hwloc_get_next_pcidev(t, obj)) {
    const auto& pci = obj->attr->pcidev;
    if ((pci.class_id >> 8) != kDisplayBaseClass) continue;
    PciDisplayDevice device;
    device.bus_id = fmt::format("{:04x}:{:02x}:{:02x}.{:x}", pci.domain,
                                pci.bus, pci.dev, pci.func);
    device.vendor_id = pci.vendor_id;
    device.device_id = pci.device_id;
    device.class_id = pci.class_id;
    device.name = PciName(obj);
    out.pci_display_devices.push_back(std::move(device));
  }
}

}  // namespace

Topology ProbeTopology(
    const std::optional<std::filesystem::path>& topology_xml) {
  HwlocTopology hwloc;
  Load(hwloc, topology_xml);
  hwloc_topology_t t = hwloc.get();

  Topology out;
  out.source = topology_xml ? topology_xml->string() : "live";
  ReadCounts(t, out);
  ReadCaches(t, out);
  ReadCoreKinds(t, out);
  PickPerformancePus(out);
  ReadNumaMemory(t, out);
  ReadPciDisplays(t, out);
  return out;
}

}  // namespace lapbench::probes
