// Thread placements: which logical CPUs the workers of a run are pinned to.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "probes/topology.h"

namespace lapbench::engine {

// The placements the harness sweeps.
enum class PlacementKind {
  kAll,          // every logical CPU
  kPhysical,     // one PU per physical core
  kPerformance,  // the PUs of performance cores; every PU if not hybrid
  kEfficiency,   // the PUs of efficiency (E) cores; hybrid CPUs only
  kLowPower,     // the PUs of low-power E-cores (Meteor/Arrow Lake's LP-E)
};

// A placement name that does not exist, one this machine cannot offer, or
// more threads than it has CPUs for.
class PlacementError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The CPUs chosen for a run.
struct Placement {
  PlacementKind kind = PlacementKind::kAll;
  // OS indices of logical CPUs, in the order workers take them: worker i is
  // pinned to cpus[i].
  std::vector<int> cpus;
  // Something the report should say about the choice (for example that
  // `performance` is every core on a non-hybrid CPU); empty otherwise.
  std::string note;
};

// "all", "physical", "performance", "efficiency", "low-power".
std::string_view PlacementName(PlacementKind kind);

// The kind named `name`, or nullopt.
std::optional<PlacementKind> ParsePlacementName(std::string_view name);

// Every CPU of `kind` on `topology`, best first: first PUs of cores before
// SMT siblings, then more performant core kinds before less, then OS
// index. Taking a prefix thus spreads threads over distinct cores, fastest
// first. Empty when the machine has no such CPUs.
std::vector<int> PlacementCpus(const probes::Topology& topology,
                               PlacementKind kind);

// The first `n_threads` CPUs of placement `name` (all of them when
// n_threads is 0). Throws PlacementError for an unknown name, a placement
// this topology lacks (no efficiency cores), a negative n_threads, or more
// threads than the placement has CPUs.
Placement PlaceThreads(const probes::Topology& topology, std::string_view name,
                       int n_threads);

// The placements this topology offers, in sweep order: all, physical (when
// SMT), performance (when hybrid), efficiency and low-power (when present).
// Placements that would repeat another's CPU set are left out.
std::vector<PlacementKind> DistinctPlacements(const probes::Topology& topology);

}  // namespace lapbench::engine
