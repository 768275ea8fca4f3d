// Names hwloc CPU kinds: performance, efficiency or low-power efficiency.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "probes/topology.h"

namespace lapbench::probes {
namespace {

constexpr std::string_view kPerformance = "performance";
constexpr std::string_view kEfficiency = "efficiency";
constexpr std::string_view kLowPower = "low-power efficiency";
constexpr std::string_view kUnknown = "unknown";

// The kind a CoreType names, or empty for a type hwloc may add later.
// hwloc's v2.x branch spells the AMD one "AMDEfficieny"; both spellings
// are accepted.
std::string_view KindOfCoreType(std::string_view core_type) {
  if (core_type == "IntelCore" || core_type == "AMDPerformance") {
    return kPerformance;
  }
  if (core_type == "IntelAtom" || core_type == "AMDEfficiency" ||
      core_type == "AMDEfficieny") {
    return kEfficiency;
  }
  if (core_type == "IntelLowPower") return kLowPower;
  return {};
}

// The kind implied by a rank among `n_kinds` ranked kinds: the top rank is
// performance; with three or more kinds the bottom one is taken to be the
// low-power E-cores (as on Meteor Lake and Arrow Lake), the rest plain E.
std::string_view KindOfRank(int rank, int top_rank, int bottom_rank,
                            size_t n_kinds) {
  if (rank == top_rank) return kPerformance;
  if (n_kinds >= 3 && rank == bottom_rank) return kLowPower;
  return kEfficiency;
}

}  // namespace

std::string NameCoreKinds(std::vector<CoreKindSet>& kinds) {
  bool ranked = std::all_of(kinds.begin(), kinds.end(), [](const auto& k) {
    return k.efficiency_rank >= 0;
  });
  int top_rank = -1;
  int bottom_rank = -1;
  for (const CoreKindSet& kind : kinds) {
    top_rank = std::max(top_rank, kind.efficiency_rank);
    if (bottom_rank < 0 || kind.efficiency_rank < bottom_rank) {
      bottom_rank = kind.efficiency_rank;
    }
  }

  int n_unnamed = 0;
  for (CoreKindSet& kind : kinds) {
    std::string_view name;
    if (kind.hwloc_core_type) name = KindOfCoreType(*kind.hwloc_core_type);
    if (name.empty() && ranked) {
      name =
          KindOfRank(kind.efficiency_rank, top_rank, bottom_rank, kinds.size());
    }
    if (name.empty()) {
      name = kUnknown;
      ++n_unnamed;
    }
    kind.kind = std::string(name);
  }
  if (n_unnamed == 0) return {};
  return fmt::format(
      "{} of {} CPU kinds have neither a known CoreType nor an efficiency "
      "rank: named unknown",
      n_unnamed, kinds.size());
}

}  // namespace lapbench::probes
