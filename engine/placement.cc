// Builds the thread placements from the probes layer's hwloc topology.
#include "engine/placement.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace lapbench::engine {
namespace {

using probes::CoreKindSet;
using probes::Topology;

struct NamedKind {
  PlacementKind kind;
  std::string_view name;
};

constexpr std::array<NamedKind, 5> kPlacements = {{
    {PlacementKind::kAll, "all"},
    {PlacementKind::kPhysical, "physical"},
    {PlacementKind::kPerformance, "performance"},
    {PlacementKind::kEfficiency, "efficiency"},
    {PlacementKind::kLowPower, "low-power"},
}};

bool Contains(const probes::CpuSet& set, int pu) {
  return std::binary_search(set.pus.begin(), set.pus.end(), pu);
}

// hwloc's efficiency rank of the kind holding `pu`; -1 when it is in none
// (a non-hybrid machine, where every PU is alike).
int RankOf(const Topology& topology, int pu) {
  for (const CoreKindSet& kind : topology.core_kinds) {
    if (Contains(kind.cpuset, pu)) return kind.efficiency_rank;
  }
  return -1;
}

// The PUs of the kinds the probe named `kind_name`, ascending.
std::vector<int> PusOfKind(const Topology& topology,
                           std::string_view kind_name) {
  std::vector<int> pus;
  for (const CoreKindSet& kind : topology.core_kinds) {
    if (kind.kind != kind_name) continue;
    pus.insert(pus.end(), kind.cpuset.pus.begin(), kind.cpuset.pus.end());
  }
  std::sort(pus.begin(), pus.end());
  return pus;
}

// The placement's PUs, in any order.
std::vector<int> UnorderedCpus(const Topology& topology, PlacementKind kind) {
  switch (kind) {
    case PlacementKind::kAll:
      return topology.all_pus.pus;
    case PlacementKind::kPhysical:
      return topology.one_pu_per_core.pus;
    case PlacementKind::kPerformance:
      return topology.performance_pus.pus;
    case PlacementKind::kEfficiency:
      return PusOfKind(topology, "efficiency");
    case PlacementKind::kLowPower:
      return PusOfKind(topology, "low-power efficiency");
  }
  return {};
}

// Why `kind` has no CPUs on `topology`, for the error message.
std::string WhyEmpty(const Topology& topology, PlacementKind kind) {
  if (!topology.hybrid) {
    return "a hybrid CPU with that core kind; this one has a single kind";
  }
  std::vector<std::string> names;
  for (const CoreKindSet& k : topology.core_kinds) names.push_back(k.kind);
  return fmt::format("a CPU with {} cores; this one has {}",
                     kind == PlacementKind::kLowPower ? "low-power efficiency"
                                                      : PlacementName(kind),
                     fmt::join(names, ", "));
}

// `cpus` in Linux cpulist form, "0-3,8".
std::string CpuList(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  return probes::CpuSet{std::move(cpus)}.ToList();
}

// What the report should say about `kind` on `topology`.
std::string NoteFor(const Topology& topology, PlacementKind kind) {
  if (kind == PlacementKind::kPerformance && !topology.hybrid) {
    return "not a hybrid CPU: performance is every logical CPU, the same as "
           "all";
  }
  if (kind == PlacementKind::kPhysical && !topology.smt) {
    return "no SMT: physical is every logical CPU, the same as all";
  }
  return {};
}

}  // namespace

std::string_view PlacementName(PlacementKind kind) {
  for (const NamedKind& named : kPlacements) {
    if (named.kind == kind) return named.name;
  }
  return "unknown";
}

std::optional<PlacementKind> ParsePlacementName(std::string_view name) {
  for (const NamedKind& named : kPlacements) {
    if (named.name == name) return named.kind;
  }
  return std::nullopt;
}

std::vector<int> PlacementCpus(const Topology& topology, PlacementKind kind) {
  std::vector<int> cpus = UnorderedCpus(topology, kind);
  // Sort key: SMT siblings after every core's first PU (with 2-way SMT
  // that is each core's second PU; wider SMT keeps all siblings in one
  // tier), then higher efficiency rank (more performant) first, then OS
  // index.
  auto key = [&](int pu) {
    bool sibling = !Contains(topology.one_pu_per_core, pu);
    return std::make_tuple(sibling, -RankOf(topology, pu), pu);
  };
  std::sort(cpus.begin(), cpus.end(),
            [&](int a, int b) { return key(a) < key(b); });
  return cpus;
}

Placement PlaceThreads(const Topology& topology, std::string_view name,
                       int n_threads) {
  std::optional<PlacementKind> kind = ParsePlacementName(name);
  if (!kind) {
    throw PlacementError(fmt::format(
        "unknown placement: '{}' (expected all, physical, performance, "
        "efficiency or low-power)",
        name));
  }
  Placement placement{*kind, PlacementCpus(topology, *kind),
                      NoteFor(topology, *kind)};
  int n_cpus = static_cast<int>(placement.cpus.size());
  if (n_cpus == 0) {
    throw PlacementError(
        fmt::format("no CPUs for placement: '{}' (expected {})", name,
                    WhyEmpty(topology, *kind)));
  }
  if (n_threads < 0 || n_threads > n_cpus) {
    throw PlacementError(fmt::format(
        "thread count for placement {}: '{}' (expected 0 for all, or 1 to "
        "{}: its CPUs are {})",
        name, n_threads, n_cpus, CpuList(placement.cpus)));
  }
  if (n_threads > 0) placement.cpus.resize(static_cast<size_t>(n_threads));
  return placement;
}

std::vector<PlacementKind> DistinctPlacements(const Topology& topology) {
  std::vector<PlacementKind> kinds;
  std::vector<std::vector<int>> seen;
  for (const NamedKind& named : kPlacements) {
    std::vector<int> cpus = UnorderedCpus(topology, named.kind);
    std::sort(cpus.begin(), cpus.end());
    if (cpus.empty() ||
        std::find(seen.begin(), seen.end(), cpus) != seen.end()) {
      continue;
    }
    seen.push_back(std::move(cpus));
    kinds.push_back(named.kind);
  }
  return kinds;
}

}  // namespace lapbench::engine
