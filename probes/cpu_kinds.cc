// Groups decoded logical CPUs into core kinds, counts cores and caches.
#include "probes/cpu_kinds.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>

namespace lapbench::probes {
namespace {

// Kinds are listed fastest first, so the first kind is where a single
// latency-bound thread belongs.
constexpr std::string_view kPurposeOrder[] = {
    "performance", "efficiency", "low-power efficiency", "general"};

using Members = std::vector<const LogicalCpu*>;
using CacheOf = std::optional<CacheInfo> LogicalCpu::*;

// Size of the largest instance of one cache level among `members`, and
// the number of distinct instances they use.
CacheLevel SummarizeCache(const Members& members, CacheOf cache,
                          std::string_view level_name, bool countable) {
  CacheLevel level;
  int64_t largest_bytes = 0;
  std::set<uint32_t> ids;
  bool all_have_ids = true;
  for (const LogicalCpu* member : members) {
    const std::optional<CacheInfo>& info = member->*cache;
    if (!info) continue;
    largest_bytes = std::max(largest_bytes, info->size_bytes);
    if (info->instance_id) {
      ids.insert(*info->instance_id);
    } else {
      all_have_ids = false;
    }
  }
  if (largest_bytes == 0) {
    level.size_bytes = Reading<int64_t>::Missing(
        fmt::format("CPUID reports no {} cache for these cores", level_name));
    level.instances = 0;
  } else if (!countable) {
    level.size_bytes = largest_bytes;
    level.instances = Reading<int>::Missing(
        "the input holds one logical CPU, so instances cannot be counted");
  } else if (!all_have_ids) {
    level.size_bytes = largest_bytes;
    level.instances = Reading<int>::Missing(
        "CPUID reports this cache's size only (AMD leaves 0x80000005/6), "
        "not which CPUs share it");
  } else {
    level.size_bytes = largest_bytes;
    level.instances = static_cast<int>(ids.size());
  }
  return level;
}

int DistinctCores(const Members& members) {
  std::set<uint32_t> cores;
  for (const LogicalCpu* member : members) cores.insert(member->core_id);
  return static_cast<int>(cores.size());
}

CoreKind MakeKind(std::string_view purpose, const Members& members,
                  bool countable) {
  CoreKind kind;
  kind.purpose = std::string(purpose);
  kind.n_cores = DistinctCores(members);
  kind.n_logical = static_cast<int>(members.size());
  for (const LogicalCpu* member : members) {
    kind.logical_cpu_ids.push_back(member->os_cpu_id);
  }
  kind.l1d = SummarizeCache(members, &LogicalCpu::l1d, "L1d", countable);
  kind.l2 = SummarizeCache(members, &LogicalCpu::l2, "L2", countable);
  kind.l3 = SummarizeCache(members, &LogicalCpu::l3, "L3", countable);
  return kind;
}

// libcpuid's old format holds one logical CPU; leaf 0xB of that CPU still
// says how many share its core and its package.
void ExtrapolateSingle(const CpuidLeaves& leaves, CpuInfo& cpu) {
  const int threads_per_core = CpuidThreadsPerCore(leaves);
  const int per_package = CpuidLogicalPerPackage(leaves);
  if (threads_per_core < 1 || per_package <= 1) {
    cpu.warnings.push_back(
        "the input holds one logical CPU and no CPUID leaf 0xB counts: "
        "core and logical counts cover that CPU only");
    return;
  }
  cpu.n_logical_cpus = per_package;
  cpu.n_physical_cores = per_package / threads_per_core;
  CoreKind& kind = cpu.core_kinds.front();
  kind.n_logical = per_package;
  kind.n_cores = per_package / threads_per_core;
  kind.logical_cpu_ids.clear();
  cpu.warnings.push_back(fmt::format(
      "the input holds one logical CPU (libcpuid's old format): {} cores "
      "and {} logical CPUs are taken from its CPUID leaf 0xB, assuming "
      "all cores alike",
      kind.n_cores, kind.n_logical));
}

void WarnIfPartial(const CpuidLeaves& first, CpuInfo& cpu) {
  const int per_package = CpuidLogicalPerPackage(first);
  const int held = cpu.n_logical_cpus.value_or(0);
  if (per_package > held) {
    cpu.warnings.push_back(fmt::format(
        "the input holds {} logical CPUs but CPUID leaf 0xB counts {} in "
        "the package: counts and core kinds cover only the CPUs present",
        held, per_package));
  }
}

}  // namespace

void FillTopology(const CpuidDump& dump, const std::vector<LogicalCpu>& cpus,
                  CpuInfo& cpu) {
  const bool single = dump.format == CpuidDumpFormat::kLibcpuidSingle;
  Members all;
  for (const LogicalCpu& logical : cpus) all.push_back(&logical);
  for (std::string_view purpose : kPurposeOrder) {
    Members members;
    for (const LogicalCpu* logical : all) {
      if (logical->purpose == purpose) members.push_back(logical);
    }
    if (!members.empty()) {
      cpu.core_kinds.push_back(MakeKind(purpose, members, !single));
    }
  }
  cpu.l1d = SummarizeCache(all, &LogicalCpu::l1d, "L1d", !single);
  cpu.l2 = SummarizeCache(all, &LogicalCpu::l2, "L2", !single);
  cpu.l3 = SummarizeCache(all, &LogicalCpu::l3, "L3", !single);
  cpu.n_logical_cpus = static_cast<int>(cpus.size());
  cpu.n_physical_cores = DistinctCores(all);
  if (single) {
    ExtrapolateSingle(dump.cpus.front(), cpu);
  } else {
    WarnIfPartial(dump.cpus.front(), cpu);
  }
}

}  // namespace lapbench::probes
