// The machine a plan is checked against, built from a probe or from
// fixture parts (topology, CPU features, RAM).
#include <fmt/format.h>

#include "engine/placement.h"
#include "harness/plan.h"

namespace lapbench::harness {
namespace {

constexpr engine::PlacementKind kSweepOrder[] = {
    engine::PlacementKind::kAll, engine::PlacementKind::kPhysical,
    engine::PlacementKind::kPerformance, engine::PlacementKind::kEfficiency,
    engine::PlacementKind::kLowPower};

MachinePlacement DescribePlacement(const probes::Topology& topology,
                                   engine::PlacementKind kind) {
  MachinePlacement out;
  out.name = std::string(engine::PlacementName(kind));
  try {
    engine::Placement placement = engine::PlaceThreads(topology, out.name, 0);
    out.cpus = std::move(placement.cpus);
    out.note = std::move(placement.note);
  } catch (const engine::PlacementError& e) {
    out.note = e.what();  // names what the topology lacks
  }
  return out;
}

}  // namespace

Machine MakeMachine(const probes::Topology& topology,
                    const probes::CpuFeatures& features,
                    std::optional<uint64_t> available_bytes) {
  Machine machine;
  machine.cpu_features = features;
  for (engine::PlacementKind kind : kSweepOrder) {
    machine.placements.push_back(DescribePlacement(topology, kind));
  }
  machine.available_bytes = available_bytes;
  machine.read_bytes_per_s_1t = kAssumedReadBytesPerS1t;
  machine.read_bytes_per_s_all = kAssumedReadBytesPerSAll;
  machine.bandwidth_source = "assumed";
  return machine;
}

Machine MachineFromProfile(const probes::HardwareProfile& profile) {
  std::optional<uint64_t> available;
  if (profile.memory.planning_bytes) available = *profile.memory.planning_bytes;
  Machine machine =
      MakeMachine(profile.topology, profile.cpu.features, available);
  machine.cpu_name = profile.cpu.brand.value_or("unknown CPU");
  if (!profile.measured) return machine;
  const auto& bandwidth = profile.measured->bandwidth;
  // MeasureMachine lists 1 thread first, then all threads.
  if (bandwidth.size() >= 2 && bandwidth.front().read_bytes_per_s &&
      bandwidth.back().read_bytes_per_s) {
    machine.read_bytes_per_s_1t = *bandwidth.front().read_bytes_per_s;
    machine.read_bytes_per_s_all = *bandwidth.back().read_bytes_per_s;
    machine.bandwidth_source = "measured";
  }
  return machine;
}

}  // namespace lapbench::harness
