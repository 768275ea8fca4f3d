// Renders a MemoryInfo as JSON and as a short human-readable summary.
#include <fmt/format.h>

#include <string>

#include "probes/json_fields.h"
#include "probes/memory.h"

namespace lapbench::probes {
namespace {

std::string GiB(const Reading<uint64_t>& bytes) {
  if (!bytes) return "unknown";
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  return fmt::format("{:.1f} GiB", static_cast<double>(*bytes) / kGiB);
}

std::string HugePagesText(const MemoryInfo& memory) {
  std::string count = memory.hugepages_total
                          ? fmt::format("{}", *memory.hugepages_total)
                          : "unknown";
  std::string size =
      memory.hugepage_size_bytes
          ? fmt::format("{} KiB", *memory.hugepage_size_bytes / 1024)
          : "unknown size";
  return fmt::format("{} x {}", count, size);
}

}  // namespace

nlohmann::json ToJson(const MemoryInfo& memory) {
  nlohmann::json obj = nlohmann::json::object();
  PutReading(obj, "total_bytes", memory.total_bytes);
  PutReading(obj, "available_bytes", memory.available_bytes);
  PutReading(obj, "swap_total_bytes", memory.swap_total_bytes);
  PutReading(obj, "swap_free_bytes", memory.swap_free_bytes);
  PutReading(obj, "swap_kind", memory.swap_kind);
  PutReading(obj, "thp_enabled", memory.thp_enabled);
  PutReading(obj, "thp_defrag", memory.thp_defrag);
  PutReading(obj, "hugepage_size_bytes", memory.hugepage_size_bytes);
  PutReading(obj, "hugepages_total", memory.hugepages_total);
  PutReading(obj, "hwloc_numa_bytes", memory.hwloc_numa_bytes);
  obj["used_for_planning"] = memory.used_for_planning;
  PutReading(obj, "planning_bytes", memory.planning_bytes);
  obj["warnings"] = memory.warnings;
  return obj;
}

std::string Summarize(const MemoryInfo& memory) {
  std::string text =
      fmt::format("  total {}, available {} (meminfo); hwloc NUMA {}\n",
                  GiB(memory.total_bytes), GiB(memory.available_bytes),
                  GiB(memory.hwloc_numa_bytes));
  text += fmt::format("  swap {} ({}), {} free\n", GiB(memory.swap_total_bytes),
                      memory.swap_kind.value_or("kind unknown"),
                      GiB(memory.swap_free_bytes));
  text +=
      fmt::format("  THP {} (defrag {}), huge pages {}\n",
                  memory.thp_enabled.value_or("unknown"),
                  memory.thp_defrag.value_or("unknown"), HugePagesText(memory));
  text += fmt::format("  plans with: {}\n", memory.used_for_planning);
  for (const std::string& warning : memory.warnings) {
    text += fmt::format("  warning: {}\n", warning);
  }
  return text;
}

}  // namespace lapbench::probes
