// Renders a Topology as JSON and as a short human-readable summary.
#include <fmt/format.h>

#include <string>

#include "probes/json_fields.h"
#include "probes/topology.h"

namespace lapbench::probes {
namespace {

nlohmann::json CacheJson(const CacheInfo& cache) {
  return {{"level", cache.level},
          {"type", cache.type},
          {"size_bytes", cache.size_bytes},
          {"n_instances", cache.n_instances},
          {"pus_per_instance", cache.pus_per_instance},
          {"cores_per_instance", cache.cores_per_instance},
          {"cpuset", cache.cpuset.ToList()}};
}

nlohmann::json CoreKindJson(const CoreKindSet& kind) {
  nlohmann::json obj = {{"kind", kind.kind},
                        {"efficiency_rank", kind.efficiency_rank},
                        {"cpuset", kind.cpuset.ToList()},
                        {"n_cores", kind.n_cores},
                        {"n_pus", kind.n_pus}};
  PutReading(obj, "hwloc_core_type", kind.hwloc_core_type);
  PutReading(obj, "max_freq_mhz", kind.max_freq_mhz);
  PutReading(obj, "base_freq_mhz", kind.base_freq_mhz);
  return obj;
}

nlohmann::json PciJson(const PciDisplayDevice& device) {
  return {{"bus_id", device.bus_id},
          {"vendor_id", fmt::format("0x{:04x}", device.vendor_id)},
          {"device_id", fmt::format("0x{:04x}", device.device_id)},
          {"class_id", fmt::format("0x{:04x}", device.class_id)},
          {"name", device.name}};
}

std::string SizeText(uint64_t size_bytes) {
  constexpr uint64_t kKiB = 1024;
  constexpr uint64_t kMiB = kKiB * 1024;
  constexpr uint64_t kGiB = kMiB * 1024;
  if (size_bytes >= kGiB) {
    return fmt::format("{:.1f} GiB", static_cast<double>(size_bytes) / kGiB);
  }
  if (size_bytes >= kMiB && size_bytes % kMiB == 0) {
    return fmt::format("{} MiB", size_bytes / kMiB);
  }
  return fmt::format("{} KiB", size_bytes / kKiB);
}

std::string CachesLine(const Topology& topology) {
  std::string line;
  for (const CacheInfo& cache : topology.caches) {
    if (cache.type == "instruction") continue;
    if (!line.empty()) line += ", ";
    line += fmt::format("L{} {} x{} (per {} PU{})", cache.level,
                        SizeText(cache.size_bytes), cache.n_instances,
                        cache.pus_per_instance,
                        cache.pus_per_instance == 1 ? "" : "s");
  }
  return line.empty() ? "none reported" : line;
}

}  // namespace

std::string CpuSet::ToList() const {
  std::string list;
  for (size_t i = 0; i < pus.size();) {
    size_t j = i;
    while (j + 1 < pus.size() && pus[j + 1] == pus[j] + 1) ++j;
    if (!list.empty()) list += ',';
    list += j == i ? fmt::format("{}", pus[i])
                   : fmt::format("{}-{}", pus[i], pus[j]);
    i = j + 1;
  }
  return list;
}

nlohmann::json ToJson(const Topology& topology) {
  nlohmann::json obj = {{"source", topology.source},
                        {"n_packages", topology.n_packages},
                        {"n_cores", topology.n_cores},
                        {"n_pus", topology.n_pus},
                        {"smt", topology.smt},
                        {"n_numa_nodes", topology.n_numa_nodes},
                        {"hybrid", topology.hybrid},
                        {"all_pus", topology.all_pus.ToList()},
                        {"one_pu_per_core", topology.one_pu_per_core.ToList()},
                        {"performance_pus", topology.performance_pus.ToList()},
                        {"numa_memory_bytes", topology.numa_memory_bytes},
                        {"warnings", topology.warnings}};
  obj["caches"] = nlohmann::json::array();
  for (const CacheInfo& cache : topology.caches) {
    obj["caches"].push_back(CacheJson(cache));
  }
  obj["core_kinds"] = nlohmann::json::array();
  for (const CoreKindSet& kind : topology.core_kinds) {
    obj["core_kinds"].push_back(CoreKindJson(kind));
  }
  obj["pci_display_devices"] = nlohmann::json::array();
  for (const PciDisplayDevice& device : topology.pci_display_devices) {
    obj["pci_display_devices"].push_back(PciJson(device));
  }
  PutReading(obj, "total_numa_memory_bytes", topology.total_numa_memory_bytes);
  return obj;
}

std::string Summarize(const Topology& topology) {
  std::string text = fmt::format(
      "  {} package(s), {} cores, {} PUs, SMT {}, {} NUMA node(s), from {}\n",
      topology.n_packages, topology.n_cores, topology.n_pus,
      topology.smt ? "on" : "off", topology.n_numa_nodes, topology.source);
  text += fmt::format("  caches: {}\n", CachesLine(topology));
  for (const CoreKindSet& kind : topology.core_kinds) {
    text +=
        fmt::format("  {} cores: {} cores / {} PUs, PUs {} ({})\n", kind.kind,
                    kind.n_cores, kind.n_pus, kind.cpuset.ToList(),
                    kind.hwloc_core_type.value_or("no CoreType"));
  }
  text +=
      fmt::format("  thread sets: all {} | one per core {} | performance {}\n",
                  topology.all_pus.ToList(), topology.one_pu_per_core.ToList(),
                  topology.performance_pus.ToList());
  for (const PciDisplayDevice& device : topology.pci_display_devices) {
    text += fmt::format("  display {} [{:04x}:{:04x}] {}\n", device.bus_id,
                        device.vendor_id, device.device_id, device.name);
  }
  for (const std::string& warning : topology.warnings) {
    text += fmt::format("  warning: {}\n", warning);
  }
  return text;
}

}  // namespace lapbench::probes
